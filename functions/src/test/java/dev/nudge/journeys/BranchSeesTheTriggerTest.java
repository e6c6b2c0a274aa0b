package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventCounters;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A branch that runs right after its journey's trigger, before the contact-state consumer has
 * counted that event, still counts it: the router stamps the trigger's stream position
 * ({@code sequence}) on {@code $.trigger}, and the branch reads the counter and the day buckets
 * with the trigger added where they have not applied it. Against DynamoDB Local.
 */
class BranchSeesTheTriggerTest {
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final String contactsTable = TemplateTables.create(ddb, "ContactsTable");
  private final ContactRepository contacts = new ContactRepository(ddb, contactsTable);
  private final EventCounters counters = new EventCounters(contacts,
      new EventRepository(ddb, TemplateTables.create(ddb, "EventsTable")));
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:00Z"));
  private final WindowCounters windows = new WindowCounters(ddb, contactsTable, Duration.ofDays(400), clock);

  /** An order as the router hands it to the journey: the stream's event with its padded sequence number. */
  private static ObjectNode order(String id, String sequence, Instant at, int total) {
    ObjectNode trigger = Json.object().put("id", id).put("type", "order.completed").put("contactId", "shopper")
        .put("occurredAt", Times.format(at)).put("sequence", EventCounters.padded(sequence));
    trigger.putObject("properties").put("total", total);
    return trigger;
  }

  /** What the contact-state consumer does with the order's stream record. */
  private void consumerCounts(ObjectNode order, String sequence) {
    counters.count("shopper", order.get("id").asText(), "order.completed", Times.parse(order.get("occurredAt").asText()),
        sequence);
    windows.record(order, sequence);
  }

  private long counted(ObjectNode trigger) {
    return contacts.find("shopper", StepActions.triggeringEvent(trigger)).orElseThrow().events()
        .get("order.completed").count();
  }

  private long inBuckets(ObjectNode trigger) {
    return windows.reader(List.of("shopper"), StepActions.triggeringEvent(trigger), trigger.path("properties"))
        .days("order.completed", LocalDate.parse("2026-03-01")).stream()
        .mapToLong(WindowCounters.Day::count).sum();
  }

  @Test
  void theCounterABranchReadsIncludesATriggerTheConsumerHasNotCountedYet() {
    contacts.createIfAbsent("shopper", clock.instant());
    consumerCounts(order("o1", "1001", clock.instant().minus(Duration.ofDays(2)), 40), "1001");
    ObjectNode second = order("o2", "1002", clock.instant(), 60);

    assertThat(counted(second)).as("the stored counter and the trigger").isEqualTo(2);
    assertThat(inBuckets(second)).isEqualTo(2);
  }

  @Test
  void aTriggerTheConsumerHasCountedAlreadyIsNotCountedTwice() {
    contacts.createIfAbsent("shopper", clock.instant());
    ObjectNode first = order("o1", "1001", clock.instant(), 40);
    consumerCounts(first, "1001");

    assertThat(counted(first)).isEqualTo(1);
    assertThat(inBuckets(first)).isEqualTo(1);
  }

  @Test
  void theTriggerAddsItsNumericPropertiesToTheSumsOfItsDay() {
    contacts.createIfAbsent("shopper", clock.instant());
    consumerCounts(order("o1", "1001", clock.instant(), 40), "1001");
    ObjectNode second = order("o2", "1002", clock.instant(), 60);

    List<WindowCounters.Day> days = windows.reader(List.of("shopper"), StepActions.triggeringEvent(second),
        second.path("properties")).days("order.completed", null);

    assertThat(days).singleElement().satisfies(day -> {
      assertThat(day.count()).isEqualTo(2);
      assertThat(day.sums().get("total")).isEqualByComparingTo("100");
    });
  }

  @Test
  void aJourneyNotStartedByAnEventReadsTheCountersAsStored() {
    ObjectNode broadcast = Json.object().put("type", "broadcast").put("run", "r1");

    assertThat(StepActions.triggeringEvent(broadcast)).isNull();
  }
}
