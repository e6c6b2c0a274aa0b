package dev.nudge.workflows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.util.Collection;
import java.util.Comparator;
import java.util.Set;

/**
 * Writes model parts back in definition syntax, in a fixed key order, so that
 * {@link WorkflowParser} reads them back to equal values. The compiler embeds steps written this
 * way in Task payloads; the step-actions function reads them with {@link WorkflowParser#parseStep}.
 */
public final class WorkflowWriter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private WorkflowWriter() {}

  /** The step's action only ({@code id} and its kind), without successors: what a Task needs to run it. */
  public static ObjectNode action(Step step) {
    ObjectNode node = F.objectNode();
    node.put("id", step.id());
    Step.Action action = step.action();
    ObjectNode body = F.objectNode();
    if (action instanceof Step.Message m) {
      body.put("template", m.template());
    } else if (action instanceof Step.WaitDuration w) {
      body.put("duration", Durations.format(w.duration()));
    } else if (action instanceof Step.WaitUntilTime w) {
      body.put("until", w.time().toString());
      if (!w.days().isEmpty()) {
        body.set("days", days(w.days()));
      }
    } else if (action instanceof Step.WaitUntilDate w) {
      body.put("untilDate", w.attribute());
      body.put("offset", w.offset().isZero() ? "PT0S" : Durations.format(w.offset()));
      body.put("at", w.time().toString());
    } else if (action instanceof Step.WaitFor w) {
      body.put("event", w.event());
      if (!w.where().isEmpty()) {
        body.set("where", filter(w.where()));
      }
      if (w.step() != null) {
        body.put("step", w.step());
      }
      body.put("timeout", Durations.format(w.timeout()));
    } else if (action instanceof Step.Branch b) {
      ArrayNode cases = body.putArray("cases");
      for (Step.Case c : b.cases()) {
        ObjectNode cn = cases.addObject();
        cn.set("when", condition(c.when()));
        cn.put("next", c.next());
      }
      if (b.otherwise() != null) {
        body.put("default", b.otherwise());
      }
    } else if (action instanceof Step.Split s) {
      ArrayNode arms = F.arrayNode();
      for (Step.Arm arm : s.arms()) {
        arms.addObject().put("percent", arm.percent()).put("next", arm.next());
      }
      node.set("split", arms);
      return node;
    } else if (action instanceof Step.Update u) {
      if (!u.set().isEmpty()) {
        ObjectNode set = body.putObject("set");
        u.set().forEach(set::set);
      }
      if (!u.unset().isEmpty()) {
        body.set("unset", strings(u.unset()));
      }
      if (!u.addToLists().isEmpty()) {
        body.set("addToLists", strings(u.addToLists()));
      }
      if (!u.removeFromLists().isEmpty()) {
        body.set("removeFromLists", strings(u.removeFromLists()));
      }
      if (u.addScore() != 0) {
        body.put("addScore", u.addScore());
      }
    } else if (action instanceof Step.Enroll e) {
      body.put("workflow", e.workflow());
    } else if (action instanceof Step.Webhook w) {
      body.put("url", w.url().toString());
      body.put("timeout", Durations.format(w.timeout()));
      body.put("retries", w.retries());
    }
    node.set(action.keyword(), body);
    return node;
  }

  /** Settings in definition syntax; a send window is always written as sendWindow. */
  public static ObjectNode settings(Workflow.Settings settings) {
    ObjectNode node = F.objectNode();
    node.put("timezone", settings.timezone());
    Workflow.SendWindow w = settings.sendWindow();
    if (w != null) {
      ObjectNode window = node.putObject("sendWindow");
      window.put("from", w.from().toString());
      window.put("to", w.to().toString());
      if (w.days().size() < 7) {
        window.set("days", days(w.days()));
      }
      window.put("timezone", w.timezone());
    }
    Workflow.FrequencyCap cap = settings.frequencyCap();
    if (cap != null) {
      node.putObject("frequencyCap").put("max", cap.max()).put("per", Durations.format(cap.per()));
    }
    Workflow.OnEnd onEnd = settings.onEnd();
    if (onEnd != null) {
      ObjectNode end = node.putObject("onEnd");
      end.put(onEnd.move() ? "moveTo" : "copyTo", onEnd.list());
      if (onEnd.from() != null) {
        end.put("from", onEnd.from());
      }
    }
    return node;
  }

  public static ObjectNode condition(Condition condition) {
    ObjectNode node = F.objectNode();
    if (condition instanceof Condition.Where w) {
      node.set("where", filter(w.filter()));
    } else if (condition instanceof Condition.Score s) {
      node.set("score", comparisons(s.comparisons()));
    } else if (condition instanceof Condition.InSegment g) {
      node.put(g.member() ? "inSegment" : "notInSegment", g.segment());
    } else if (condition instanceof Condition.InList l) {
      node.put(l.member() ? "inList" : "notInList", l.list());
    } else if (condition instanceof Condition.Consent c) {
      node.put("consent", c.channel());
    } else if (condition instanceof Condition.Events e) {
      ObjectNode ev = node.putObject("event");
      ev.put("type", e.type());
      if (!e.where().isEmpty()) {
        ev.set("where", filter(e.where()));
      }
      if (!e.count().isEmpty()) {
        ev.set("count", comparisons(e.count()));
      }
      if (e.within() != null) {
        ev.put("within", Durations.format(e.within()));
      }
      if (e.sum() != null) {
        ObjectNode sum = (ObjectNode) comparisons(e.sum().comparisons());
        ObjectNode ordered = ev.putObject("sum");
        ordered.put("of", e.sum().of());
        ordered.setAll(sum);
      }
    } else if (condition instanceof Condition.All a) {
      ArrayNode all = node.putArray("all");
      a.conditions().forEach(c -> all.add(condition(c)));
    } else if (condition instanceof Condition.Any a) {
      ArrayNode any = node.putArray("any");
      a.conditions().forEach(c -> any.add(condition(c)));
    } else if (condition instanceof Condition.Not n) {
      node.set("not", condition(n.condition()));
    }
    return node;
  }

  public static ObjectNode filter(Filter filter) {
    ObjectNode node = F.objectNode();
    for (Filter.Criterion c : filter.criteria()) {
      node.set(c.path(), comparisons(c.comparisons()));
    }
    return node;
  }

  private static ObjectNode comparisons(Collection<Filter.Comparison> comparisons) {
    ObjectNode node = F.objectNode();
    for (Filter.Comparison c : comparisons) {
      node.set(c.operator().keyword(), c.operand());
    }
    return node;
  }

  private static ArrayNode days(Set<DayOfWeek> days) {
    ArrayNode array = F.arrayNode();
    days.stream().sorted(Comparator.naturalOrder()).forEach(d -> array.add(d.name().substring(0, 3)));
    return array;
  }

  private static ArrayNode strings(Collection<String> values) {
    ArrayNode array = F.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
