package dev.nudge.journeys.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.DateAttributeIndex;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.PublishedWorkflows;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.workflows.Workflow;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Date triggers ({@code trigger: {date: birthday, at: "09:00", offset: -P7D, annual: true}}), run
 * on an EventBridge schedule. A run starts the journeys whose moment — the attribute's date plus
 * the offset, at the trigger's time in the contact's timezone — fell in the last {@code lookback}.
 *
 * <p>Timezones span UTC-12 to UTC+14, so the contacts whose local date is D can be found under the
 * UTC dates D-1, D and D+1: a run queries the {@code byDate} index for those three month-days (plus
 * 29 February when the 28th of a common year is asked for, so leap-day birthdays are celebrated)
 * and keeps the contacts whose own local moment is in the window. The lookback is longer than
 * the schedule's period, so a late or missed run is caught up by the next; the trigger id (workflow,
 * attribute, local date) names the execution, so overlapping runs start each journey once.
 *
 * <p>Each run validates the published-workflow cache against the revision stamp first (see
 * {@link PublishedWorkflows#checkRevision()}), so a workflow published or paused just before a run
 * is seen by that run.
 */
public final class DateTriggers {
  /** A journey the run tried to start, and what the entry rules answered. */
  public record Fired(String workflowId, String contactId, LocalDate date, Instant at, JourneyEntry.Result result) {}

  private final PublishedWorkflows workflows;
  private final DateAttributeIndex index;
  private final JourneyEntry entry;
  private final Clock clock;
  private final Duration lookback;

  public DateTriggers(PublishedWorkflows workflows, DateAttributeIndex index, JourneyEntry entry, Clock clock,
      Duration lookback) {
    this.workflows = workflows;
    this.index = index;
    this.entry = entry;
    this.clock = clock;
    this.lookback = lookback;
  }

  public List<Fired> run() {
    // Like the router's stream batch: one strongly consistent read of the revision stamp per run,
    // so a publish, pause or resume a moment ago applies to this run, not after the cache expires.
    workflows.checkRevision();
    Instant now = clock.instant();
    Instant from = now.minus(lookback);
    List<Fired> fired = new ArrayList<>();
    for (PublishedWorkflows.Live live : workflows.current()) {
      if (!live.takesEntries() || !(live.workflow().trigger() instanceof Workflow.DateTrigger trigger)) {
        continue;
      }
      long offsetDays = trigger.offset() == null ? 0 : trigger.offset().toDays();
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      // Local dates a moment in the window can have somewhere on earth (the window is hours long).
      Set<LocalDate> localDates = new LinkedHashSet<>();
      for (LocalDate d = LocalDate.ofInstant(from, ZoneOffset.UTC).minusDays(1); !d.isAfter(today.plusDays(1));
          d = d.plusDays(1)) {
        localDates.add(d);
      }
      for (LocalDate local : localDates) {
        LocalDate anchor = local.minusDays(offsetDays);
        for (MonthDay day : monthDays(anchor, trigger.annual())) {
          for (String contactId : index.contactsOn(trigger.attribute(), day)) {
            fire(live, trigger, contactId, local, anchor, from, now).ifPresent(fired::add);
          }
        }
      }
    }
    return fired;
  }

  private Optional<Fired> fire(PublishedWorkflows.Live live, Workflow.DateTrigger trigger, String contactId,
      LocalDate local, LocalDate anchor, Instant from, Instant now) {
    Optional<Contact> found = entry.resolve(contactId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Contact contact = found.get();
    // The index item may lag the profile by one write: the profile's value decides.
    Optional<LocalDate> date = Optional.ofNullable(contact.attributes().get(trigger.attribute()))
        .flatMap(DateAttributeIndex::date);
    if (date.isEmpty() || !falls(date.get(), anchor, trigger.annual())) {
      return Optional.empty();
    }
    Instant at = ZonedDateTime.of(local, trigger.time(), zone(contact, live.workflow())).toInstant();
    if (!at.isAfter(from) || at.isAfter(now)) {
      return Optional.empty();
    }
    ObjectNode event = Json.object();
    String triggerId = "date:" + trigger.attribute() + ":" + local;
    event.put("id", triggerId);
    event.put("type", "date.reached");
    event.put("contactId", contact.id());
    ObjectNode properties = event.putObject("properties");
    properties.put("attribute", trigger.attribute());
    properties.put("date", date.get().toString());
    event.put("occurredAt", Times.format(at));
    JourneyEntry.Result result = entry.enter(live, contact.id(), triggerId, event);
    return Optional.of(new Fired(live.id(), contact.id(), local, at, result));
  }

  static Set<MonthDay> monthDays(LocalDate anchor, boolean annual) {
    Set<MonthDay> days = new LinkedHashSet<>();
    days.add(MonthDay.from(anchor));
    if (annual && anchor.getMonth() == Month.FEBRUARY && anchor.getDayOfMonth() == 28 && !anchor.isLeapYear()) {
      days.add(MonthDay.of(Month.FEBRUARY, 29));
    }
    return days;
  }

  /**
   * Whether a date trigger anchored on {@code date} falls on {@code anchor}: the same month and day
   * when annual (29 February on the 28th of a common year), else the date itself. Public so the
   * scenario runner predicts firings by the same rule.
   */
  public static boolean falls(LocalDate date, LocalDate anchor, boolean annual) {
    if (!annual) {
      return date.equals(anchor);
    }
    MonthDay day = MonthDay.from(date);
    return day.equals(MonthDay.from(anchor))
        || (day.equals(MonthDay.of(Month.FEBRUARY, 29)) && !anchor.isLeapYear()
            && MonthDay.from(anchor).equals(MonthDay.of(Month.FEBRUARY, 28)));
  }

  /** The contact's own timezone, else the workflow's, else UTC. */
  static ZoneId zone(Contact contact, Workflow workflow) {
    return zone(contact.timezone(), workflow);
  }

  /** The timezone {@code contactTimezone} names, else the workflow's, else UTC (an invalid name is skipped). */
  public static ZoneId zone(String contactTimezone, Workflow workflow) {
    for (String candidate : new String[] {contactTimezone, workflow.settings() == null ? null : workflow.settings().timezone()}) {
      if (candidate != null) {
        try {
          return ZoneId.of(candidate);
        } catch (DateTimeException invalid) {
          // fall through to the next candidate
        }
      }
    }
    return ZoneOffset.UTC;
  }

}
