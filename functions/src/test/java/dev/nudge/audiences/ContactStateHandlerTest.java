package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.EventStats;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.testing.TrackingStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contact-state consumer's first job: every event counted once, rules and segments or not. */
class ContactStateHandlerTest {
  private final TrackingStack stack = new TrackingStack();
  private final ContactStateHandler handler = new ContactStateHandler(() -> ScoringRules.NONE,
      new LeadScores(stack.ddb, stack.contactsTable, stack.events, stack.clock, Duration.ofDays(400)), List::of, null,
      stack.counters);

  /** A stream batch as Lambda delivers it: one INSERT record per (contact, event id, type, sequence number). */
  private static ObjectNode batch(Instant at, String[]... events) {
    ObjectNode batch = Json.object();
    for (String[] e : events) {
      ObjectNode dynamodb = batch.withArray("Records").addObject().put("eventName", "INSERT").putObject("dynamodb");
      dynamodb.put("SequenceNumber", e[3]);
      ObjectNode image = dynamodb.putObject("NewImage");
      image.putObject("contactId").put("S", e[0]);
      image.putObject("eventId").put("S", e[1]);
      image.putObject("type").put("S", e[2]);
      image.putObject("occurredAt").put("S", Times.format(at));
    }
    return batch;
  }

  @Test
  void withNoRulesAndNoSegmentsEveryEventIsStillCountedOnceAcrossARedeliveredBatch() {
    stack.contacts.createIfAbsent("c1", stack.clock.instant());
    ObjectNode batch = batch(stack.clock.instant(), new String[] {"c1", "o1", "order.completed", "101"},
        new String[] {"c1", "p1", "page.viewed", "102"}, new String[] {"c1", "o2", "order.completed", "103"});

    assertThat(handler.handle(batch).path("batchItemFailures")).isEmpty();
    assertThat(handler.handle(batch).path("batchItemFailures")).isEmpty();

    var events = stack.contacts.find("c1").orElseThrow().events();
    assertThat(events.get("order.completed")).extracting(EventStats::count).isEqualTo(2L);
    assertThat(events.get("page.viewed")).extracting(EventStats::count).isEqualTo(1L);
  }
}
