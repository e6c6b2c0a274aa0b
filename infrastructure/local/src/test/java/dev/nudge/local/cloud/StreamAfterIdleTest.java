package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.testing.RecordingHandler;
import dev.nudge.local.testing.TestClouds;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stream that stays empty for a while, then gets its first record. DynamoDB Local answers
 * TrimmedDataAccessException to the iterator the poller took on the empty shard; the poller
 * must take a new one instead of retrying the stale one forever.
 */
class StreamAfterIdleTest {
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @Test
  void deliversTheFirstRecordOfAStreamThatWasPolledWhileEmpty() throws Exception {
    Thread.sleep(1500); // several empty polls: the poller now holds an iterator taken on the empty shard
    try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      dynamo.putItem(b -> b.tableName("nudge-ItemsTable").item(Map.of("pk", AttributeValue.fromS("p"),
          "sk", AttributeValue.fromS("first"), "note", AttributeValue.fromS("after a quiet start"))));
    }
    JsonNode batch = RecordingHandler.received("nudge-StreamFunction").poll(15, TimeUnit.SECONDS);
    assertThat(batch).isNotNull();
    assertThat(batch.path("Records").get(0).path("dynamodb").path("NewImage").path("note").path("S").asText())
        .isEqualTo("after a quiet start");
    StreamPoller poller = cloud.pollers().get(0);
    assertThat(TestClouds.eventually(Duration.ofSeconds(5), () -> poller.processedRecords() == 1)).isTrue();
  }
}
