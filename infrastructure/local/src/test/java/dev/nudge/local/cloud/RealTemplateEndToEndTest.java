package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The project's own template.yaml and handlers, started in-process in memory and driven over
 * HTTP and the real SDK, as a user would with ./nudge local.
 */
class RealTemplateEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 1.0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  private static String eventsTable() {
    return cloud.functions().find("TrackFunction").variables().get("EVENTS_TABLE");
  }

  private HttpResponse<String> signedTrack(String body) throws Exception {
    String keysName = cloud.functions().find("TrackFunction").variables().get("SIGNING_KEYS_PARAMETER");
    String keys;
    try (SsmClient ssm = client(SsmClient.builder(), cloud)) {
      keys = ssm.getParameter(b -> b.name(keysName).withDecryption(true)).parameter().value();
    }
    JsonNode parsed = JSON.readTree(keys);
    String keyId = parsed.fieldNames().next();
    String timestamp = Long.toString(cloud.clock().instant().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(parsed.get(keyId).asText().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v1/track"))
        .header("content-type", "application/json").header("x-nudge-key-id", keyId)
        .header("x-nudge-timestamp", timestamp).header("x-nudge-signature", "v1=" + signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignedTrackRequestLandsOnceInTheEventsTable() throws Exception {
    String body = "{\"id\":\"evt-e2e-1\",\"type\":\"page.viewed\",\"contactId\":\"e2e-contact\",\"properties\":{\"path\":\"/pricing\"}}";
    HttpResponse<String> first = signedTrack(body);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).path("status").asText()).isEqualTo("created");
    HttpResponse<String> again = signedTrack(body);
    assertThat(JSON.readTree(again.body()).path("status").asText()).isEqualTo("duplicate");
    try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      var items = dynamo.query(b -> b.tableName(eventsTable()).keyConditionExpression("contactId = :c")
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("e2e-contact")))).items();
      assertThat(items).hasSize(1);
      assertThat(items.get(0).get("eventId").s()).isEqualTo("evt-e2e-1");
      assertThat(items.get(0).get("type").s()).isEqualTo("page.viewed");
    }
  }

  @Test
  void anUnsignedTrackRequestIsRefusedByTheHandler() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v1/track"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"x\",\"type\":\"a.b\",\"contactId\":\"c\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo("unauthorized");
  }

  @Test
  void theAdminRouteNeedsAnIamSignature() throws Exception {
    HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v1/contacts/nobody"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(403);
    HttpResponse<String> signed = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/v1/contacts/nobody"))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/execute-api/aws4_request, "
            + "SignedHeaders=host, Signature=0").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(404);
  }

  @Test
  void everyStreamEventSourceOfTheTemplateReceivesTheTrackedEvent() throws Exception {
    // The events table's stream feeds whichever functions the template subscribes to it (the
    // router, once the workflows land). Each must see the record a tracked event writes.
    signedTrack("{\"id\":\"evt-e2e-stream\",\"type\":\"page.viewed\",\"contactId\":\"e2e-stream\"}");
    for (StreamPoller poller : cloud.pollers()) {
      assertThat(TestClouds.eventually(Duration.ofSeconds(15), () -> poller.processedRecords() > 0))
          .as(poller.config().functionLogicalId()).isTrue();
      assertThat(poller.failures()).as(poller.config().functionLogicalId()).isEmpty();
    }
  }

  @Test
  void theSummaryListsTheRoutesAndASignedCurlThatWorks() throws Exception {
    String summary = cloud.summary();
    assertThat(summary).contains("POST /v1/track").contains("nudge-EventsTable").contains("x-nudge-signature: v1=")
        .contains("EventsTableName = nudge-EventsTable");
    String line = summary.lines().filter(l -> l.contains(" -d '")).findFirst().orElseThrow();
    String body = line.substring(line.indexOf(" -d '") + 5, line.lastIndexOf('\''));
    HttpResponse<String> response = signedTrack(body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
