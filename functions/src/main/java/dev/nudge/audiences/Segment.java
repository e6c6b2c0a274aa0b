package dev.nudge.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.WorkflowParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A dynamic segment: the contacts for whom a condition holds, in the language of workflow branch
 * conditions ({@code when}: where, score, inList, consent, event counts within a window, all, any,
 * not). Membership is kept by the events-stream consumer as events happen, and by per-contact
 * timers for conditions that change with time alone ("no order for 90 days").
 *
 * <pre>
 * id: best-customers
 * name: Best customers
 * when:
 *   event: { type: order.completed, within: P180D, count: { gte: 3 } }
 * </pre>
 */
public record Segment(String id, String name, Condition when) {
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");

  public record Parsed(Segment segment, List<Problem> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }
  }

  /** Parses a definition whose {@code id} must be {@code expectedId} (the id in the API path). */
  public static Parsed parse(String text, String expectedId) {
    Definitions.Read read = Definitions.read(text);
    if (read.problem() != null) {
      return new Parsed(null, List.of(read.problem()));
    }
    JsonNode tree = read.tree();
    List<Problem> problems = new ArrayList<>();
    if (tree == null || !tree.isObject()) {
      return new Parsed(null, List.of(new Problem(null, "", "a map with id, name and when")));
    }
    tree.fieldNames().forEachRemaining(f -> {
      if (!Set.of("id", "name", "when").contains(f)) {
        problems.add(new Problem(null, "/" + f, "unknown field (id, name, when)"));
      }
    });
    String id = tree.path("id").asText("");
    if (!ID.matcher(id).matches()) {
      problems.add(new Problem(null, "/id", "an id of lower-case letters, digits and -"));
    } else if (expectedId != null && !id.equals(expectedId)) {
      problems.add(new Problem(null, "/id", "the definition's id must be \"" + expectedId + "\", the segment in the path"));
    }
    String name = tree.path("name").asText("").strip();
    if (name.isEmpty() || name.length() > 200) {
      problems.add(new Problem(null, "/name", "a name of 1 to 200 characters"));
    }
    WorkflowParser.ConditionParse when = WorkflowParser.parseCondition(tree.get("when"), "/when");
    problems.addAll(when.problems());
    return problems.isEmpty() ? new Parsed(new Segment(id, name, when.condition()), problems) : new Parsed(null, problems);
  }

  /** The event types whose events can change membership (conditions on events). */
  public Set<String> eventTypes() {
    Set<String> types = new java.util.HashSet<>();
    collect(when, types);
    return types;
  }

  /** The time-windowed event conditions, whose truth changes with time alone. */
  public List<Condition.Events> windows() {
    List<Condition.Events> windows = new ArrayList<>();
    windows(when, windows);
    return windows;
  }

  private static void collect(Condition c, Set<String> types) {
    if (c instanceof Condition.Events e) {
      types.add(e.type());
    } else if (c instanceof Condition.All a) {
      a.conditions().forEach(x -> collect(x, types));
    } else if (c instanceof Condition.Any a) {
      a.conditions().forEach(x -> collect(x, types));
    } else if (c instanceof Condition.Not n) {
      collect(n.condition(), types);
    }
  }

  private static void windows(Condition c, List<Condition.Events> out) {
    if (c instanceof Condition.Events e && e.within() != null) {
      out.add(e);
    } else if (c instanceof Condition.All a) {
      a.conditions().forEach(x -> windows(x, out));
    } else if (c instanceof Condition.Any a) {
      a.conditions().forEach(x -> windows(x, out));
    } else if (c instanceof Condition.Not n) {
      windows(n.condition(), out);
    }
  }
}
