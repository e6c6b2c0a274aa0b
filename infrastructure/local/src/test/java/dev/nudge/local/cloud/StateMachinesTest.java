package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.LocalCloud;
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
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The template's state machines in the engine, their tasks routed to the local services, on the virtual clock. */
class StateMachinesTest {
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
  void publishesTheAutoPublishAliasAndStartsExecutionsFromARule() throws Exception {
    String machine = "arn:aws:states:us-east-1:000000000000:stateMachine:nudge-journey";
    try (SfnClient sfn = client(SfnClient.builder(), cloud); DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud);
        EventBridgeClient events = client(EventBridgeClient.builder(), cloud)) {
      assertThat(sfn.describeStateMachineAlias(b -> b.stateMachineAliasArn(machine + ":live")).routingConfiguration())
          .singleElement().satisfies(r -> assertThat(r.stateMachineVersionArn()).startsWith(machine + ":"));
      events.putEvents(b -> b.entries(e -> e.source("shop").detailType("Signup").detail("{\"key\":\"k-rule\"}")));
      assertThat(TestClouds.eventually(Duration.ofSeconds(10), () -> dynamo.getItem(b -> b.tableName("nudge-Settings")
          .key(Map.of("key", AttributeValue.fromS("k-rule")))).hasItem())).isTrue();
    }
  }

  @Test
  void runsAJourneyThroughDynamoDbAWaitSnsATaskTokenAndALambdaInvoke() throws Exception {
    String machine = "arn:aws:states:us-east-1:000000000000:stateMachine:nudge-journey";
    try (SfnClient sfn = client(SfnClient.builder(), cloud); DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      String execution = sfn.startExecution(b -> b.stateMachineArn(machine).name("journey-1").input("{\"key\":\"k-1\"}"))
          .executionArn();
      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("journey-1").input("{\"key\":\"other\"}")))
          .isInstanceOf(ExecutionAlreadyExistsException.class);
      assertThat(TestClouds.eventually(Duration.ofSeconds(10), () -> dynamo.getItem(b -> b.tableName("nudge-Settings")
          .key(Map.of("key", AttributeValue.fromS("k-1")))).hasItem())).isTrue();
      assertThat(cloud.outbox().all()).noneMatch(m -> "k-1".equals(m.text()));
      assertThat(TestClouds.eventually(Duration.ofSeconds(5), () -> journeyWaitingFor("journey-1").contains("Wait"))).isTrue();

      cloud.clock().advance(Duration.ofHours(24));

      JsonNode tokenCall = nextCallFor("k-1");
      assertThat(tokenCall).isNotNull();
      assertThat(cloud.outbox().all()).anyMatch(m -> m.channel().equals("sms") && "k-1".equals(m.text()));
      assertThat(sfn.describeExecution(b -> b.executionArn(execution)).status()).isEqualTo(ExecutionStatus.RUNNING);

      sfn.sendTaskSuccess(b -> b.taskToken(tokenCall.path("token").asText()).output("{\"opened\":true}"));

      JsonNode finalCall = nextCallFor("k-1");
      assertThat(finalCall).isNotNull();
      assertThat(finalCall.path("event").path("opened").asBoolean()).isTrue();
      assertThat(finalCall.path("sms").path("MessageId").asText()).isNotEmpty();
      assertThat(TestClouds.eventually(Duration.ofSeconds(10), () ->
          sfn.describeExecution(b -> b.executionArn(execution)).status() == ExecutionStatus.SUCCEEDED)).isTrue();
    }
  }

  /** What the local page says the execution {@code name} waits for ("" when it is not running). */
  private static String journeyWaitingFor(String name) {
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(cloud.endpoint() + "/_local/api/journeys")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      for (JsonNode journey : new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())) {
        if (journey.path("execution").asText().equals(name)) {
          return journey.path("waitingFor").asText();
        }
      }
      return "";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next call of DomainFunction made by the journey for {@code key} (other journeys may run too). */
  private static JsonNode nextCallFor(String key) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode call = RecordingHandler.received("nudge-DomainFunction").poll(200, TimeUnit.MILLISECONDS);
      if (call != null && key.equals(call.path("key").asText())) {
        return call;
      }
    }
    return null;
  }
}
