package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.ContactIds;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

class TrackEndpointTest {
  private final TrackingStack stack = new TrackingStack();

  private static String event(String id, String type, String identity) {
    return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\"," + identity + ",\"properties\":{\"plan\":\"pro\"}}";
  }

  @Test
  void storesASignedEventForANewContactFoundByEmail() {
    Response response = stack.signed("POST /v1/track", event("evt-1", "order.completed", "\"email\":\"Ana@Example.com\""));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("status").asText()).isEqualTo("created");
    String contactId = response.json().path("contactId").asText();
    assertThat(contactId).isEqualTo(ContactIds.forEmail("ana@example.com"));
    stack.countStoredEvents();
    var contact = stack.contacts.find(contactId).orElseThrow();
    assertThat(contact.email()).isEqualTo("ana@example.com");
    assertThat(contact.events().get("order.completed").count()).isEqualTo(1);
    var stored = stack.ddb.getItem(b -> b.tableName(stack.eventsTable).key(Map.of(
        "contactId", AttributeValue.fromS(contactId), "eventId", AttributeValue.fromS("evt-1")))).item();
    assertThat(stored.get("type").s()).isEqualTo("order.completed");
    assertThat(stored.get("properties").m().get("plan").s()).isEqualTo("pro");
    assertThat(stored.get("source").s()).isEqualTo("server:" + TrackingStack.KEY_ID);
  }

  @Test
  void aRepeatedEventIdIsReportedAsDuplicateAndNotWrittenAgain() {
    String body = event("evt-dup", "order.completed", "\"contactId\":\"user-42\"");
    stack.signed("POST /v1/track", body);
    stack.clock.advance(Duration.ofSeconds(30));

    Response second = stack.signed("POST /v1/track", body);

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().path("status").asText()).isEqualTo("duplicate");
    assertThat(stack.events.count("user-42")).isEqualTo(1);
    stack.countStoredEvents();
    assertThat(stack.contacts.find("user-42").orElseThrow().events().get("order.completed").count()).isEqualTo(1);
  }

  @Test
  void aDuplicateLeavesNoSecondStreamRecord() {
    String body = event("evt-stream", "page.viewed", "\"contactId\":\"user-7\"");
    stack.signed("POST /v1/track", body);
    stack.signed("POST /v1/track", body);

    var streams = dev.nudge.testing.LocalDynamoDb.streamsClient();
    String streamArn = stack.ddb.describeTable(b -> b.tableName(stack.eventsTable)).table().latestStreamArn();
    var shards = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards();
    long inserts = 0;
    for (var shard : shards) {
      String iterator = streams.getShardIterator(b -> b.streamArn(streamArn)
          .shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      inserts += streams.getRecords(b -> b.shardIterator(iterator)).records().stream()
          .filter(r -> r.dynamodb().newImage().get("eventId").s().equals("evt-stream")).count();
    }
    assertThat(inserts).isEqualTo(1);
  }

  @Test
  void aBatchReportsEachEventAndMarksRepeatsInsideIt() {
    String body = "{\"batch\":[" + event("b-1", "page.viewed", "\"anonymousId\":\"anon-1\"") + ","
        + event("b-2", "form.submitted", "\"anonymousId\":\"anon-1\"") + ","
        + event("b-1", "page.viewed", "\"anonymousId\":\"anon-1\"") + "]}";

    Response response = stack.signed("POST /v1/track", body);

    assertThat(response.status()).isEqualTo(200);
    JsonNode results = response.json().path("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).path("status").asText()).isEqualTo("created");
    assertThat(results.get(1).path("status").asText()).isEqualTo("created");
    assertThat(results.get(2).path("status").asText()).isEqualTo("duplicate");
    assertThat(results.get(0).path("contactId").asText()).isEqualTo("anon:anon-1");
    assertThat(stack.events.count("anon:anon-1")).isEqualTo(2);
  }

  @Test
  void aBatchWithOneInvalidEventIsRefusedWholeNamingThatEvent() {
    String body = "{\"batch\":[" + event("ok-1", "page.viewed", "\"contactId\":\"u1\"") + ","
        + event("ok-2", "Not A Type", "\"contactId\":\"u1\"") + "]}";

    Response response = stack.signed("POST /v1/track", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("batch[1].type");
    assertThat(stack.eventItems()).isZero();
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void countsEventsPerTypeWithFirstAndLastTimes() {
    stack.signed("POST /v1/track", "{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c1\",\"occurredAt\":\"2025-12-31T10:00:00Z\"}");
    stack.signed("POST /v1/track", "{\"id\":\"e2\",\"type\":\"page.viewed\",\"contactId\":\"c1\",\"occurredAt\":\"2025-12-31T12:00:00+01:00\"}");
    stack.signed("POST /v1/track", "{\"id\":\"e3\",\"type\":\"page.viewed\",\"contactId\":\"c1\",\"occurredAt\":\"2025-12-31T09:00:00Z\"}");
    stack.countStoredEvents();

    var stats = stack.contacts.find("c1").orElseThrow().events().get("page.viewed");
    assertThat(stats.count()).isEqualTo(3);
    assertThat(stats.firstAt()).isEqualTo(Instant.parse("2025-12-31T09:00:00Z"));
    assertThat(stats.lastAt()).isEqualTo(Instant.parse("2025-12-31T11:00:00Z"));
    assertThat(stack.contacts.find("c1").orElseThrow().lastSeenAt()).contains(Instant.parse("2025-12-31T11:00:00Z"));
  }

  @Test
  void eventsExpireAfterTheRetentionCountedFromOccurrence() {
    stack.signed("POST /v1/track", "{\"id\":\"ttl\",\"type\":\"page.viewed\",\"contactId\":\"c2\",\"occurredAt\":\"2025-12-01T00:00:00Z\"}");

    var item = stack.ddb.getItem(b -> b.tableName(stack.eventsTable).key(Map.of(
        "contactId", AttributeValue.fromS("c2"), "eventId", AttributeValue.fromS("ttl")))).item();
    assertThat(Long.parseLong(item.get("expiresAt").n()))
        .isEqualTo(Instant.parse("2025-12-01T00:00:00Z").plus(Duration.ofDays(400)).getEpochSecond());
  }

  @Test
  void aPhoneIsNormalisedToE164AndFindsTheSameContact() {
    Response first = stack.signed("POST /v1/track", event("p1", "sms.replied", "\"phone\":\"+34 612 34 56 78\""));
    Response second = stack.signed("POST /v1/track", event("p2", "sms.replied", "\"phone\":\"+34612345678\""));

    assertThat(first.json().path("contactId").asText()).isEqualTo(second.json().path("contactId").asText());
    assertThat(stack.contacts.find(first.json().path("contactId").asText()).orElseThrow().phone()).isEqualTo("+34612345678");
  }

  @Test
  void aContactIdWithoutAProfileGetsOneWhenTheStreamCountsItsFirstEvent() {
    Response response = stack.signed("POST /v1/track", "{\"id\":\"evt-c\",\"type\":\"page.viewed\",\"contactId\":\"user-new\"}");
    assertThat(response.json().path("status").asText()).isEqualTo("created");
    assertThat(stack.contacts.find("user-new")).isEmpty();
    stack.clock.advance(Duration.ofMinutes(5));

    stack.countStoredEvents();

    var contact = stack.contacts.find("user-new").orElseThrow();
    assertThat(contact.createdAt()).isEqualTo(TrackingStack.START);
    assertThat(contact.events().get("page.viewed").count()).isEqualTo(1);
  }

  @Test
  void aKnownContactIdCostsOneWriteAndNoReadPerNewEvent() {
    stack.signed("POST /v1/track", event("w-0", "page.viewed", "\"contactId\":\"steady\""));
    stack.countStoredEvents();
    var counting = new dev.nudge.testing.CountingDynamoDb();
    var handler = new TrackHandler(stack.env, counting.client(), stack.secrets);

    dev.nudge.testing.TrackingStack.invoke(handler, signedEvent(event("w-1", "page.viewed", "\"contactId\":\"steady\"")));

    assertThat(counting.operations()).containsExactly("PutItem");
    assertThat(counting.writeUnits()).isEqualTo(1.0);
  }

  @Test
  void aContactIdSeenForTheFirstTimeCostsOneWriteAsWell() {
    var counting = new dev.nudge.testing.CountingDynamoDb();
    var handler = new TrackHandler(stack.env, counting.client(), stack.secrets);

    dev.nudge.testing.TrackingStack.invoke(handler, signedEvent(event("n-1", "page.viewed", "\"contactId\":\"brand-new\"")));

    assertThat(counting.operations()).containsExactly("PutItem");
    assertThat(counting.writeUnits()).isEqualTo(1.0);
  }

  private com.fasterxml.jackson.databind.node.ObjectNode signedEvent(String body) {
    var event = TrackingStack.event("track-signed.json", "POST /v1/track", body);
    String ts = Long.toString(stack.clock.instant().getEpochSecond());
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID)
        .put("x-nudge-timestamp", ts).put("x-nudge-signature", "v1=" + java.util.HexFormat.of().formatHex(
            RequestAuthenticator.sign(TrackingStack.KEY_SECRET, ts, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return event;
  }
}
