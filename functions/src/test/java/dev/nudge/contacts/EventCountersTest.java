package dev.nudge.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.platform.Json;
import dev.nudge.testing.CountingDynamoDb;
import dev.nudge.testing.TrackingStack;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The per-type counters as the events stream's contact-state consumer keeps them (EventCounters). */
class EventCountersTest {
  private final TrackingStack stack = new TrackingStack();
  private final Instant t0 = TrackingStack.START;

  private void store(String contactId, String eventId, String type, Instant occurredAt, Location firstSeenAt) {
    stack.events.putIfAbsent(new TrackedEvent(contactId, eventId, type, Json.object(), occurredAt, t0, "test"),
        occurredAt.plus(Duration.ofDays(400)), firstSeenAt);
  }

  private EventStats stats(String contactId, String type) {
    return stack.contacts.find(contactId).orElseThrow().events().get(type);
  }

  @Test
  void eachEventIsCountedOnceWhenTheStreamDeliversItAgain() {
    stack.contacts.createIfAbsent("c1", t0);
    stack.counters.count("c1", "e1", "page.viewed", t0, "101");
    stack.counters.count("c1", "e2", "page.viewed", t0.plusSeconds(60), "102");

    assertThat(stack.counters.count("c1", "e1", "page.viewed", t0, "101")).isEqualTo(EventCounters.Outcome.DUPLICATE);
    assertThat(stack.counters.count("c1", "e2", "page.viewed", t0.plusSeconds(60), "102"))
        .isEqualTo(EventCounters.Outcome.DUPLICATE);
    assertThat(stats("c1", "page.viewed").count()).isEqualTo(2);
    assertThat(stats("c1", "page.viewed").lastAt()).isEqualTo(t0.plusSeconds(60));
  }

  @Test
  void anOlderEventKeepsLastAtAndMovesFirstAt() {
    stack.contacts.createIfAbsent("c1", t0);
    stack.counters.count("c1", "e1", "order.completed", t0, "101");
    stack.counters.count("c1", "e0", "order.completed", t0.minus(Duration.ofDays(3)), "102");

    EventStats stats = stats("c1", "order.completed");
    assertThat(stats.count()).isEqualTo(2);
    assertThat(stats.firstAt()).isEqualTo(t0.minus(Duration.ofDays(3)));
    assertThat(stats.lastAt()).isEqualTo(t0);
  }

  @Test
  void theFirstEventOfAContactWithoutAProfileCreatesItAndItsCounterInFiveCalls() {
    store("new", "e1", "page.viewed", t0, null);
    CountingDynamoDb counting = new CountingDynamoDb();
    EventCounters counters = new EventCounters(new ContactRepository(counting.client(), stack.contactsTable),
        new EventRepository(counting.client(), stack.eventsTable));

    assertThat(counters.count("new", "e1", "page.viewed", t0, "101")).isEqualTo(EventCounters.Outcome.FIRST_OF_TYPE);

    // The update finds no counter (its refusal says so: no read); the creating transaction's refused
    // profile check says there is no profile (no read); the profile is created from the event's
    // sighting; then the counter is created directly, without a second failed update.
    assertThat(counting.operations()).containsExactly("UpdateItem", "TransactWriteItems", "GetItem", "PutItem",
        "TransactWriteItems");
    assertThat(stats("new", "page.viewed").count()).isEqualTo(1);
  }

  @Test
  void anEventInOrderCostsTheConsumerOneWriteOfOneUnit() {
    stack.contacts.createIfAbsent("c1", t0);
    stack.counters.count("c1", "e1", "page.viewed", t0, "101");
    CountingDynamoDb counting = new CountingDynamoDb();
    EventCounters counters = new EventCounters(new ContactRepository(counting.client(), stack.contactsTable),
        new EventRepository(counting.client(), stack.eventsTable));

    counters.count("c1", "e2", "page.viewed", t0.plusSeconds(1), "102");

    assertThat(counting.operations()).containsExactly("UpdateItem");
    assertThat(counting.writeUnits()).isEqualTo(1.0);
  }

  @Test
  void aContactIdWithoutAProfileGetsOneAsOfItsEventWithTheLocationItCarries() {
    Location madrid = new Location("ES", "MD", "Madrid", 40.4, -3.7);
    store("visitor", "e1", "page.viewed", t0, madrid);

    assertThat(stack.counters.count("visitor", "e1", "page.viewed", t0, "101"))
        .isEqualTo(EventCounters.Outcome.FIRST_OF_TYPE);

    Contact contact = stack.contacts.find("visitor").orElseThrow();
    assertThat(contact.createdAt()).isEqualTo(t0);
    assertThat(contact.location().city()).isEqualTo("Madrid");
    assertThat(contact.events().get("page.viewed").count()).isEqualTo(1);
  }

  @Test
  void anEventWhoseContactWasErasedBringsNothingBack() {
    store("gone", "e1", "page.viewed", t0, null);
    stack.events.deleteAll("gone");

    assertThat(stack.counters.count("gone", "e1", "page.viewed", t0, "101")).isEqualTo(EventCounters.Outcome.NO_CONTACT);
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void anAnonymousEventCountedAfterTheMergeGoesToTheKnownContactOnce() {
    stack.contacts.createIfAbsent("anon:v", t0);
    stack.counters.count("anon:v", "e1", "page.viewed", t0, "101");
    stack.contacts.createIfAbsent("known", t0);
    stack.counters.count("known", "k1", "page.viewed", t0, "900");
    stack.contacts.merge("anon:v", "known", t0);

    stack.counters.count("anon:v", "e2", "page.viewed", t0.plusSeconds(5), "102");
    stack.counters.count("anon:v", "e1", "page.viewed", t0, "101");
    stack.counters.count("anon:v", "e2", "page.viewed", t0.plusSeconds(5), "102");

    assertThat(stats("known", "page.viewed").count()).isEqualTo(3);
    assertThat(stack.contacts.find("anon:v").orElseThrow().events()).isEmpty();
  }

  @Test
  void aCounterLeftOnTheAnonymousContactByARaceWithTheMergeIsFoldedByTheNextMergeCall() {
    stack.contacts.createIfAbsent("anon:v", t0);
    stack.contacts.createIfAbsent("known", t0);
    stack.contacts.merge("anon:v", "known", t0);
    // What a consumer's first count of a type, committed between the merge's read and its commit, leaves.
    String at = dev.nudge.platform.Times.format(t0);
    stack.ddb.putItem(b -> b.tableName(stack.contactsTable).item(Map.of("pk", AttributeValue.fromS("C#anon:v"),
        "sk", AttributeValue.fromS("COUNT#form.submitted"), "type", AttributeValue.fromS("form.submitted"),
        "count", AttributeValue.fromN("1"), "firstAt", AttributeValue.fromS(at), "lastAt", AttributeValue.fromS(at),
        "seq", AttributeValue.fromS(EventCounters.padded("101")))));

    assertThat(stack.contacts.merge("anon:v", "known", t0)).isFalse();
    stack.counters.count("anon:v", "e1", "form.submitted", t0, "101");

    assertThat(stats("known", "form.submitted").count()).isEqualTo(1);
    assertThat(stack.contacts.find("anon:v").orElseThrow().events()).isEmpty();
  }
}
