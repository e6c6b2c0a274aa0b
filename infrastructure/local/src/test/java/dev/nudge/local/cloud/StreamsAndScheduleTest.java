package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.testing.RecordingHandler;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB stream event sources, schedules and the virtual clock. */
class StreamsAndScheduleTest {
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  private static void put(DynamoDbClient dynamo, String sk, String note) {
    dynamo.putItem(b -> b.tableName("nudge-ItemsTable").item(Map.of("pk", AttributeValue.fromS("p"),
        "sk", AttributeValue.fromS(sk), "note", AttributeValue.fromS(note))));
  }

  @Test
  void deliversStreamRecordsInLambdasShapeAndSetsAsideAPoisonRecordAfterBisectingAndRetrying() throws Exception {
    try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      put(dynamo, "1", "fine");
      put(dynamo, "2", "poison");
      put(dynamo, "3", "fine too");
    }
    StreamPoller poller = cloud.pollers().get(0);
    assertThat(TestClouds.eventually(Duration.ofSeconds(20), () -> !poller.failures().isEmpty())).isTrue();
    JsonNode failure = poller.failures().get(0);
    assertThat(failure.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
    assertThat(failure.path("DDBStreamBatchInfo").path("batchSize").asInt()).isEqualTo(1);
    assertThat(failure.path("destination").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:nudge-FailuresQueue");

    StringBuilder delivered = new StringBuilder();
    JsonNode batch;
    while ((batch = RecordingHandler.received("nudge-StreamFunction").poll(1, TimeUnit.SECONDS)) != null) {
      for (JsonNode record : batch.path("Records")) {
        assertThat(record.path("eventSource").asText()).isEqualTo("aws:dynamodb");
        assertThat(record.path("eventName").asText()).isEqualTo("INSERT");
        assertThat(record.path("eventSourceARN").asText()).contains("table/nudge-ItemsTable/stream/");
        assertThat(record.path("dynamodb").path("Keys").path("pk").path("S").asText()).isEqualTo("p");
        delivered.append(record.path("dynamodb").path("NewImage").path("note").path("S").asText()).append('|');
      }
    }
    assertThat(delivered.toString()).isEqualTo("fine|fine too|");
  }

  private static JsonNode streams() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(cloud.endpoint() + "/_local/api/streams")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("consumers").get(0);
  }

  @Test
  void reportsTheRecordsEachStreamMappingDelivered() throws Exception {
    cloud.awaitIdle();
    long before = streams().path("processedRecords").asLong();
    try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      put(dynamo, "counted-1", "fine");
      put(dynamo, "counted-2", "fine");
    }
    cloud.awaitIdle();

    JsonNode consumer = streams();
    assertThat(consumer.path("table").asText()).isEqualTo("nudge-ItemsTable");
    assertThat(consumer.path("consumer").asText()).isEqualTo(cloud.pollers().get(0).consumerName());
    assertThat(consumer.path("processedRecords").asLong()).isEqualTo(before + 2);
    RecordingHandler.received("nudge-StreamFunction").clear(); // the other tests read what was delivered
  }

  @Test
  void firesARateScheduleWhenTheClockIsAdvanced() throws Exception {
    RecordingHandler.received("nudge-TickFunction").clear();
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(cloud.endpoint() + "/_local/clock")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"advance\":\"PT61M\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode tick = RecordingHandler.received("nudge-TickFunction").poll(10, TimeUnit.SECONDS);
    assertThat(tick).isNotNull();
    assertThat(tick.path("tick").asBoolean()).isTrue();
  }

  @Test
  void advancesTheSharedClockThroughTheLocalEndpoint() throws Exception {
    Instant before = cloud.clock().instant();
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(cloud.endpoint() + "/_local/clock")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"advance\":\"PT48H\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).contains("\"now\"");
    assertThat(Duration.between(before, cloud.clock().instant())).isGreaterThanOrEqualTo(Duration.ofHours(48));
  }

  @Test
  void servesTheEventLogAndOutboxAsJson() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> log = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_local/api/log")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).startsWith("[").contains("\"at\":\"");
    HttpResponse<String> outbox = http.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_local/api/outbox")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(outbox.statusCode()).isEqualTo(200);
    assertThat(outbox.body()).startsWith("[");
  }

  @Test
  void refusesAClockAdvanceThatIsNotADuration() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(cloud.endpoint() + "/_local/clock")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"advance\":\"two days\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("advance");
  }
}
