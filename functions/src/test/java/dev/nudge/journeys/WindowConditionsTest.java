package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.WorkflowParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Event conditions over whole-day windows read the day buckets (issue 11): right past the 1,000
 * newest events the timeline holds, and the window is whole UTC days whichever of the two answers.
 * Against DynamoDB Local: events in the template's events table, buckets in its contacts table.
 */
class WindowConditionsTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  /** A real DynamoDB Local client that also records the capacity DynamoDB reports (no mock). */
  private final dev.nudge.testing.CountingDynamoDb counting = new dev.nudge.testing.CountingDynamoDb();
  private final DynamoDbClient ddb = counting.client();
  private final EventRepository events = new EventRepository(ddb, TemplateTables.create(ddb, "EventsTable"));
  /** The first bucket write (the deployment's, see WindowCounters.since) is before every event here but the upgrade test's. */
  private final MutableClock clock = new MutableClock(Instant.parse("2025-12-01T00:00:00Z"));
  private final WindowCounters windows = new WindowCounters(ddb, TemplateTables.create(ddb, "ContactsTable"), RETENTION,
      clock);
  private long sequence = 10_000;
  /** The write units the last track's bucket writes cost, as DynamoDB Local reports them. */
  private double bucketWriteUnits;

  /** Stores the event and counts it as the events-stream consumer does. */
  private void track(String contactId, String type, Instant at, int total) {
    track(contactId, type, List.of(at), total);
  }

  /**
   * Stores the events (in parallel: 1,000 of them take seconds one by one) and counts them in
   * order, as the events-stream consumer does (a contact's records come in order).
   */
  private void track(String contactId, String type, List<Instant> at, int total) {
    ObjectNode properties = Json.object().put("total", total);
    List<ObjectNode> documents = new java.util.ArrayList<>();
    for (Instant occurredAt : at) {
      documents.add(Json.object().put("id", "e-" + (++sequence)).put("type", type).put("contactId", contactId)
          .put("occurredAt", Times.format(occurredAt)).put("sequence", Long.toString(sequence)));
    }
    documents.parallelStream().forEach(d -> events.putIfAbsent(new TrackedEvent(contactId, d.get("id").asText(), type,
        properties, Times.parse(d.get("occurredAt").asText()), Times.parse(d.get("occurredAt").asText()), "test"),
        Times.parse(d.get("occurredAt").asText()).plus(RETENTION)));
    double before = counting.writeUnits();
    for (ObjectNode d : documents) {
      d.set("properties", properties);
      windows.record(d, d.remove("sequence").asText());
    }
    bucketWriteUnits = counting.writeUnits() - before;
  }

  private static List<Instant> every(Instant first, Duration step, int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> first.plus(step.multipliedBy(i))).toList();
  }

  private static Contact contact(String id, Instant now) {
    return contact(id, now, Map.of());
  }

  /** {@code events}: the per-type counters, as the profile read carries them. */
  private static Contact contact(String id, Instant now, Map<String, dev.nudge.contacts.EventStats> events) {
    return new Contact(id, null, null, Map.of(), Map.of(), Map.of(), null, null, Set.of(), 0, now, now,
        events, Set.of(), null, null);
  }

  /** As segments and branches evaluate: the buckets for whole-day windows, the timeline otherwise. */
  private ConditionEvaluator withBuckets(String contactId, Instant now) {
    return new ConditionEvaluator(contact(contactId, now), () -> events.timeline(List.of(contactId), 1000), now,
        segment -> false, windows.reader(List.of(contactId)));
  }

  /** As every event condition was evaluated before the buckets: the 1,000 newest events. */
  private ConditionEvaluator timelineOnly(String contactId, Instant now) {
    return new ConditionEvaluator(contact(contactId, now), () -> events.timeline(List.of(contactId), 1000), now);
  }

  private static Condition when(String yaml) {
    return dev.nudge.testing.Conditions.when(yaml);
  }

  private static Condition.Events window(String yaml) {
    return (Condition.Events) when(yaml);
  }

  @Test
  void countsAndSumsOverBucketsAreRightPastTheThousandNewestEvents() {
    // 1,200 orders of 1 each, one every 6 hours: 300 days, all inside a year.
    Instant start = Instant.parse("2026-01-01T03:00:00Z");
    track("regular", "order.completed", every(start, Duration.ofHours(6), 1200), 1);
    Instant now = start.plus(Duration.ofDays(301));
    Condition orders = when("event: { type: order.completed, within: P365D, count: { gte: 1200 } }");
    Condition spent = when("event: { type: order.completed, within: P365D, sum: { of: properties.total, gte: 1150 } }");
    Condition lifetime = when("event: { type: order.completed, sum: { of: properties.total, gte: 1200 } }");

    double writes = bucketWriteUnits;

    double read = counting.queryReadUnits();
    ConditionEvaluator buckets = withBuckets("regular", now);
    assertThat(buckets.matches(orders)).isTrue();
    assertThat(buckets.matches(spent)).isTrue();
    double bucketReads = counting.queryReadUnits() - read;
    assertThat(buckets.matches(lifetime)).isTrue();
    read = counting.queryReadUnits();
    ConditionEvaluator timeline = timelineOnly("regular", now);
    assertThat(timeline.matches(orders)).as("the 1,000 newest events count 1,000 orders").isFalse();
    assertThat(timeline.matches(spent)).as("and sum 1,000").isFalse();
    double timelineReads = counting.queryReadUnits() - read;
    // The costs docs/scaling.md quotes, as DynamoDB Local reports them.
    System.out.printf("window costs: %.1f WCU per bucket write (1,200 events, 4 a day); a 365-day window over "
        + "300 daily buckets %.1f RCU (one Query, shared by the count and the sum); the timeline of 1,200 events "
        + "%.1f RCU%n", writes / 1200, bucketReads, timelineReads);
    assertThat(writes / 1200).as("one write unit per event, the first also marks SINCE").isLessThanOrEqualTo(1.01);
    assertThat(bucketReads).isLessThan(timelineReads);
  }

  @Test
  void tenOrdersWithin180DaysCountBehindAThousandNewerEventsOfAnotherType() {
    Instant ordered = Instant.parse("2026-01-10T12:00:00Z");
    track("browser", "order.completed", every(ordered, Duration.ofMinutes(1), 10), 50);
    Instant viewed = ordered.plus(Duration.ofDays(90));
    track("browser", "page.viewed", every(viewed, Duration.ofMinutes(1), 1000), 0);
    Instant now = viewed.plus(Duration.ofDays(1));
    Condition best = when("event: { type: order.completed, within: P180D, count: { gte: 10 } }");
    Condition spent = when("event: { type: order.completed, within: P365D, sum: { of: properties.total, gt: 450 } }");

    assertThat(withBuckets("browser", now).matches(best)).isTrue();
    assertThat(withBuckets("browser", now).matches(spent)).isTrue();
    assertThat(timelineOnly("browser", now).matches(best)).as("the page views push the orders out of the timeline").isFalse();
  }

  @Test
  void aWholeDayWindowCountsTheCurrentUtcDayAndTheDaysBeforeItWhicheverSourceAnswers() {
    track("edge", "order.completed", Instant.parse("2026-03-07T23:59:59.999Z"), 100);
    track("edge", "order.completed", Instant.parse("2026-03-08T00:00:00.000Z"), 10);
    track("edge", "order.completed", Instant.parse("2026-03-09T23:00:00.000Z"), 1);
    // P2D at 23:30 on the 9th: the 8th and the 9th; the order a millisecond before the 8th is out,
    // though a rolling 48 hours (from 23:30 on the 7th) would still hold it.
    Instant now = Instant.parse("2026-03-09T23:30:00Z");
    Condition twoDays = when("event: { type: order.completed, within: P2D, sum: { of: properties.total, gte: 11 } }");
    Condition withPrevious = when("event: { type: order.completed, within: P2D, sum: { of: properties.total, gte: 12 } }");
    Condition filtered = when("""
        event: { type: order.completed, within: P2D, where: { properties.total: { gte: 0 } }, count: { gte: 2 } }""");
    Condition filteredWithPrevious = when("""
        event: { type: order.completed, within: P2D, where: { properties.total: { gte: 0 } }, count: { gte: 3 } }""");

    ConditionEvaluator evaluator = withBuckets("edge", now);
    assertThat(evaluator.matches(twoDays)).isTrue();
    assertThat(evaluator.matches(withPrevious)).isFalse();
    assertThat(evaluator.matches(filtered)).as("a where reads the timeline, with the same days").isTrue();
    assertThat(evaluator.matches(filteredWithPrevious)).isFalse();
  }

  @Test
  void aWindowThatIsNotWholeDaysStaysRolling() {
    track("rolling", "order.completed", Instant.parse("2026-03-08T22:00:00Z"), 1);

    Condition twelveHours = when("event: { type: order.completed, within: PT12H }");
    assertThat(withBuckets("rolling", Instant.parse("2026-03-09T09:59:59Z")).matches(twelveHours)).isTrue();
    assertThat(withBuckets("rolling", Instant.parse("2026-03-09T10:00:01Z")).matches(twelveHours)).isFalse();
  }

  @Test
  void theOldestCountedDayLeavesAWholeDayWindowAtMidnightUtcWindowDaysLater() {
    track("fading", "order.completed", Instant.parse("2026-03-02T10:00:00Z"), 1);
    track("fading", "order.completed", Instant.parse("2026-03-20T10:00:00Z"), 1);
    Instant now = Instant.parse("2026-03-25T08:00:00Z");

    assertThat(withBuckets("fading", now).nextLeaves(window("event: { type: order.completed, within: P30D }")))
        .contains(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(withBuckets("fading", now).nextLeaves(window("""
        event: { type: order.completed, within: P30D, where: { properties.total: 1 } }""")))
        .as("the timeline's answer, by the same day").contains(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(withBuckets("fading", now).nextLeaves(window("event: { type: order.completed, within: PT240H }")))
        .as("ten days are whole days too: the order of the 20th leaves on the 30th")
        .contains(Instant.parse("2026-03-30T00:00:00Z"));
    assertThat(withBuckets("fading", now).nextLeaves(window("event: { type: order.completed, within: PT125H }")))
        .as("a rolling window: the order plus the window, a millisecond after")
        .contains(Instant.parse("2026-03-25T15:00:00.001Z"));
    assertThat(withBuckets("fading", now).nextLeaves(window("event: { type: email.opened, within: P30D }"))).isEmpty();
  }

  @Test
  void afterAnUpgradeAWindowReachingBackBeforeTheFirstBucketWriteReadsTheTimeline() {
    // Stored by the previous version: the event, its counter, no bucket.
    Instant before = Instant.parse("2026-02-01T10:00:00Z");
    events.putIfAbsent(new TrackedEvent("upgraded", "old-order", "order.completed", Json.object().put("total", 30),
        before, before, "test"), before.plus(RETENTION));
    // The upgrade: the first bucket write marks from when buckets hold every event.
    clock.set(Instant.parse("2026-03-01T00:00:00Z"));
    WindowCounters upgraded = new WindowCounters(ddb, TemplateTables.create(ddb, "ContactsTable"), RETENTION, clock);
    upgraded.record(Json.object().put("id", "new-order").put("type", "order.completed").put("contactId", "upgraded")
        .put("occurredAt", "2026-03-05T10:00:00.000Z").set("properties", Json.object().put("total", 20)), "1");
    events.putIfAbsent(new TrackedEvent("upgraded", "new-order", "order.completed", Json.object().put("total", 20),
        Instant.parse("2026-03-05T10:00:00Z"), Instant.parse("2026-03-05T10:00:00Z"), "test"), before.plus(RETENTION));
    // Counted in the buckets only (not stored in the events table), to tell which of the two answered.
    upgraded.record(Json.object().put("id", "marker-order").put("type", "order.completed").put("contactId", "upgraded")
        .put("occurredAt", "2026-03-10T10:00:00.000Z").set("properties", Json.object().put("total", 5)), "2");
    Instant now = Instant.parse("2026-03-20T12:00:00Z");
    Contact contact = contact("upgraded", now, Map.of("order.completed", new dev.nudge.contacts.EventStats(
        "order.completed", 2, before, Instant.parse("2026-03-05T10:00:00Z"))));
    ConditionEvaluator evaluator = new ConditionEvaluator(contact, () -> events.timeline(List.of("upgraded"), 1000), now,
        segment -> false, upgraded.reader(List.of("upgraded")));

    assertThat(evaluator.matches(when("event: { type: order.completed, within: P90D, sum: { of: properties.total, gte: 50 } }")))
        .as("the timeline: 30 before the upgrade and 20 after").isTrue();
    assertThat(evaluator.matches(when("event: { type: order.completed, within: P18D, count: { gte: 2 } }")))
        .as("a window starting after the first bucket write reads the buckets").isTrue();
  }
}
