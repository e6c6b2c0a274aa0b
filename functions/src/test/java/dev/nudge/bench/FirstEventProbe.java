package dev.nudge.bench;

import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.testing.InMemorySecrets;
import dev.nudge.testing.TrackingStack;
import dev.nudge.tracking.TrackHandler;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Run in a fresh JVM by {@link IngestBenchmark}: processes one event and prints "DONE &lt;status&gt;".
 * "track" builds TrackHandler as Lambda would (SDK client from the default chain, pointed at
 * DynamoDB Local by aws.endpointUrl; secrets in memory instead of SSM) and handles one signed
 * event; "minimal" is the baseline: build a DynamoDB client with the same SDK and HTTP client, do
 * one PutItem.
 */
public final class FirstEventProbe {
  public static void main(String[] args) {
    String mode = args[0];
    String contacts = args[1];
    String events = args[2];
    String id = args[3];
    if (mode.equals("minimal")) {
      DynamoDbClient ddb = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
      ddb.putItem(b -> b.tableName(events).item(Map.of("contactId", AttributeValue.fromS("probe"),
          "eventId", AttributeValue.fromS("minimal-" + id + "-" + System.nanoTime()),
          "type", AttributeValue.fromS("page.viewed"))));
      System.out.println("DONE 200");
      System.exit(0);
    }
    Environment env = new Environment(Map.of("CONTACTS_TABLE", contacts, "EVENTS_TABLE", events,
        "TOKEN_SECRET_PARAMETER", "/nudge/token-secret", "SIGNING_KEYS_PARAMETER", "/nudge/signing-keys"),
        Clock.systemUTC());
    InMemorySecrets secrets = new InMemorySecrets()
        .put("/nudge/signing-keys", "{\"" + TrackingStack.KEY_ID + "\":\"" + TrackingStack.KEY_SECRET + "\"}");
    TrackHandler handler = new TrackHandler(env, AwsClients.dynamoDb(), secrets);
    String body = "{\"id\":\"probe-" + id + "-" + System.nanoTime() + "\",\"type\":\"page.viewed\",\"contactId\":\"probe\","
        + "\"properties\":{\"path\":\"/\"}}";
    var response = TrackingStack.invoke(handler, IngestBenchmark.signedEvent(body));
    System.out.println("DONE " + response.status());
    System.exit(0);
  }
}
