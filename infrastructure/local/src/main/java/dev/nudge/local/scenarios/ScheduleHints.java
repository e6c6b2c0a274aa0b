package dev.nudge.local.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.journeys.schedule.DateTriggers;
import dev.nudge.local.Json;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.events.EventBuses;
import dev.nudge.local.scenarios.ScenarioFile.ContactSpec;
import dev.nudge.platform.ScheduleExpression;
import dev.nudge.workflows.Workflow;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The moments the template's scheduled functions have work, so the runner can fire their rules
 * then (the buses' schedules are manual during a scenario) instead of on every 5-minute tick of a
 * month: a date trigger's moment for a scenario contact (DateTriggerFunction), the earliest
 * per-contact timer (ContactTimersFunction: segment windows, score decay), a schedule trigger's
 * next occurrence (ScheduledBroadcastsFunction).
 */
final class ScheduleHints {
  /** The scheduled rules to fire at {@code at}. */
  record Hint(Instant at, java.util.Set<EventBuses.Rule> rules) {}

  private final LocalCloud cloud;
  private final List<Workflow> workflows;
  private final List<ContactSpec> contacts;
  private final EventBuses.Rule dateRule;
  private final EventBuses.Rule timersRule;
  private final EventBuses.Rule broadcastsRule;
  private final String timersTable;

  ScheduleHints(LocalCloud cloud, List<Workflow> workflows, List<ContactSpec> contacts) {
    this.cloud = cloud;
    this.workflows = workflows;
    this.contacts = contacts;
    this.dateRule = ruleOf("DateTriggerFunction");
    this.timersRule = ruleOf("ContactTimersFunction");
    this.broadcastsRule = ruleOf("ScheduledBroadcastsFunction");
    String table = null;
    try {
      table = cloud.functions().find("ContactTimersFunction").variables().get("TIMERS_TABLE");
    } catch (IllegalArgumentException e) {
      // a template without per-contact timers
    }
    this.timersTable = table;
  }

  private EventBuses.Rule ruleOf(String functionLogicalId) {
    String arn;
    try {
      arn = cloud.functions().find(functionLogicalId).arn();
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (EventBuses.Rule rule : cloud.buses().rules()) {
      if (rule.schedule() != null && rule.enabled() && rule.targets().stream().anyMatch(t -> t.arn().equals(arn))) {
        return rule;
      }
    }
    return null;
  }

  /**
   * The rules of date and schedule triggers, fired once when the scenario starts: in AWS their next
   * run (within 15 minutes) catches up on the moments of the last hour.
   */
  java.util.Set<EventBuses.Rule> atStart() {
    java.util.Set<EventBuses.Rule> rules = new java.util.LinkedHashSet<>();
    for (Workflow workflow : workflows) {
      if (workflow.trigger() instanceof Workflow.DateTrigger && dateRule != null) {
        rules.add(dateRule);
      }
      if (workflow.trigger() instanceof Workflow.ScheduleTrigger && broadcastsRule != null) {
        rules.add(broadcastsRule);
      }
    }
    return rules;
  }

  /** The earliest moment after {@code now} a scheduled function has work, and the rules to fire then. */
  Optional<Hint> next(Instant now) {
    Map<Instant, java.util.Set<EventBuses.Rule>> candidates = new java.util.TreeMap<>();
    for (Workflow workflow : workflows) {
      if (workflow.trigger() instanceof Workflow.DateTrigger trigger && dateRule != null) {
        for (ContactSpec contact : contacts) {
          dateMoment(workflow, trigger, contact, now)
              .ifPresent(at -> candidates.computeIfAbsent(at, k -> new java.util.LinkedHashSet<>()).add(dateRule));
        }
      }
      if (workflow.trigger() instanceof Workflow.ScheduleTrigger trigger && broadcastsRule != null) {
        Instant occurrence = ScheduleExpression.parse(trigger.expression()).next(now);
        if (occurrence != null) {
          candidates.computeIfAbsent(occurrence, k -> new java.util.LinkedHashSet<>()).add(broadcastsRule);
        }
      }
    }
    if (timersRule != null && timersTable != null) {
      earliestTimer(now).ifPresent(at -> candidates.computeIfAbsent(at, k -> new java.util.LinkedHashSet<>())
          .add(timersRule));
    }
    return candidates.entrySet().stream().findFirst().map(e -> new Hint(e.getKey(), e.getValue()));
  }

  private Optional<Instant> dateMoment(Workflow workflow, Workflow.DateTrigger trigger, ContactSpec contact, Instant now) {
    if (contact.attributes() == null || !contact.attributes().path(trigger.attribute()).isTextual()) {
      return Optional.empty();
    }
    LocalDate date;
    try {
      date = LocalDate.parse(contact.attributes().get(trigger.attribute()).asText());
    } catch (DateTimeException e) {
      return Optional.empty();
    }
    ZoneId zone = DateTriggers.zone(contact.timezone(), workflow);
    long offsetDays = trigger.offset() == null ? 0 : trigger.offset().toDays();
    LocalDate from = now.atZone(zone).toLocalDate().minusDays(1);
    for (LocalDate local = from; local.isBefore(from.plusDays(800)); local = local.plusDays(1)) {
      if (DateTriggers.falls(date, local.minusDays(offsetDays), trigger.annual())) {
        Instant moment = ZonedDateTime.of(local, trigger.time(), zone).toInstant();
        if (moment.isAfter(now)) {
          return Optional.of(moment);
        }
      }
    }
    return Optional.empty();
  }

  /** The earliest per-contact timer due after {@code now} (one scan: a scenario arms a handful). */
  private Optional<Instant> earliestTimer(Instant now) {
    Instant earliest = null;
    JsonNode start = null;
    do {
      var request = Json.object().put("TableName", timersTable).put("ProjectionExpression", "dueAt");
      if (start != null) {
        request.set("ExclusiveStartKey", start);
      }
      JsonNode page = cloud.dynamo().call("DynamoDB_20120810.Scan", request);
      for (JsonNode item : page.path("Items")) {
        String due = item.path("dueAt").path("S").asText(null);
        if (due != null) {
          Instant at = Instant.parse(due);
          if (at.isAfter(now) && (earliest == null || at.isBefore(earliest))) {
            earliest = at;
          }
        }
      }
      start = page.hasNonNull("LastEvaluatedKey") ? page.get("LastEvaluatedKey") : null;
    } while (start != null);
    return Optional.ofNullable(earliest);
  }
}
