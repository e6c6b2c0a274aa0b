package dev.nudge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Environment;
import dev.nudge.testing.InMemorySecrets;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TemplateTables;
import dev.nudge.testing.TrackingStack;
import dev.nudge.tracking.RequestAuthenticator;
import dev.nudge.tracking.TrackHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Ingest benchmark (docs/benchmarks.md, "Ingest (issue 2)"). Against one embedded DynamoDB Local:
 * <ol>
 *   <li>events/s through TrackHandler (signed single-event requests, then 100-event batches),
 *       next to raw PutItem/s of a comparable item, in the same run and JVM;</li>
 *   <li>wall time from launching a fresh JVM to its first processed event, for TrackHandler and for
 *       a minimal handler doing one PutItem with the same SDK ({@link FirstEventProbe}).</li>
 * </ol>
 * Run: {@code mvn -B -q -pl functions -Pbench test-compile exec:exec} (args: events per phase, JVM launches).
 */
public final class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // DynamoDB Local's threads would keep the JVM alive
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int launches = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    DynamoDbClient ddb = LocalDynamoDb.client();
    String contacts = TemplateTables.create(ddb, "ContactsTable");
    String eventsTable = TemplateTables.create(ddb, "EventsTable");
    InMemorySecrets secrets = new InMemorySecrets()
        .put("/nudge/signing-keys", "{\"" + TrackingStack.KEY_ID + "\":\"" + TrackingStack.KEY_SECRET + "\"}")
        .put("/nudge/token-secret", "bench");
    Environment env = new Environment(Map.of("CONTACTS_TABLE", contacts, "EVENTS_TABLE", eventsTable,
        "TOKEN_SECRET_PARAMETER", "/nudge/token-secret", "SIGNING_KEYS_PARAMETER", "/nudge/signing-keys"),
        Clock.systemUTC());
    TrackHandler handler = new TrackHandler(env, ddb, secrets);

    System.out.printf("DynamoDB Local %s, %d events per phase, JVM %s, %d cores%n", LocalDynamoDb.endpoint(), events,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    // Warm-up: JIT and connection pool for both paths.
    single(handler, "warm", events / 5, 50);
    rawPuts(ddb, eventsTable, "warm", events / 5);

    double raw = rawPuts(ddb, eventsTable, "raw", events);
    double viaHandler = single(handler, "single", events, 50);
    double viaBatches = batches(handler, "batch", events, 50);
    System.out.printf("raw PutItem:                 %8.0f puts/s%n", raw);
    System.out.printf("TrackHandler, single events: %8.0f events/s (%.2f of raw)%n", viaHandler, viaHandler / raw);
    System.out.printf("TrackHandler, 100-batches:   %8.0f events/s (%.2f of raw)%n", viaBatches, viaBatches / raw);

    String endpoint = LocalDynamoDb.endpoint().toString();
    long[] nudge = new long[launches];
    long[] identify = new long[launches];
    long[] minimal = new long[launches];
    for (int i = 0; i < launches; i++) {
      nudge[i] = launch("track", endpoint, contacts, eventsTable, "cold-" + i);
      identify[i] = launch("identify", endpoint, contacts, eventsTable, "cold-" + i);
      minimal[i] = launch("minimal", endpoint, contacts, eventsTable, "cold-" + i);
    }
    System.out.printf("fresh JVM to first event, TrackHandler:       median %d ms (runs %s)%n", median(nudge), Arrays.toString(nudge));
    System.out.printf("fresh JVM to first event, identify:           median %d ms (runs %s)%n", median(identify), Arrays.toString(identify));
    System.out.printf("fresh JVM to first event, one-PutItem handler: median %d ms (runs %s)%n", median(minimal), Arrays.toString(minimal));
    System.out.printf("cold start ratio: track %.2fx, identify %.2fx of the one-PutItem handler (goal: track <= 1.2x)%n",
        (double) median(nudge) / median(minimal), (double) median(identify) / median(minimal));
  }

  private static double rawPuts(DynamoDbClient ddb, String table, String prefix, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("contactId", AttributeValue.fromS(prefix + "-contact-" + (i % 50)));
      item.put("eventId", AttributeValue.fromS(prefix + "-raw-" + i));
      item.put("type", AttributeValue.fromS("page.viewed"));
      item.put("properties", AttributeValue.fromM(Map.of("path", AttributeValue.fromS("/pricing"),
          "referrer", AttributeValue.fromS("https://www.example.org/blog"))));
      item.put("occurredAt", AttributeValue.fromS("2026-01-01T00:00:00.000Z"));
      item.put("receivedAt", AttributeValue.fromS("2026-01-01T00:00:00.000Z"));
      item.put("source", AttributeValue.fromS("bench"));
      item.put("expiresAt", AttributeValue.fromN("1800000000"));
      ddb.putItem(b -> b.tableName(table).item(item));
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double single(TrackHandler handler, String prefix, int n, int contacts) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String body = "{\"id\":\"" + prefix + "-" + i + "\",\"type\":\"page.viewed\",\"contactId\":\"" + prefix + "-c"
          + (i % contacts) + "\",\"properties\":{\"path\":\"/pricing\",\"referrer\":\"https://www.example.org/blog\"}}";
      expectOk(handler, body);
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double batches(TrackHandler handler, String prefix, int n, int contacts) {
    long start = System.nanoTime();
    int sent = 0;
    while (sent < n) {
      StringBuilder body = new StringBuilder("{\"batch\":[");
      for (int j = 0; j < 100 && sent < n; j++, sent++) {
        body.append(j == 0 ? "" : ",").append("{\"id\":\"").append(prefix).append('-').append(sent)
            .append("\",\"type\":\"page.viewed\",\"contactId\":\"").append(prefix).append("-c").append(sent % contacts)
            .append("\",\"properties\":{\"path\":\"/pricing\"}}");
      }
      expectOk(handler, body.append("]}").toString());
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  static ObjectNode signedEvent(String body) {
    return signedEvent("POST /v1/track", body);
  }

  static ObjectNode signedEvent(String route, String body) {
    ObjectNode event = TrackingStack.event("track-signed.json", route, body);
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    ((ObjectNode) event.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID).put("x-nudge-timestamp", ts)
        .put("x-nudge-signature", "v1=" + HexFormat.of().formatHex(RequestAuthenticator.sign(
            TrackingStack.KEY_SECRET, ts, body.getBytes(StandardCharsets.UTF_8))));
    return event;
  }

  private static void expectOk(TrackHandler handler, String body) {
    var response = TrackingStack.invoke(handler, signedEvent(body));
    if (response.status() != 200) {
      throw new IllegalStateException("handler answered " + response.status() + ": " + response.body());
    }
  }

  private static long launch(String mode, String endpoint, String contacts, String events, String id) throws Exception {
    return FirstEventProbe.launch(mode, endpoint, contacts, events, id, List.of()).millis();
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
