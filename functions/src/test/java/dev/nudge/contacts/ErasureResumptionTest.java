package dev.nudge.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.JourneyRecords;
import dev.nudge.testing.CountingDynamoDb;
import dev.nudge.testing.TrackingStack;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Erasure is idempotent and resumable: the profile is what a DELETE finds the contact by, and it is
 * deleted last, after every other capability's items and the contact's events; so an erasure cut
 * off anywhere leaves the profile, and the next DELETE finishes the job. An id without a profile is
 * still swept; a DELETE that finds nothing under the id answers 404 having changed nothing.
 */
class ErasureResumptionTest {
  private final TrackingStack stack = new TrackingStack();

  ErasureResumptionTest() {
    stack.browser("POST /v1/track", "{\"id\":\"a\",\"type\":\"page.viewed\",\"anonymousId\":\"v1\"}");
    stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"anonymousId\":\"v1\",\"email\":\"u@example.com\","
        + "\"attributes\":{\"birthday\":\"1990-05-17\"}}");
    stack.signed("POST /v1/track", "{\"id\":\"b\",\"type\":\"order.placed\",\"contactId\":\"u\"}");
  }

  private static ObjectNode delete(String id) {
    ObjectNode event = TrackingStack.event("track-signed.json", "DELETE /v1/contacts/{id}", null);
    event.put("rawPath", "/v1/contacts/" + id);
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/contacts/" + id);
    event.putObject("pathParameters").put("id", id);
    return event;
  }

  private List<String> itemsNaming(String text) {
    List<String> found = new java.util.ArrayList<>();
    for (String table : List.of(stack.contactsTable, stack.eventsTable)) {
      stack.ddb.scan(b -> b.tableName(table)).items().stream().filter(i -> i.toString().contains(text))
          .forEach(i -> found.add(table + " " + i.get(table.equals(stack.eventsTable) ? "eventId" : "sk")));
    }
    return found;
  }

  @Test
  void anErasureCutOffBeforeTheContactsOwnItemsIsFinishedByTheNextDelete() {
    AtomicInteger attempts = new AtomicInteger();
    ContactsAdminHandler handler = new ContactsAdminHandler(stack.contactService,
        new JourneyRecords(stack.ddb, stack.journeysTable), null, ids -> {
          if (attempts.getAndIncrement() == 0) {
            throw new IllegalStateException("cut off");
          }
          return 0;
        });

    assertThat(TrackingStack.invoke(handler, delete("u")).status()).isEqualTo(500);
    assertThat(stack.contacts.find("u")).as("the profile, still there to be found").isPresent();

    assertThat(TrackingStack.invoke(handler, delete("u")).status()).isEqualTo(200);
    assertThat(itemsNaming("u@example.com")).isEmpty();
    assertThat(itemsNaming("v1")).isEmpty();
    assertThat(stack.contactItems()).isZero();
    assertThat(stack.eventItems()).isZero();
  }

  @Test
  void theProfileIsTheLastItemDeleted() {
    CountingDynamoDb calls = new CountingDynamoDb();
    ContactService service = new ContactService(new ContactRepository(calls.client(), stack.contactsTable),
        new EventRepository(calls.client(), stack.eventsTable), stack.clock, java.time.Duration.ofDays(400));

    assertThat(service.erase("u")).isPresent();

    List<String> operations = calls.operations();
    // ... its counters and date items in a batch, then the profile alone, by the very last call.
    assertThat(operations.subList(operations.size() - 2, operations.size())).containsExactly("BatchWriteItem", "DeleteItem");
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void rowsWrittenUnderTheIdAfterItsProfileWentAreRemovedByTheNextDelete() {
    assertThat(TrackingStack.invoke(stack.admin, delete("u")).status()).isEqualTo(200);
    // A send step that was already running when its execution was stopped, finishing its writes.
    var ledger = new dev.nudge.messaging.SendLedger(stack.ddb, stack.journeysTable);
    var send = new dev.nudge.messaging.SendLedger.Key("arn:aws:states:us-east-1:1:execution:nudge-cart:x", "reminder",
        "2026-01-01T00:00:00.000Z");
    ledger.claim(send, "u", "email", stack.clock.instant());
    ledger.sent(send, "u", "late-message", stack.clock.instant());
    // A counter item written under the id after its profile went (the stream consumer checks the
    // profile before it creates one, so this stands for anything else left in the partition).
    String at = dev.nudge.platform.Times.format(stack.clock.instant());
    stack.ddb.putItem(b -> b.tableName(stack.contactsTable).item(java.util.Map.of(
        "pk", AttributeValue.fromS("C#u"), "sk", AttributeValue.fromS("COUNT#email.sent"),
        "type", AttributeValue.fromS("email.sent"), "count", AttributeValue.fromN("1"),
        "firstAt", AttributeValue.fromS(at), "lastAt", AttributeValue.fromS(at))));

    assertThat(TrackingStack.invoke(stack.admin, delete("u")).status()).isEqualTo(200);

    assertThat(stack.contactItems()).isZero();
    assertThat(stack.ddb.scan(b -> b.tableName(stack.journeysTable)).items()).isEmpty();
    assertThat(TrackingStack.invoke(stack.admin, delete("u")).status()).isEqualTo(404);
  }

  @Test
  void aSecondDeleteAnswers404AndChangesNothing() {
    assertThat(TrackingStack.invoke(stack.admin, delete("u")).status()).isEqualTo(200);
    stack.signed("POST /v1/track", "{\"id\":\"c\",\"type\":\"page.viewed\",\"contactId\":\"someone-else\"}");
    int contactItems = stack.contactItems();
    int eventItems = stack.eventItems();

    assertThat(TrackingStack.invoke(stack.admin, delete("u")).status()).isEqualTo(404);
    assertThat(stack.contactItems()).isEqualTo(contactItems);
    assertThat(stack.eventItems()).isEqualTo(eventItems);
  }
}
