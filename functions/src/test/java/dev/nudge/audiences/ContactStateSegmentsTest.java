package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.EventCounters;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.EventStats;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Json;
import dev.nudge.journeys.routing.StreamEvents;
import dev.nudge.testing.CountingDynamoDb;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contact-state consumer evaluates segments once per contact and stream batch, after its last event. */
class ContactStateSegmentsTest {
  private final JourneyStack stack = new JourneyStack();
  private final EventRepository events = new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE"));
  private final WindowCounters windows = new WindowCounters(stack.ddb, stack.variables.get("CONTACTS_TABLE"),
      Duration.ofDays(400), stack.clock);
  private final Segment best = Segment.parse(AudiencesAdminTest.BEST, "best-customers").segment();
  private final CountingDynamoDb membershipCalls = new CountingDynamoDb();

  private ContactStateHandler handler(String segmentsTable) {
    Segments segments = new Segments(stack.runtime.contacts(), events,
        new SegmentMembers(membershipCalls.client(), segmentsTable), null, stack.clock, Duration.ofDays(400), windows);
    return new ContactStateHandler(() -> ScoringRules.NONE, null, () -> List.of(best), segments,
        new EventCounters(stack.runtime.contacts(), events), windows);
  }

  /** The events, stored, and their stream batch as Lambda delivers it, sequence numbers from {@code first}. */
  private ObjectNode batch(long first, String[]... records) {
    List<ObjectNode> documents = new java.util.ArrayList<>();
    for (String[] e : records) {
      events.putIfAbsent(new dev.nudge.contacts.TrackedEvent(e[0], e[1], e[2], Json.object(), stack.clock.instant(),
          stack.clock.instant(), "test"), stack.clock.instant().plus(Duration.ofDays(400)));
      documents.add(stack.event(e[1], e[0], e[2], "{}"));
    }
    return StreamEvents.inserts(first, documents);
  }

  @Test
  void threeOrdersOfOneContactInABatchEvaluateItsSegmentsOnceAndEnterItOnce() {
    stack.contact("buyer");

    var response = handler(stack.variables.get("SEGMENTS_TABLE")).handle(batch(101,
        new String[] {"buyer", "o1", "order.completed"}, new String[] {"buyer", "o2", "order.completed"},
        new String[] {"buyer", "o3", "order.completed"}));

    assertThat(response.path("batchItemFailures")).isEmpty();
    // One membership read for the one segment: one evaluation, after the third order was counted.
    assertThat(membershipCalls.operations().stream().filter("GetItem"::equals)).hasSize(1);
    assertThat(new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE")).isMember("best-customers", "buyer"))
        .isTrue();
    assertThat(events.timeline(List.of("buyer"), 100).stream().filter(e -> e.type().equals(Segments.ENTERED)))
        .singleElement().satisfies(e -> assertThat(e.eventId()).endsWith(":o3"));
  }

  @Test
  void aFailedSegmentEvaluationReportsTheContactsFirstRecordOfTheBatchAfterCountingEveryEvent() {
    stack.contact("c1");
    stack.contact("c2");

    // A segments table that does not exist: the evaluation fails as it would against a broken table.
    var response = handler("no-such-table").handle(batch(201, new String[] {"c2", "p1", "page.viewed"},
        new String[] {"c1", "p2", "page.viewed"}, new String[] {"c2", "p3", "page.viewed"}));

    assertThat(response.path("batchItemFailures")).singleElement()
        .satisfies(f -> assertThat(f.path("itemIdentifier").asText()).isEqualTo("201"));
    assertThat(stack.runtime.contacts().find("c2").orElseThrow().events().get("page.viewed"))
        .extracting(EventStats::count).isEqualTo(2L);
  }
}
