package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.platform.Json;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TemplateTables;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The events-stream consumer counts every new event in its day bucket, once, with or without rules and segments. */
class ContactStateWindowsTest {
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final WindowCounters windows = new WindowCounters(ddb, TemplateTables.create(ddb, "ContactsTable"),
      Duration.ofDays(400), java.time.Clock.fixed(java.time.Instant.parse("2026-03-01T00:00:00Z"), java.time.ZoneOffset.UTC));
  /** No scoring rules and no segments: the buckets alone. */
  private final ContactStateHandler handler = new ContactStateHandler(() -> ScoringRules.NONE, null, List::of, null,
      windows);

  private static ObjectNode batch(String sequence, String eventId, String occurredAt, int total) {
    ObjectNode record = Json.object().put("eventName", "INSERT");
    ObjectNode dynamodb = record.putObject("dynamodb").put("SequenceNumber", sequence);
    dynamodb.putObject("Keys").putObject("eventId").put("S", eventId);
    ObjectNode image = dynamodb.putObject("NewImage");
    image.putObject("contactId").put("S", "shopper");
    image.putObject("eventId").put("S", eventId);
    image.putObject("type").put("S", "order.completed");
    image.putObject("occurredAt").put("S", occurredAt);
    image.putObject("properties").putObject("M").putObject("total").put("N", Integer.toString(total));
    ObjectNode batch = Json.object();
    batch.putArray("Records").add(record);
    return batch;
  }

  @Test
  void everyNewEventIsCountedInItsDayOnceEvenWithoutRulesOrSegments() {
    ObjectNode first = batch("5001", "o1", "2026-03-02T10:00:00.000Z", 40);
    assertThat(handler.handle(first).path("batchItemFailures")).isEmpty();
    assertThat(handler.handle(batch("5002", "o2", "2026-03-02T11:00:00.000Z", 2)).path("batchItemFailures")).isEmpty();
    // The stream delivers the first batch again (a retried batch).
    assertThat(handler.handle(first).path("batchItemFailures")).isEmpty();

    assertThat(windows.days(List.of("shopper"), "order.completed", LocalDate.parse("2026-03-01"))).singleElement()
        .satisfies(day -> {
          assertThat(day.count()).isEqualTo(2);
          assertThat(day.sums().get("total")).isEqualByComparingTo("42");
        });
  }
}
