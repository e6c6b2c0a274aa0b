package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Segment membership against DynamoDB Local: kept by events, and by timers when time alone changes it. */
class SegmentsTest {
  private final JourneyStack stack = new JourneyStack();
  private final EventRepository events = new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE"));
  private final SegmentMembers members = new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"));
  private final ContactTimers timers = new ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE"));
  private final WindowCounters windows = new WindowCounters(stack.ddb, stack.variables.get("CONTACTS_TABLE"),
      Duration.ofDays(400), stack.clock);
  private final Segments segments = new Segments(stack.runtime.contacts(), events, members, timers, stack.clock,
      Duration.ofDays(400), windows);
  private final Segment best = Segment.parse(AudiencesAdminTest.BEST, "best-customers").segment();
  private final Segment lapsed = Segment.parse("""
      id: lapsed
      name: No order for 90 days
      when:
        all:
          - event: { type: order.completed }
          - not: { event: { type: order.completed, within: P90D } }
      """, "lapsed").segment();
  private int sequence;

  private String order(String contactId) {
    return order(contactId, 80);
  }

  private String order(String contactId, int total) {
    String id = "order-" + (++sequence);
    events.putIfAbsent(new TrackedEvent(contactId, id, "order.completed", Json.object().put("total", total),
        stack.clock.instant(),
        stack.clock.instant(), "test"), stack.clock.instant().plus(Duration.ofDays(400)));
    // As the contact-state consumer does before evaluating segments: the per-type counter answers "ever" conditions,
    stack.runtime.contacts().countEvent(contactId, contactId, "order.completed", stack.clock.instant(),
        dev.nudge.contacts.EventCounters.padded(Integer.toString(sequence)));
    // and the day's bucket the windows.
    windows.record(Json.object().put("id", id).put("type", "order.completed").put("contactId", contactId)
        .put("occurredAt", dev.nudge.platform.Times.format(stack.clock.instant()))
        .set("properties", Json.object().put("total", total)), Integer.toString(sequence));
    return id;
  }

  private List<String> written(String contactId, String type) {
    return events.timeline(List.of(contactId), 100).stream().filter(e -> e.type().equals(type))
        .map(e -> e.properties().path("segment").asText()).toList();
  }

  @Test
  void aThirdOrderWithin180DaysEntersTheBestCustomersOnce() {
    stack.contact("buyer");
    assertThat(segments.evaluate(List.of(best), "buyer", order("buyer"))).isEmpty();
    stack.clock.advance(Duration.ofDays(30));
    assertThat(segments.evaluate(List.of(best), "buyer", order("buyer"))).isEmpty();
    stack.clock.advance(Duration.ofDays(30));
    String third = order("buyer");
    assertThat(segments.evaluate(List.of(best), "buyer", third))
        .containsExactly(new Segments.Change("best-customers", true));
    assertThat(segments.evaluate(List.of(best), "buyer", third)).isEmpty();
    assertThat(members.isMember("best-customers", "buyer")).isTrue();
    assertThat(members.size("best-customers")).isEqualTo(1);
    assertThat(written("buyer", Segments.ENTERED)).containsExactly("best-customers");
  }

  @Test
  void aBestCustomerLeavesWhenTheirFirstOrderAgesOutByTheTimerAlone() {
    stack.contact("fading");
    Instant first = stack.clock.instant();
    for (int i = 0; i < 3; i++) {
      segments.evaluate(List.of(best), "fading", order("fading"));
      stack.clock.advance(Duration.ofDays(10));
    }
    assertThat(members.isMember("best-customers", "fading")).isTrue();
    var due = timers.due(first.plus(Duration.ofDays(181)));
    // The first order's UTC day leaves the 180 days at midnight 180 days later.
    assertThat(due).extracting(ContactTimers.Timer::dueAt)
        .containsExactly(first.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(180)));
    stack.clock.set(due.get(0).dueAt());
    assertThat(segments.evaluate(List.of(best), "fading", "timer")).containsExactly(new Segments.Change("best-customers", false));
    assertThat(members.size("best-customers")).isZero();
    assertThat(written("fading", Segments.EXITED)).containsExactly("best-customers");
  }

  @Test
  void aContactEntersNoOrderFor90DaysWithNoEventAndLeavesOnTheirNextOrder() {
    stack.contact("quiet");
    Instant ordered = stack.clock.instant();
    assertThat(segments.evaluate(List.of(lapsed), "quiet", order("quiet"))).isEmpty();
    var due = timers.due(ordered.plus(Duration.ofDays(91)));
    assertThat(due).hasSize(1);
    assertThat(due.get(0).dueAt()).isEqualTo(ordered.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(90)));
    stack.clock.set(due.get(0).dueAt());
    assertThat(segments.evaluate(List.of(lapsed), "quiet", "timer")).containsExactly(new Segments.Change("lapsed", true));
    stack.clock.advance(Duration.ofDays(3));
    assertThat(segments.evaluate(List.of(lapsed), "quiet", order("quiet"))).containsExactly(new Segments.Change("lapsed", false));
  }

  @Test
  void ordersOfAnAnonymousIdMergedIntoTheContactCountInTheirWindow() {
    order("anon:visitor");
    stack.clock.advance(Duration.ofDays(1));
    order("anon:visitor");
    stack.contact("merged-buyer");
    stack.runtime.contacts().merge("anon:visitor", "merged-buyer", stack.clock.instant());
    stack.clock.advance(Duration.ofDays(1));

    assertThat(segments.evaluate(List.of(best), "merged-buyer", order("merged-buyer")))
        .containsExactly(new Segments.Change("best-customers", true));
  }

  @Test
  void aContactWhoNeverOrderedIsNotLapsedAndArmsNoTimer() {
    stack.contact("window-shopper");
    assertThat(segments.evaluate(List.of(lapsed, best), "window-shopper", "e1")).isEmpty();
    assertThat(timers.due(stack.clock.instant().plus(Duration.ofDays(1000)))).isEmpty();
  }

  @Test
  void spendingOver500WithinAYearEntersBigSpendersAndTheSumIsOfTheEventsInTheWindow() {
    Segment bigSpenders = Segment.parse("""
        id: big-spenders
        name: Spent over 500 in a year
        when:
          event: { type: order.completed, within: P365D, sum: { of: properties.total, gte: 500 } }
        """, "big-spenders").segment();
    stack.contact("spender");
    segments.evaluate(List.of(bigSpenders), "spender", order("spender", 300));
    stack.clock.advance(Duration.ofDays(200));
    assertThat(segments.evaluate(List.of(bigSpenders), "spender", order("spender", 150))).isEmpty();
    stack.clock.advance(Duration.ofDays(100));
    assertThat(segments.evaluate(List.of(bigSpenders), "spender", order("spender", 60)))
        .containsExactly(new Segments.Change("big-spenders", true));
    // The first order (300) leaves the year: 210 remain.
    stack.clock.advance(Duration.ofDays(70));
    assertThat(segments.evaluate(List.of(bigSpenders), "spender", "timer"))
        .containsExactly(new Segments.Change("big-spenders", false));
  }

  @Test
  void aSumWithoutAPathOrAComparisonIsAProblemNamedByItsPath() {
    assertThat(Segment.parse("""
        id: broken
        name: Broken
        when: { event: { type: order.completed, sum: { gte: 5 } } }
        """, "broken").problems()).extracting(dev.nudge.workflows.Problem::path).containsExactly("/when/event/sum/of");
    assertThat(Segment.parse("""
        id: broken
        name: Broken
        when: { event: { type: order.completed, sum: { of: properties.total } } }
        """, "broken").problems()).extracting(dev.nudge.workflows.Problem::path).containsExactly("/when/event/sum");
  }

  @Test
  void anEventEvaluatedAgainstSegmentsWithoutTimeWindowsWritesNothingToTheTimersTable() {
    // Counts the requests a real client sends to DynamoDB Local (an interceptor observes, it does
    // not answer): a segment with no window never arms a timer, so there is none to delete per event.
    java.util.List<String> timerWrites = new java.util.concurrent.CopyOnWriteArrayList<>();
    String timersTable = stack.variables.get("TIMERS_TABLE");
    software.amazon.awssdk.core.interceptor.ExecutionInterceptor observer =
        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
          @Override
          public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest d
                && d.tableName().equals(timersTable)) {
              timerWrites.add("DeleteItem");
            }
            if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.PutItemRequest p
                && p.tableName().equals(timersTable)) {
              timerWrites.add("PutItem");
            }
          }
        };
    try (var observed = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
        .endpointOverride(dev.nudge.testing.LocalDynamoDb.endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(observer)).build()) {
      Segments withoutWindows = new Segments(stack.runtime.contacts(), events, members,
          new ContactTimers(observed, timersTable), stack.clock, Duration.ofDays(400));
      Segment vip = Segment.parse("""
          id: vip
          name: VIP
          when:
            event: { type: order.completed }
          """, "vip").segment();
      stack.contact("shopper");

      withoutWindows.evaluate(List.of(vip), "shopper", order("shopper"));
      withoutWindows.evaluate(List.of(vip), "shopper", order("shopper"));

      assertThat(members.isMember("vip", "shopper")).isTrue();
      assertThat(timerWrites).isEmpty();
    }
  }
}
