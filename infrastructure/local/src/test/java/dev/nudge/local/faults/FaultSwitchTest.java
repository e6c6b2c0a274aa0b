package dev.nudge.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.lambda.Invocation;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.testing.RecordingHandler;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The fault switch ({@code /_local/faults}), each fault observed through the real AWS SDK v2
 * clients (retries off unless the test is about the SDK's own retries), as a handler in AWS meets it.
 */
class FaultSwitchTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ITEMS = "nudge-ItemsTable";
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @AfterEach
  void clear() throws Exception {
    assertThat(call("DELETE", "").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> call(String method, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_local/faults"))
        .header("content-type", "application/json")
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode inject(String body) throws Exception {
    HttpResponse<String> response = call("POST", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body());
  }

  private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C noRetries(B builder) {
    builder.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    return TestClouds.client(builder, cloud);
  }

  private static void put(DynamoDbClient dynamo, String sk) {
    dynamo.putItem(b -> b.tableName(ITEMS).item(Map.of("pk", AttributeValue.fromS("faults"), "sk", AttributeValue.fromS(sk),
        "note", AttributeValue.fromS("fine"))));
  }

  @Test
  void dynamoDbPutItemMeetsProvisionedThroughputExceededExactlyCountTimesThenSucceeds() throws Exception {
    inject("{\"service\":\"dynamodb\",\"operation\":\"PutItem\",\"error\":\"ProvisionedThroughputExceededException\",\"count\":3}");
    try (DynamoDbClient dynamo = noRetries(DynamoDbClient.builder())) {
      for (int i = 0; i < 3; i++) {
        String sk = "throttled-" + i;
        assertThatThrownBy(() -> put(dynamo, sk)).isInstanceOfSatisfying(ProvisionedThroughputExceededException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.isThrottlingException()).isTrue();
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        });
      }
      put(dynamo, "after");
      assertThat(dynamo.getItem(b -> b.tableName(ITEMS).key(Map.of("pk", AttributeValue.fromS("faults"),
          "sk", AttributeValue.fromS("after")))).hasItem()).isTrue();
      assertThat(dynamo.getItem(b -> b.tableName(ITEMS).key(Map.of("pk", AttributeValue.fromS("faults"),
          "sk", AttributeValue.fromS("throttled-0")))).hasItem()).as("a throttled put wrote nothing").isFalse();
    }
  }

  @Test
  void aFaultOnOneOperationLeavesTheServicesOtherOperationsAlone() throws Exception {
    inject("{\"service\":\"dynamodb\",\"operation\":\"PutItem\",\"error\":\"ProvisionedThroughputExceededException\"}");
    try (DynamoDbClient dynamo = noRetries(DynamoDbClient.builder())) {
      assertThat(dynamo.getItem(b -> b.tableName(ITEMS).key(Map.of("pk", AttributeValue.fromS("faults"),
          "sk", AttributeValue.fromS("none")))).hasItem()).isFalse();
      assertThatThrownBy(() -> put(dynamo, "x")).isInstanceOf(ProvisionedThroughputExceededException.class);
    }
  }

  @Test
  void aFaultOnOneTableLeavesTheOtherTablesAlone() throws Exception {
    inject("{\"service\":\"dynamodb\",\"table\":\"Settings\",\"error\":\"ProvisionedThroughputExceededException\"}");
    try (DynamoDbClient dynamo = noRetries(DynamoDbClient.builder())) {
      put(dynamo, "other-table");
      assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("nudge-Settings").item(Map.of("key", AttributeValue.fromS("k")))))
          .isInstanceOf(ProvisionedThroughputExceededException.class);
      assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(t -> t.put(p -> p.tableName("nudge-Settings")
          .item(Map.of("key", AttributeValue.fromS("k")))))))
          .as("a transaction naming the table").isInstanceOf(ProvisionedThroughputExceededException.class);
    }
  }

  @Test
  void theSdksOwnRetriesAbsorbAFewThrottles() throws Exception {
    JsonNode fault = inject("{\"service\":\"dynamodb\",\"operation\":\"PutItem\","
        + "\"error\":\"ProvisionedThroughputExceededException\",\"count\":2}");
    try (DynamoDbClient dynamo = TestClouds.client(DynamoDbClient.builder(), cloud)) {
      put(dynamo, "retried");
    }
    assertThat(JSON.readTree(call("GET", "").body()).path("faults")).as("both throttles used up").isEmpty();
    assertThat(fault.path("id").asText()).isNotEmpty();
  }

  @Test
  void sesSendEmailIsThrottledWith429AndTheErrorTypeHeader() throws Exception {
    int before = cloud.outbox().all().size();
    inject("{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"TooManyRequestsException\",\"count\":1}");
    try (SesV2Client ses = noRetries(SesV2Client.builder())) {
      assertThatThrownBy(() -> send(ses)).isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.isThrottlingException()).isTrue();
        assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amzn-ErrorType"))
            .contains("TooManyRequestsException");
      });
      assertThat(cloud.outbox().all()).hasSize(before);
      send(ses);
      assertThat(cloud.outbox().all()).hasSize(before + 1);
    }
  }

  @Test
  void sesSendEmailIsRejectedWithMessageRejected() throws Exception {
    int before = cloud.outbox().all().size();
    inject("{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"MessageRejected\",\"count\":1}");
    try (SesV2Client ses = noRetries(SesV2Client.builder())) {
      assertThatThrownBy(() -> send(ses)).isInstanceOfSatisfying(MessageRejectedException.class, e -> {
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.isThrottlingException()).isFalse();
      });
    }
    assertThat(cloud.outbox().all()).hasSize(before);
  }

  private static String send(SesV2Client ses) {
    return ses.sendEmail(b -> b.fromEmailAddress("shop@example.com").destination(d -> d.toAddresses("a@example.com"))
        .content(c -> c.simple(s -> s.subject(t -> t.data("Hi")).body(body -> body.text(t -> t.data("Hello")))))).messageId();
  }

  @Test
  void stepFunctionsStartExecutionIsThrottled() throws Exception {
    inject("{\"service\":\"states\",\"operation\":\"StartExecution\",\"error\":\"ThrottlingException\",\"count\":1}");
    String machine = "arn:aws:states:us-east-1:000000000000:stateMachine:nudge-journey";
    try (SfnClient sfn = noRetries(SfnClient.builder())) {
      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("throttled").input("{\"key\":\"t\"}")))
          .isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.isThrottlingException()).isTrue();
          });
      assertThat(sfn.startExecution(b -> b.stateMachineArn(machine).name("throttled").input("{\"key\":\"t\"}"))
          .executionArn()).endsWith(":throttled");
    }
  }

  @Test
  void snsAnswersInItsQueryProtocolsXml() throws Exception {
    inject("{\"service\":\"sns\",\"operation\":\"Publish\",\"error\":\"Throttling\",\"count\":1}");
    try (SnsClient sns = noRetries(SnsClient.builder())) {
      assertThatThrownBy(() -> sns.publish(b -> b.phoneNumber("+14155550100").message("hi")))
          .isInstanceOfSatisfying(SnsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
          });
    }
  }

  @Test
  void latencyDelaysTheCallAndThenLetsItThrough() throws Exception {
    inject("{\"service\":\"dynamodb\",\"operation\":\"GetItem\",\"latencyMs\":400,\"count\":1}");
    try (DynamoDbClient dynamo = noRetries(DynamoDbClient.builder())) {
      long start = System.nanoTime();
      dynamo.getItem(b -> b.tableName(ITEMS).key(Map.of("pk", AttributeValue.fromS("faults"), "sk", AttributeValue.fromS("slow"))));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
  }

  @Test
  void aProbabilityFailsTheCallsItsSeedPicksAndTheSameSeedPicksTheSameCalls() throws Exception {
    inject("{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"TooManyRequestsException\",\"probability\":0.3,"
        + "\"seed\":7}");
    List<Boolean> failed = sends(20);
    Random expected = new Random(7);
    List<Boolean> predicted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      predicted.add(expected.nextDouble() < 0.3);
    }
    assertThat(failed).isEqualTo(predicted).contains(true, false);

    // Without a seed of its own a fault draws one from the switch's generator: seed that, and runs repeat.
    call("DELETE", "");
    cloud.faults().seed(42);
    cloud.faults().add("{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"TooManyRequestsException\",\"probability\":0.5}");
    List<Boolean> first = sends(12);
    call("DELETE", "");
    cloud.faults().seed(42);
    cloud.faults().add("{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"TooManyRequestsException\",\"probability\":0.5}");
    assertThat(sends(12)).isEqualTo(first);
  }

  private static List<Boolean> sends(int n) {
    List<Boolean> failed = new ArrayList<>();
    try (SesV2Client ses = noRetries(SesV2Client.builder())) {
      for (int i = 0; i < n; i++) {
        try {
          send(ses);
          failed.add(false);
        } catch (TooManyRequestsException e) {
          failed.add(true);
        }
      }
    }
    return failed;
  }

  @Test
  void aLambdaCrashAfterTheHandlerRanLosesTheResponseButNotTheWork() throws Exception {
    var function = cloud.functions().find("SesEventsFunction");
    RecordingHandler.received(function.name()).clear();
    inject("{\"service\":\"lambda\",\"function\":\"SesEventsFunction\",\"crash\":true,\"count\":1}");
    Invocation crashed = cloud.functions().invoke(function, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(crashed.failed()).isTrue();
    assertThat(crashed.errorType()).isEqualTo("Runtime.ExitError");
    assertThat(crashed.errorMessage()).contains("Runtime exited with error: signal: killed");
    assertThat(RecordingHandler.received(function.name()).poll(1, TimeUnit.SECONDS)).as("the handler ran").isNotNull();
    assertThat(cloud.functions().invoke(function, "{\"n\":2}".getBytes(StandardCharsets.UTF_8)).failed()).isFalse();
  }

  @Test
  void aLambdaCrashBeforeTheHandlerDoesNothingAndTheHttpApiAnswers500() throws Exception {
    inject("{\"service\":\"lambda\",\"function\":\"ApiFunction\",\"crash\":true,\"at\":\"before\",\"count\":1}");
    HttpResponse<String> crashed = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/items/1")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(crashed.statusCode()).isEqualTo(500);
    HttpResponse<String> next = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/items/1")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(next.statusCode()).isEqualTo(200);
    var function = cloud.functions().find("DomainFunction");
    RecordingHandler.received(function.name()).clear();
    inject("{\"service\":\"lambda\",\"function\":\"DomainFunction\",\"crash\":true,\"at\":\"before\",\"count\":1}");
    assertThat(cloud.functions().invoke(function, "{}".getBytes(StandardCharsets.UTF_8)).errorType())
        .isEqualTo("Runtime.ExitError");
    assertThat(RecordingHandler.received(function.name()).poll(300, TimeUnit.MILLISECONDS)).as("not run").isNull();
  }

  @Test
  void aFailedStreamBatchIsRetriedByTheEventSourceMappingAndDeliveredOnce() throws Exception {
    StreamPoller poller = cloud.pollers().stream().filter(p -> p.config().functionLogicalId().equals("StreamFunction"))
        .findFirst().orElseThrow();
    var received = RecordingHandler.received(cloud.functions().find("StreamFunction").name());
    int failuresBefore = poller.failures().size();
    inject("{\"service\":\"streams\",\"function\":\"StreamFunction\",\"failBatch\":true,\"count\":1}");
    try (DynamoDbClient dynamo = noRetries(DynamoDbClient.builder())) {
      put(dynamo, "streamed-once");
    }
    List<String> delivered = new ArrayList<>();
    assertThat(TestClouds.eventually(Duration.ofSeconds(15), () -> {
      JsonNode batch;
      while ((batch = received.poll()) != null) {
        batch.path("Records").forEach(r -> delivered.add(r.path("dynamodb").path("Keys").path("sk").path("S").asText()));
      }
      return delivered.contains("streamed-once");
    })).isTrue();
    Thread.sleep(1000);
    JsonNode batch;
    while ((batch = received.poll()) != null) {
      batch.path("Records").forEach(r -> delivered.add(r.path("dynamodb").path("Keys").path("sk").path("S").asText()));
    }
    assertThat(delivered.stream().filter("streamed-once"::equals)).hasSize(1);
    assertThat(poller.failures()).hasSize(failuresBefore);
    assertThat(cloud.log().recent(200)).anyMatch(e -> e.summary().contains("stream batch failed by fault"));
  }

  @Test
  void listsActiveFaultsWithWhatRemainsAndDeleteClearsThem() throws Exception {
    inject("{\"service\":\"dynamodb\",\"operation\":\"PutItem\",\"error\":\"ProvisionedThroughputExceededException\",\"count\":3}");
    inject("{\"service\":\"ses\",\"operation\":\"SendEmail\",\"latencyMs\":200,\"probability\":0.1}");
    try (DynamoDbClient dynamo = noRetries(DynamoDbClient.builder())) {
      assertThatThrownBy(() -> put(dynamo, "listed")).isInstanceOf(ProvisionedThroughputExceededException.class);
      JsonNode listed = JSON.readTree(call("GET", "").body()).path("faults");
      assertThat(listed).hasSize(2);
      assertThat(listed.get(0).path("service").asText()).isEqualTo("dynamodb");
      assertThat(listed.get(0).path("remaining").asInt()).isEqualTo(2);
      assertThat(listed.get(0).path("fired").asInt()).isEqualTo(1);
      assertThat(listed.get(1).path("probability").asDouble()).isEqualTo(0.1);
      assertThat(listed.get(1).has("remaining")).isFalse();

      HttpResponse<String> cleared = call("DELETE", "");
      assertThat(JSON.readTree(cleared.body()).path("cleared").asInt()).isEqualTo(2);
      assertThat(JSON.readTree(call("GET", "").body()).path("faults")).isEmpty();
      put(dynamo, "listed");
    }
  }

  @Test
  void refusesBadBodiesNamingTheField() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("not json", "body");
    cases.put("[1]", "[0].body");
    cases.put("{\"service\":\"dynamo\",\"error\":\"X\"}", "service");
    cases.put("{\"error\":\"ThrottlingException\"}", "service");
    cases.put("{\"service\":\"dynamodb\"}", "error");
    cases.put("{\"service\":\"dynamodb\",\"error\":\"ThrottlingException\",\"count\":0}", "count");
    cases.put("{\"service\":\"dynamodb\",\"error\":\"ThrottlingException\",\"count\":\"3\"}", "count");
    cases.put("{\"service\":\"ses\",\"error\":\"MessageRejected\",\"probability\":1.5}", "probability");
    cases.put("{\"service\":\"ses\",\"error\":\"MessageRejected\",\"status\":200}", "status");
    cases.put("{\"service\":\"ses\",\"latencyMs\":-1}", "latencyMs");
    cases.put("{\"service\":\"ses\",\"error\":\"MessageRejected\",\"colour\":\"red\"}", "colour");
    cases.put("{\"service\":\"ses\",\"operation\":\"Send Email\",\"error\":\"MessageRejected\"}", "operation");
    cases.put("{\"service\":\"lambda\",\"crash\":true}", "function");
    cases.put("{\"service\":\"lambda\",\"function\":\"NoSuchFunction\",\"crash\":true}", "function");
    cases.put("{\"service\":\"lambda\",\"function\":\"ApiFunction\"}", "crash");
    cases.put("{\"service\":\"lambda\",\"function\":\"ApiFunction\",\"crash\":true,\"at\":\"during\"}", "at");
    cases.put("{\"service\":\"streams\",\"function\":\"ApiFunction\",\"failBatch\":true}", "function");
    cases.put("{\"service\":\"dynamodb\",\"crash\":true}", "crash");
    cases.put("{\"service\":\"dynamodb\",\"table\":\"NoSuchTable\",\"error\":\"ThrottlingException\"}", "table");
    cases.put("{\"service\":\"ses\",\"table\":\"Settings\",\"error\":\"ThrottlingException\"}", "table");
    cases.put("[{\"service\":\"ses\",\"error\":\"MessageRejected\"},{\"service\":\"ses\"}]", "[1].error");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = call("POST", c.getKey());
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
      JsonNode error = JSON.readTree(response.body());
      assertThat(error.path("field").asText()).as(c.getKey() + " → " + response.body()).isEqualTo(c.getValue());
      assertThat(error.path("message").asText()).startsWith(c.getValue() + ":");
    }
    assertThat(JSON.readTree(call("GET", "").body()).path("faults")).as("nothing half-added").isEmpty();
  }
}
