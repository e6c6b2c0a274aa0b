package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Input and output processing in AWS's order: InputPath, Parameters, ResultSelector, ResultPath, OutputPath.
 * Examples follow the Step Functions Developer Guide, "Processing input and output in Step Functions"
 * (InputPath, ResultPath and OutputPath examples) and the ASL specification's "Input and Output Processing".
 */
class InputOutputProcessingTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void passResultReplacesTheInputByDefault() {
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"End":true}}}""", "{\"old\":true}");
    assertThat(json(d.output())).isEqualTo(json("{\"x\":1}"));
  }

  @Test
  void passWithoutResultOrParametersPassesItsInput() {
    ExecutionDescription d = h.run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}", "{\"a\":[1,2]}");
    assertThat(json(d.output())).isEqualTo(json("{\"a\":[1,2]}"));
  }

  /** Developer Guide, "Specifying state output using ResultPath": the result merged under $.taskresult. */
  @Test
  void resultPathMergesTheResultIntoTheInput() {
    h.invoker.answer("HelloFunction", "\"Hello, AWS Step Functions!\"");
    ExecutionDescription d = h.run("""
        {"StartAt":"Hello","States":{"Hello":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"HelloFunction","Payload.$":"$"},"ResultSelector":{"greeting.$":"$.Payload"},
          "ResultPath":"$.taskresult","End":true}}}""",
        "{\"comment\":\"This is a test of the input and output of a Task state.\",\"details\":\"Default example\",\"who\":\"AWS Step Functions\"}");
    assertThat(json(d.output())).isEqualTo(json("""
        {"comment":"This is a test of the input and output of a Task state.","details":"Default example",
         "who":"AWS Step Functions","taskresult":{"greeting":"Hello, AWS Step Functions!"}}"""));
  }

  /** Developer Guide, "Example: Manipulating state data with paths in Step Functions workflows". */
  @Test
  void inputPathResultPathAndOutputPathTogether() {
    h.invoker.on("arn:aws:lambda:us-east-1:123456789012:function:HelloFunction", r ->
        java.util.concurrent.CompletableFuture.completedFuture(json("\"Hello, " + r.parameters().get("who").asText() + "!\"")));
    ExecutionDescription d = h.run("""
        {"StartAt":"HelloWorld","States":{"HelloWorld":{"Type":"Task",
          "Resource":"arn:aws:lambda:us-east-1:123456789012:function:HelloFunction",
          "InputPath":"$.lambda","ResultPath":"$.data.lambdaresult","OutputPath":"$.data","End":true}}}""",
        "{\"comment\":\"An input comment.\",\"data\":{\"val1\":23,\"val2\":17},\"extra\":\"foo\",\"lambda\":{\"who\":\"AWS Step Functions\"}}");
    assertThat(json(d.output())).isEqualTo(json("{\"val1\":23,\"val2\":17,\"lambdaresult\":\"Hello, AWS Step Functions!\"}"));
  }

  /** ResultPath applies to the state's raw input, not to the input after InputPath (Developer Guide, ResultPath). */
  @Test
  void resultPathWritesIntoTheRawInputNotTheInputPathSelection() {
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.inner","Parameters":{"v.$":"$.v"},
          "ResultPath":"$.copied","End":true}}}""", "{\"inner\":{\"v\":7},\"keep\":1}");
    assertThat(json(d.output())).isEqualTo(json("{\"inner\":{\"v\":7},\"keep\":1,\"copied\":{\"v\":7}}"));
  }

  @Test
  void resultPathNullDiscardsTheResult() {
    h.invoker.answer("f", "{\"ignored\":true}");
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"f"},"ResultPath":null,"End":true}}}""", "{\"orig\":1}");
    assertThat(json(d.output())).isEqualTo(json("{\"orig\":1}"));
  }

  @Test
  void inputPathNullGivesAnEmptyObject() {
    ExecutionDescription d = h.run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"InputPath\":null,\"End\":true}}}",
        "{\"a\":1}");
    assertThat(json(d.output())).isEqualTo(json("{}"));
  }

  @Test
  void outputPathNullGivesAnEmptyObject() {
    ExecutionDescription d = h.run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"OutputPath\":null,\"End\":true}}}",
        "{\"a\":1}");
    assertThat(json(d.output())).isEqualTo(json("{}"));
  }

  @Test
  void parametersReadTheContextObject() {
    String machine = h.create("ctx", """
        {"StartAt":"Read","States":{"Read":{"Type":"Pass","Parameters":{
          "id.$":"$$.Execution.Id","name.$":"$$.Execution.Name","start.$":"$$.Execution.StartTime",
          "input.$":"$$.Execution.Input","state.$":"$$.State.Name","entered.$":"$$.State.EnteredTime",
          "machine.$":"$$.StateMachine.Id","machineName.$":"$$.StateMachine.Name"},"End":true}}}""");
    String exec = h.engine.startExecution(machine, "run-1", "{\"k\":\"v\"}").executionArn();
    h.engine.awaitQuiescence();
    assertThat(json(h.engine.describeExecution(exec).output())).isEqualTo(json("""
        {"id":"arn:aws:states:us-east-1:123456789012:execution:ctx:run-1","name":"run-1",
         "start":"2026-03-02T09:00:00.000Z","input":{"k":"v"},"state":"Read","entered":"2026-03-02T09:00:00.000Z",
         "machine":"arn:aws:states:us-east-1:123456789012:stateMachine:ctx","machineName":"ctx"}"""));
  }

  @Test
  void parametersCallIntrinsicFunctions() {
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('Hello, {}!', $.name)"},"End":true}}}""",
        "{\"name\":\"Ada\"}");
    assertThat(json(d.output())).isEqualTo(json("{\"greeting\":\"Hello, Ada!\"}"));
  }

  @Test
  void anInputPathThatSelectsNothingFailsTheExecutionWithStatesRuntime() {
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.missing","End":true}}}""", "{}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.Runtime");
    assertThat(d.cause()).startsWith("An error occurred while executing the state 'A' (entered at the event id #2). ");
  }

  /** Developer Guide, "Error handling": a Catch on States.ALL does not catch States.Runtime. */
  @Test
  void statesRuntimeIsNotCaughtByStatesAll() {
    h.invoker.answer("f", "{}");
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","InputPath":"$.missing",
          "Parameters":{"FunctionName":"f"},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
          "Caught":{"Type":"Succeed"}}}""", "{}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.Runtime");
  }

  /** Developer Guide, "Call Lambda with Step Functions": the request-response output shape. */
  @Test
  void lambdaInvokeReturnsAwsResponseShape() {
    h.invoker.answer("f", "{\"ok\":true}");
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"f","Payload":{}},"End":true}}}""", "{}");
    var out = json(d.output());
    assertThat(out.get("Payload")).isEqualTo(json("{\"ok\":true}"));
    assertThat(out.get("StatusCode").asInt()).isEqualTo(200);
    assertThat(out.get("ExecutedVersion").asText()).isEqualTo("$LATEST");
    assertThat(out.at("/SdkHttpMetadata/HttpStatusCode").asInt()).isEqualTo(200);
    assertThat(out.at("/SdkResponseMetadata/RequestId").asText()).isNotEmpty();
  }

  @Test
  void anEventInvocationIsAcceptedWithoutPayload() {
    h.invoker.answer("f", "{\"ignored\":true}");
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"f","InvocationType":"Event","Payload":{}},"End":true}}}""", "{}");
    var out = json(d.output());
    assertThat(out.get("StatusCode").asInt()).isEqualTo(202);
    assertThat(out.get("Payload").asText()).isEmpty();
  }

  @Test
  void optimizedIntegrationsAddTheSdkMetadataStepFunctionsAdds() {
    h.invoker.answer("arn:aws:states:::sns:publish", "{\"MessageId\":\"m-1\"}");
    h.invoker.answer("arn:aws:states:::dynamodb:getItem", "{\"Item\":{\"id\":{\"S\":\"c-1\"}}}");
    h.invoker.answer("arn:aws:states:::events:putEvents", "{\"Entries\":[{\"EventId\":\"e-1\"}],\"FailedEntryCount\":0}");
    ExecutionDescription d = h.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"Sns","States":{"Sns":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"Message":"hi"},"End":true}}},
          {"StartAt":"Get","States":{"Get":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem",
            "Parameters":{"TableName":"t","Key":{"id":{"S":"c-1"}}},"End":true}}},
          {"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
            "Parameters":{"Entries":[{"Detail":{}}]},"End":true}}}]}}}""", "{}");
    var out = json(d.output());
    assertThat(out.get(0).get("MessageId").asText()).isEqualTo("m-1");
    assertThat(out.get(0).at("/SdkHttpMetadata/HttpStatusCode").asInt()).isEqualTo(200);
    assertThat(out.get(1).at("/Item/id/S").asText()).isEqualTo("c-1");
    assertThat(out.get(1).has("SdkResponseMetadata")).isTrue();
    assertThat(out.get(2)).isEqualTo(json("{\"Entries\":[{\"EventId\":\"e-1\"}],\"FailedEntryCount\":0}"));
  }

  @Test
  void aFunctionArnResourceReturnsThePayloadItself() {
    h.invoker.answer("arn:aws:lambda:us-east-1:123456789012:function:f", "{\"ok\":true}");
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}""", "{}");
    assertThat(json(d.output())).isEqualTo(json("{\"ok\":true}"));
  }

  @Test
  void theInvokerReceivesTheEffectiveParametersAndTheCallersIdentity() {
    h.invoker.answer("arn:aws:states:::dynamodb:putItem", "{}");
    String machine = h.create("ddb", """
        {"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem",
          "Parameters":{"TableName":"contacts","Item":{"id":{"S.$":"$.id"}}},"ResultPath":null,"End":true}}}""");
    String exec = h.start(machine, "{\"id\":\"c-1\"}");
    TaskRequest request = h.invoker.requests.get(0);
    assertThat(request.parameters()).isEqualTo(json("{\"TableName\":\"contacts\",\"Item\":{\"id\":{\"S\":\"c-1\"}}}"));
    assertThat(request.executionArn()).isEqualTo(exec);
    assertThat(request.stateMachineArn()).isEqualTo(machine);
    assertThat(request.stateName()).isEqualTo("Put");
    assertThat(request.taskToken()).isNull();
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }
}
