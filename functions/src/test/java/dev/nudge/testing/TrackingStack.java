package dev.nudge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ConsentTokens;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.ContactsAdminHandler;
import dev.nudge.contacts.EventCounters;
import dev.nudge.contacts.EventRepository;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.tracking.ConsentHandler;
import dev.nudge.tracking.RequestAuthenticator;
import dev.nudge.tracking.TrackHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * The tracking slice as deployed, in one JVM: the tables of template.yaml in DynamoDB Local, the
 * three HTTP handlers wired through their environment constructors, a clock the test moves, and
 * API Gateway payload 2.0 events built from the recorded fixtures in src/test/resources/apigw.
 */
public final class TrackingStack {
  public static final String KEY_ID = "shop-2026-01";
  public static final String KEY_SECRET = "s3cr3t-hmac-key-for-tests-0123456789";
  public static final String WRITE_KEY = "pk_live_shop";
  public static final String ORIGIN = "https://shop.example.com";
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  public final DynamoDbClient ddb = LocalDynamoDb.client();
  public final String contactsTable = TemplateTables.create(ddb, "ContactsTable");
  public final String eventsTable = TemplateTables.create(ddb, "EventsTable");
  public final String journeysTable = TemplateTables.create(ddb, "JourneysTable");
  public final MutableClock clock = new MutableClock(START);
  public final InMemorySecrets secrets = new InMemorySecrets()
      .put("/nudge/signing-keys", "{\"" + KEY_ID + "\":\"" + KEY_SECRET + "\",\"shop-2025-12\":\"old-key\"}")
      .put("/nudge/token-secret", "token-secret-for-tests");
  public final Environment env = new Environment(Map.of(
      "CONTACTS_TABLE", contactsTable,
      "EVENTS_TABLE", eventsTable,
      "JOURNEYS_TABLE", journeysTable,
      "SIGNING_KEYS_PARAMETER", "/nudge/signing-keys",
      "TOKEN_SECRET_PARAMETER", "/nudge/token-secret",
      "PUBLIC_WRITE_KEYS", WRITE_KEY + ",pk_other",
      "ALLOWED_ORIGINS", ORIGIN + ",http://localhost:3000",
      "EVENT_RETENTION_DAYS", "400"), clock);
  public final TrackHandler track = new TrackHandler(env, ddb, secrets);
  public final ConsentHandler consent = new ConsentHandler(env, ddb, secrets);
  public final ContactsAdminHandler admin = new ContactsAdminHandler(env, ddb);
  public final ContactRepository contacts = new ContactRepository(ddb, contactsTable);
  public final EventRepository events = new EventRepository(ddb, eventsTable);
  public final ContactService contactService = new ContactService(contacts, events, clock, Duration.ofDays(400));
  public final ConsentTokens tokens = new ConsentTokens(secrets, "/nudge/token-secret", clock);

  /** An HTTP response as API Gateway would receive it from the handler. */
  public record Response(int status, JsonNode headers, String body) {
    public JsonNode json() {
      try {
        return Json.read(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public String errorField() {
      return json().path("error").path("field").asText(null);
    }

    public String errorCode() {
      return json().path("error").path("code").asText(null);
    }
  }

  public static ObjectNode fixture(String name) {
    try (InputStream in = TrackingStack.class.getResourceAsStream("/apigw/" + name)) {
      return (ObjectNode) Json.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server request signed with the current key at the clock's time. */
  public Response signed(String route, String body) {
    return signed(route, body, KEY_ID, KEY_SECRET, clock.instant());
  }

  public Response signed(String route, String body, String keyId, String secret, Instant at) {
    ObjectNode event = event("track-signed.json", route, body);
    String timestamp = Long.toString(at.getEpochSecond());
    ObjectNode headers = (ObjectNode) event.get("headers");
    headers.put("x-nudge-key-id", keyId);
    headers.put("x-nudge-timestamp", timestamp);
    headers.put("x-nudge-signature", "v1=" + HexFormat.of().formatHex(
        RequestAuthenticator.sign(secret, timestamp, body.getBytes(StandardCharsets.UTF_8))));
    return invoke(track, event);
  }

  /** A browser request with the public write key from the allowed origin. */
  public Response browser(String route, String body) {
    return invoke(track, event("identify-browser.json", route, body));
  }

  /** The event of fixture {@code name}, re-aimed at {@code route} ("POST /v1/track") with {@code body}. */
  public static ObjectNode event(String name, String route, String body) {
    ObjectNode event = fixture(name);
    String method = route.substring(0, route.indexOf(' '));
    String path = route.substring(route.indexOf(' ') + 1);
    event.put("routeKey", route);
    event.put("rawPath", path);
    ObjectNode context = (ObjectNode) event.get("requestContext");
    context.put("routeKey", route);
    ((ObjectNode) context.get("http")).put("method", method).put("path", path);
    if (body == null) {
      event.remove("body");
    } else {
      event.put("body", body);
      event.put("isBase64Encoded", false);
      ((ObjectNode) event.get("headers")).put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    }
    return event;
  }

  /** Runs {@code handler} on the event JSON exactly as the Lambda runtime would. */
  public static Response invoke(RequestStreamHandler handler, JsonNode event) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      // Json's streaming reader and writer, not the mapper: cold-start probes run this in a fresh JVM.
      handler.handleRequest(new ByteArrayInputStream(Json.write(event).getBytes(StandardCharsets.UTF_8)), out, null);
      JsonNode response = Json.read(out.toByteArray());
      return new Response(response.path("statusCode").asInt(), response.path("headers"), response.path("body").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public final EventCounters counters = new EventCounters(contacts, events);
  /** Per stream shard, the sequence number of the last record {@link #countStoredEvents} read. */
  private final Map<String, String> streamPositions = new HashMap<>();

  /**
   * What the events stream's contact-state consumer does, for every event stored since the last
   * call, in stream order: counts it (creating the profile of a contact id tracked without one).
   * Tracking writes only the event; tests that read counters afterwards call this first, as the
   * local cloud's tests let the stream settle. Returns how many new events it read.
   */
  public int countStoredEvents() {
    var streams = LocalDynamoDb.streamsClient();
    String streamArn = ddb.describeTable(b -> b.tableName(eventsTable)).table().latestStreamArn();
    int read = 0;
    for (var shard : streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
      String after = streamPositions.get(shard.shardId());
      String iterator = streams.getShardIterator(b -> {
        b.streamArn(streamArn).shardId(shard.shardId());
        if (after == null) {
          b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        } else {
          b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
        }
      }).shardIterator();
      while (iterator != null) {
        String current = iterator;
        var response = streams.getRecords(b -> b.shardIterator(current));
        for (var record : response.records()) {
          streamPositions.put(shard.shardId(), record.dynamodb().sequenceNumber());
          if (record.eventName() == OperationType.INSERT) {
            var image = record.dynamodb().newImage();
            counters.count(image.get("contactId").s(), image.get("eventId").s(), image.get("type").s(),
                Times.parse(image.get("occurredAt").s()), record.dynamodb().sequenceNumber());
            read++;
          }
        }
        iterator = response.records().isEmpty() ? null : response.nextShardIterator();
      }
    }
    return read;
  }

  /** The stream delivering every record again from its start (a redelivered batch, at scale): returns how many. */
  public int replayStream() {
    streamPositions.clear();
    return countStoredEvents();
  }

  /** Every item of the events table, for asserting that nothing (or exactly something) was written. */
  public int eventItems() {
    return ddb.scan(b -> b.tableName(eventsTable)).count();
  }

  public int contactItems() {
    return ddb.scan(b -> b.tableName(contactsTable)).count();
  }
}
