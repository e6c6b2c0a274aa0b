package dev.nudge.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import java.util.Map;

/**
 * The statistics API's answer for one workflow: per version, the journey counters and each
 * step's counters with the rates marketers read (open, click, click-to-open, bounce, complaint,
 * unsubscribe; conversion for journeys). A rate is null when its denominator is zero, never a
 * misleading 0.
 */
public final class WorkflowStatsReport {
  private WorkflowStatsReport() {}

  public static ObjectNode of(String workflow, Map<String, Map<String, Map<String, StepStats.Counter>>> counters) {
    return of(workflow, counters, null);
  }

  /** {@code live}: the published definition, whose split steps are reported as A/B tests; null for none. */
  public static ObjectNode of(String workflow, Map<String, Map<String, Map<String, StepStats.Counter>>> counters,
      dev.nudge.workflows.Workflow live) {
    ObjectNode body = Json.object();
    body.put("workflow", workflow);
    // The first and the last time the workflow did anything, over every version, step and counter.
    counters.values().stream().flatMap(steps -> steps.values().stream()).flatMap(c -> c.values().stream())
        .map(StepStats.Counter::firstAt).min(java.time.Instant::compareTo).ifPresent(t -> body.put("firstAt", t.toString()));
    counters.values().stream().flatMap(steps -> steps.values().stream()).flatMap(c -> c.values().stream())
        .map(StepStats.Counter::lastAt).max(java.time.Instant::compareTo).ifPresent(t -> body.put("lastAt", t.toString()));
    ArrayNode versions = body.putArray("versions");
    counters.forEach((version, steps) -> {
      ObjectNode v = versions.addObject();
      v.put("version", version);
      Map<String, StepStats.Counter> journey = steps.getOrDefault(StepStats.JOURNEY, Map.of());
      ObjectNode journeys = v.putObject("journeys");
      journey.forEach((name, c) -> {
        if (!ResponseTimes.isBucket(name)) {
          journeys.put(name, c.count());
        }
      });
      rate(journeys, "conversionRate", journey, "converted", "started");
      ObjectNode toConversion = ResponseTimes.distribution("converted", journey);
      if (toConversion != null) {
        journeys.set("timeToConversion", toConversion);
      }
      ArrayNode stepArray = v.putArray("steps");
      inDefinitionOrder(steps, live).forEach((step, byCounter) -> {
        if (step.equals(StepStats.JOURNEY)) {
          return;
        }
        ObjectNode s = stepArray.addObject();
        s.put("step", step);
        String channel = channel(live, step);
        if (channel != null) {
          s.put("channel", channel);
        }
        ObjectNode counts = s.putObject("counters");
        byCounter.forEach((name, c) -> {
          if (!ResponseTimes.isBucket(name)) {
            counts.put(name, c.count());
          }
        });
        ObjectNode responses = s.putObject("responseTimes");
        for (String what : java.util.List.of("opened", "clicked")) {
          ObjectNode d = ResponseTimes.distribution(what, byCounter);
          if (d != null) {
            responses.set(what.equals("opened") ? "sendToOpen" : "sendToClick", d);
          }
        }
        ObjectNode rates = s.putObject("rates");
        if ("sms".equals(channel)) {
          // A text message reports delivery, never an open or a click: no rate rather than 0%.
          rates.putNull("open").putNull("click").putNull("clickToOpen");
        } else {
          rate(rates, "open", byCounter, "opened", "delivered");
          rate(rates, "click", byCounter, "clicked", "delivered");
          rate(rates, "clickToOpen", byCounter, "clicked", "opened");
        }
        rate(rates, "bounce", byCounter, "bounced", "sent");
        rate(rates, "complaint", byCounter, "complained", "sent");
        rate(rates, "unsubscribe", byCounter, "unsubscribed", "delivered");
        byCounter.values().stream().map(StepStats.Counter::firstAt).min(java.time.Instant::compareTo)
            .ifPresent(t -> s.put("firstAt", t.toString()));
        byCounter.values().stream().map(StepStats.Counter::lastAt).max(java.time.Instant::compareTo)
            .ifPresent(t -> s.put("lastAt", t.toString()));
      });
      if (live != null) {
        v.set("splits", SplitTests.report(live, steps));
      }
    });
    return body;
  }

  /** The steps in the order the live definition lists them (the journey's order); others after, by name. */
  private static Map<String, Map<String, StepStats.Counter>> inDefinitionOrder(
      Map<String, Map<String, StepStats.Counter>> steps, dev.nudge.workflows.Workflow live) {
    if (live == null) {
      return steps;
    }
    Map<String, Map<String, StepStats.Counter>> ordered = new java.util.LinkedHashMap<>();
    for (dev.nudge.workflows.Step step : live.steps()) {
      if (steps.containsKey(step.id())) {
        ordered.put(step.id(), steps.get(step.id()));
      }
    }
    steps.forEach(ordered::putIfAbsent);
    return ordered;
  }

  /** {@code email} or {@code sms} for a message step of the live definition, else null. */
  private static String channel(dev.nudge.workflows.Workflow live, String stepId) {
    if (live == null) {
      return null;
    }
    for (dev.nudge.workflows.Step step : live.steps()) {
      if (step.id().equals(stepId)) {
        if (step.action() instanceof dev.nudge.workflows.Step.Email) {
          return "email";
        }
        if (step.action() instanceof dev.nudge.workflows.Step.Sms) {
          return "sms";
        }
      }
    }
    return null;
  }

  private static void rate(ObjectNode into, String name, Map<String, StepStats.Counter> counters, String numerator,
      String denominator) {
    long d = counters.containsKey(denominator) ? counters.get(denominator).count() : 0;
    long n = counters.containsKey(numerator) ? counters.get(numerator).count() : 0;
    if (d == 0) {
      into.putNull(name);
    } else {
      into.put(name, Math.round(10000.0 * n / d) / 10000.0);
    }
  }
}
