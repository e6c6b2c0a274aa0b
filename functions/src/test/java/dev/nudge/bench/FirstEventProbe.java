package dev.nudge.bench;

import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.testing.InMemorySecrets;
import dev.nudge.testing.TrackingStack;
import dev.nudge.tracking.TrackHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Run in a fresh JVM by {@link IngestBenchmark} and TrackPathColdStartTest: processes one event and
 * prints "DONE &lt;status&gt;". "track" builds TrackHandler as Lambda would (SDK client from the
 * default chain, pointed at DynamoDB Local by aws.endpointUrl; secrets in memory instead of SSM)
 * and handles one signed event; "identify" the same with one signed identify; "minimal" is the
 * baseline: build a DynamoDB client with the same SDK and HTTP client, do one PutItem.
 *
 * <p>The event goes in as bytes and the response comes out as bytes, as from the Lambda runtime;
 * building them uses Json's streaming functions only, so that the probe itself loads no
 * ObjectMapper the handler would not.
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
    Map<String, String> variables = new java.util.HashMap<>(Map.of("CONTACTS_TABLE", contacts, "EVENTS_TABLE", events,
        "TOKEN_SECRET_PARAMETER", "/nudge/token-secret", "SIGNING_KEYS_PARAMETER", "/nudge/signing-keys"));
    // -Dnudge.probe.initType=snap-start: construct as a SnapStart init does, priming included.
    String initType = System.getProperty("nudge.probe.initType");
    if (initType != null) {
      variables.put("AWS_LAMBDA_INITIALIZATION_TYPE", initType);
    }
    Environment env = new Environment(variables, Clock.systemUTC());
    InMemorySecrets secrets = new InMemorySecrets()
        .put("/nudge/signing-keys", "{\"" + TrackingStack.KEY_ID + "\":\"" + TrackingStack.KEY_SECRET + "\"}")
        .put("/nudge/token-secret", "probe");
    TrackHandler handler = new TrackHandler(env, AwsClients.dynamoDb(), secrets);
    var response = mode.equals("identify")
        ? TrackingStack.invoke(handler, IngestBenchmark.signedEvent("POST /v1/identify", "{\"contactId\":\"probe-" + id
            + "\",\"timezone\":\"Europe/Madrid\",\"locale\":\"es-ES\",\"attributes\":{\"plan\":\"pro\",\"seats\":3}}"))
        : TrackingStack.invoke(handler, IngestBenchmark.signedEvent("POST /v1/track", "{\"id\":\"probe-" + id + "-"
            + System.nanoTime() + "\",\"type\":\"page.viewed\",\"contactId\":\"probe\",\"properties\":{\"path\":\"/\"}}"));
    System.out.println("DONE " + response.status());
    System.exit(0);
  }

  /** What one launch printed, and the wall time from launch to its "DONE" line. */
  public record Launch(long millis, String done, List<String> output) {}

  /**
   * Launches the probe in a fresh JVM on this JVM's classpath, as IngestBenchmark measures it (C1
   * only, as Lambda's default tiered compilation does in effect at cold start), with
   * {@code jvmOptions} added (e.g. class-load logging). Fails unless the probe printed "DONE 200".
   */
  public static Launch launch(String mode, String endpoint, String contacts, String events, String id,
      List<String> jvmOptions) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "-Daws.endpointUrl=" + endpoint, "-Daws.region=us-east-1",
        "-Daws.accessKeyId=local", "-Daws.secretAccessKey=local",
        FirstEventProbe.class.getName(), mode, contacts, events, id));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String done = null;
    List<String> output = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith("DONE")) {
          done = line;
          break;
        }
      }
    }
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    if (done == null || !done.equals("DONE 200")) {
      int from = Math.max(0, output.size() - 40);
      throw new IllegalStateException(mode + " probe failed: " + done + "\n" + String.join("\n", output.subList(from, output.size())));
    }
    return new Launch(elapsed, done, output);
  }
}
