package dev.nudge.journeys.broadcast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import java.util.regex.Pattern;

/**
 * Whom a broadcast run reaches: the members of a segment or of a static list (exactly one), each
 * passing {@code where} (the contact filter language of workflow audiences; null when none) before
 * entry. A filter alone is refused: it would read every contact of the table on every run, where
 * a segment with that condition is kept up to date as contacts change and a run pages only its
 * members.
 */
public record BroadcastAudience(String segment, String list, JsonNode where) {
  /** A list name, as the lists API takes it. */
  private static final Pattern LIST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

  public BroadcastAudience {
    if ((segment == null) == (list == null)) {
      throw new IllegalArgumentException("a broadcast reaches a segment or a list");
    }
    if (where != null && (where.isNull() || where.isEmpty())) {
      where = null;
    }
  }

  public static BroadcastAudience segment(String segment) {
    return new BroadcastAudience(segment, null, null);
  }

  /** The audience of a {@code schedule} trigger. */
  public static BroadcastAudience of(Workflow.ScheduleTrigger trigger) {
    return new BroadcastAudience(trigger.segment(), trigger.list(), trigger.where().isEmpty() ? null : json(trigger.where()));
  }

  /**
   * The audience named by a broadcast request's body ({@code segment} or {@code list}, optional
   * {@code where}); a mistake is a 400 naming the field.
   */
  public static BroadcastAudience fromBody(JsonNode body) {
    boolean hasSegment = body.has("segment");
    boolean hasList = body.has("list");
    if (hasSegment && hasList) {
      throw ApiException.invalid("list", "a run reaches a segment or a list, not both: give one of them");
    }
    JsonNode where = body.get("where");
    if (where != null && !where.isNull()) {
      if (!where.isObject()) {
        throw ApiException.invalid("where", "a contact filter: a map of field paths to values or {operator: value}");
      }
      try {
        WorkflowParser.parseFilter(where);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("where", e.getMessage());
      }
    }
    if (!hasSegment && !hasList) {
      if (where != null && !where.isNull()) {
        throw ApiException.invalid("where", "where narrows a segment or a list and needs one of them (alone it would "
            + "scan every contact on each run): give segment or list, or define a segment with this condition");
      }
      throw ApiException.invalid("segment", "the id of a segment, or list: the name of a list");
    }
    if (hasSegment) {
      String segment = body.path("segment").asText("");
      if (!body.path("segment").isTextual() || !dev.nudge.audiences.Segment.ID.matcher(segment).matches()) {
        throw ApiException.invalid("segment", "the id of a segment");
      }
      return new BroadcastAudience(segment, null, where);
    }
    String list = body.path("list").asText("");
    if (!body.path("list").isTextual() || !LIST.matcher(list).matches()) {
      throw ApiException.invalid("list", "a list name of letters, digits, _ and - (at most 100)");
    }
    return new BroadcastAudience(null, list, where);
  }

  /** As a run's state carries it ({@link #writeTo}). */
  public static BroadcastAudience fromState(JsonNode state) {
    JsonNode where = state.get("where");
    return state.path("list").isTextual() ? new BroadcastAudience(null, state.get("list").asText(), where)
        : new BroadcastAudience(state.path("segment").asText(), null, where);
  }

  public void writeTo(ObjectNode state) {
    if (segment != null) {
      state.put("segment", segment);
    } else {
      state.put("list", list);
    }
    if (where != null) {
      state.set("where", where);
    }
  }

  /** The filter members must pass; {@link Filter#ALWAYS} when none. */
  public Filter filter() {
    return where == null ? Filter.ALWAYS : WorkflowParser.parseFilter(where);
  }

  /** A parsed filter written back in the language it was read from ({@code {path: {operator: operand}}}). */
  static ObjectNode json(Filter filter) {
    ObjectNode out = Json.object();
    for (Filter.Criterion criterion : filter.criteria()) {
      ObjectNode comparisons = Json.object();
      out.set(criterion.path(), comparisons);
      criterion.comparisons().forEach(c -> comparisons.set(c.operator().keyword(), c.operand()));
    }
    return out;
  }
}
