package dev.nudge.local.states;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.RoutingConfigurationListItem;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;

/**
 * The JSON 1.0 adapter behind a bare HTTP server, driven by the real AWS SDK v2 Step Functions client: if
 * the SDK parses our answers and errors into its own types, handler code will too.
 */
class StepFunctionsJsonApiTest {
  private Harness h;
  private HttpServer server;
  private SfnClient sfn;

  @BeforeEach
  void start() throws Exception {
    h = new Harness();
    StepFunctionsJsonApi api = new StepFunctionsJsonApi(h.engine);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      ApiResponse response = api.handle(exchange.getRequestHeaders().getFirst("X-Amz-Target"), body);
      byte[] out = response.bodyBytes();
      exchange.getResponseHeaders().add("Content-Type", ApiResponse.CONTENT_TYPE);
      if (response.isError()) exchange.getResponseHeaders().add("x-amzn-ErrorType", response.errorType());
      exchange.sendResponseHeaders(response.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
    sfn = SfnClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterEach
  void stop() {
    sfn.close();
    server.stop(0);
    h.close();
  }

  @Test
  void theSdkCreatesStartsAndDescribesAnExecution() {
    String machine = sfn.createStateMachine(b -> b.name("journey").roleArn(Harness.ROLE)
        .definition("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":{\"ok\":true},\"End\":true}}}"))
        .stateMachineArn();
    var started = sfn.startExecution(b -> b.stateMachineArn(machine).name("contact-1").input("{\"x\":1}"));
    assertThat(started.startDate()).isEqualTo(Harness.START);
    h.engine.awaitQuiescence();
    var described = sfn.describeExecution(b -> b.executionArn(started.executionArn()));
    assertThat(described.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(described.output()).isEqualTo("{\"ok\":true}");
    assertThat(described.stopDate()).isEqualTo(Harness.START);
  }

  @Test
  void awsErrorsBecomeTheSdksTypedExceptions() {
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("bad").roleArn(Harness.ROLE)
        .definition("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Nope\"}}}")))
        .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("/States/A/Type");
    String machine = sfn.createStateMachine(b -> b.name("m").roleArn(Harness.ROLE)
        .definition("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":5,\"End\":true}}}")).stateMachineArn();
    sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input("{\"a\":1}"));
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input("{\"a\":2}")))
        .isInstanceOf(ExecutionAlreadyExistsException.class);
    assertThatThrownBy(() -> sfn.sendTaskSuccess(b -> b.taskToken("unknown").output("{}")))
        .isInstanceOf(TaskDoesNotExistException.class);
  }

  @Test
  void theSdkReadsTheHistoryWithTypedDetails() {
    String machine = sfn.createStateMachine(b -> b.name("m").roleArn(Harness.ROLE)
        .definition("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":5,\"End\":true}}}")).stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"a\":1}")).executionArn();
    h.advance(Duration.ofSeconds(5));
    List<HistoryEvent> events = sfn.getExecutionHistory(b -> b.executionArn(exec)).events();
    assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
        HistoryEventType.WAIT_STATE_ENTERED, HistoryEventType.WAIT_STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED);
    assertThat(events.get(0).executionStartedEventDetails().input()).isEqualTo("{\"a\":1}");
    assertThat(events.get(1).stateEnteredEventDetails().name()).isEqualTo("W");
    assertThat(events.get(2).timestamp()).isEqualTo(Harness.START.plusSeconds(5));
    assertThat(events.get(3).executionSucceededEventDetails().output()).isEqualTo("{\"a\":1}");
  }

  @Test
  void theSdkPublishesAVersionAndRunsThroughAnAlias() {
    String machine = sfn.createStateMachine(b -> b.name("m").roleArn(Harness.ROLE).publish(true)
        .definition("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}")).stateMachineArn();
    String alias = sfn.createStateMachineAlias(b -> b.name("live").routingConfiguration(
        RoutingConfigurationListItem.builder().stateMachineVersionArn(machine + ":1").weight(100).build())).stateMachineAliasArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(alias).input("{}")).executionArn();
    var described = sfn.describeExecution(b -> b.executionArn(exec));
    assertThat(described.stateMachineAliasArn()).isEqualTo(alias);
    assertThat(described.stateMachineVersionArn()).isEqualTo(machine + ":1");
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(alias)).executions()).hasSize(1);
    assertThat(sfn.describeStateMachineAlias(b -> b.stateMachineAliasArn(alias)).routingConfiguration()).hasSize(1);
  }

  @Test
  void theSdkValidatesADefinitionWithDiagnostics() {
    var ok = sfn.validateStateMachineDefinition(b -> b.definition("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"));
    assertThat(ok.resultAsString()).isEqualTo("OK");
    assertThat(ok.diagnostics()).isEmpty();
    var bad = sfn.validateStateMachineDefinition(b -> b.definition(
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"Nope\"},\"B\":{\"Type\":\"Succeed\"}}}"));
    assertThat(bad.resultAsString()).isEqualTo("FAIL");
    assertThat(bad.diagnostics()).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("MISSING_TRANSITION_TARGET");
      assertThat(d.location()).isEqualTo("/States/A/Next");
      assertThat(d.message()).isEqualTo("Missing 'Next' target: Nope");
    });
    assertThat(sfn.listStateMachines().stateMachines()).isEmpty();
  }

  @Test
  void theSdkDescribesTheDefinitionAnExecutionRuns() {
    String machine = sfn.createStateMachine(b -> b.name("m").roleArn(Harness.ROLE)
        .definition("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":5,\"End\":true}}}")).stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
    sfn.updateStateMachine(b -> b.stateMachineArn(machine)
        .definition("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}"));
    var described = sfn.describeStateMachineForExecution(b -> b.executionArn(exec));
    assertThat(described.definition()).contains("Wait");
    assertThat(described.stateMachineArn()).isEqualTo(machine);
  }

  @Test
  void anUnknownOperationIsRefused() {
    ApiResponse r = new StepFunctionsJsonApi(h.engine).handle("AWSStepFunctions.CreateActivity", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorType()).isEqualTo("UnknownOperationException");
  }

  @Test
  void aBodyThatIsNotJsonIsASerializationError() {
    ApiResponse r = new StepFunctionsJsonApi(h.engine).handle("AWSStepFunctions.StartExecution", "{".getBytes(StandardCharsets.UTF_8));
    assertThat(r.errorType()).isEqualTo("SerializationException");
  }

  @Test
  void aMissingRequiredFieldNamesTheField() {
    ApiResponse r = new StepFunctionsJsonApi(h.engine).handle("AWSStepFunctions.StartExecution", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.errorType()).isEqualTo("ValidationException");
    assertThat(r.body().get("message").asText()).contains("stateMachineArn");
  }
}
