package dev.nudge.local.states;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CreateStateMachine refuses what AWS refuses, and what this engine cannot run, with InvalidDefinition. */
class DefinitionValidationTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private StatesApiException refused(String definition) {
    try {
      h.create("refused", definition);
    } catch (StatesApiException e) {
      assertThat(e.errorType()).isEqualTo("InvalidDefinition");
      assertThat(e.getMessage()).startsWith("Invalid State Machine Definition: '");
      assertThat(h.engine.listStateMachines(null, null).items()).isEmpty();
      return e;
    }
    throw new AssertionError("definition was accepted: " + definition);
  }

  @Test
  void acceptsAMinimalDefinition() {
    String arn = h.create("ok", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}");
    assertThat(arn).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:ok");
  }

  @Test
  void rejectsJsonThatDoesNotParse() {
    assertThat(refused("{\"StartAt\":").getMessage()).contains("INVALID_JSON_DESCRIPTION");
  }

  @Test
  void rejectsAnUnknownStateType() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Sleep\",\"End\":true}}}").getMessage())
        .contains("SCHEMA_VALIDATION_FAILED").contains("/States/A/Type");
  }

  @Test
  void rejectsAStateWithNeitherNextNorEnd() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\"},\"B\":{\"Type\":\"Succeed\"}}}").getMessage())
        .contains("[Next, End]").contains("at /States/A");
  }

  @Test
  void rejectsAStateWithBothNextAndEnd() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\",\"End\":true},\"B\":{\"Type\":\"Succeed\"}}}")
        .getMessage()).contains("There should only be one of the following fields: [Next, End] at /States/A");
  }

  @Test
  void rejectsANextThatNamesNoState() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"Nope\"},\"B\":{\"Type\":\"Succeed\"}}}")
        .getMessage()).contains("MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next");
  }

  @Test
  void rejectsAnUnreachableState() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"},\"B\":{\"Type\":\"Succeed\"}}}").getMessage())
        .contains("MISSING_TRANSITION_TARGET: State \"B\" is not reachable. at /States/B");
  }

  @Test
  void rejectsAWorkflowWithoutTerminalState() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"Next\":\"A\"}}}")
        .getMessage()).contains("MISSING_END_STATE: Workflow has no terminal state");
  }

  @Test
  void rejectsAStartAtThatNamesNoState() {
    assertThat(refused("{\"StartAt\":\"X\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}").getMessage())
        .contains("Missing 'StartAt' target: X");
  }

  @Test
  void rejectsAFieldTheStateTypeDoesNotSupport() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"TimeoutSeconds\":5,\"End\":true}}}").getMessage())
        .contains("Field 'TimeoutSeconds' is not supported at /States/A");
  }

  @Test
  void rejectsAnUnsupportedTaskResourceAtCreation() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\",\"End\":true}}}")
        .getMessage()).contains("arn:aws:states:::sqs:sendMessage").contains("/States/A/Resource");
  }

  @Test
  void rejectsTheSyncIntegrationPatternItDoesNotImplement() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::states:startExecution.sync:2\",\"End\":true}}}")
        .getMessage()).contains("sync");
  }

  @Test
  void rejectsWaitForTaskTokenOnDynamoDb() {
    refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::dynamodb:putItem.waitForTaskToken\",\"End\":true}}}");
  }

  @Test
  void rejectsActivities() {
    refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:us-east-1:123456789012:activity:x\",\"End\":true}}}");
  }

  @Test
  void acceptsEverySupportedResource() {
    for (String r : new String[] {"arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "arn:aws:states:::dynamodb:getItem", "arn:aws:states:::dynamodb:putItem", "arn:aws:states:::dynamodb:updateItem",
        "arn:aws:states:::dynamodb:deleteItem", "arn:aws:states:::sns:publish", "arn:aws:states:::events:putEvents",
        "arn:aws:states:::states:startExecution", "arn:aws:lambda:us-east-1:123456789012:function:send-email"}) {
      h.create("r" + Math.abs(r.hashCode()), "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"" + r + "\",\"End\":true}}}");
    }
    assertThat(h.engine.listStateMachines(null, null).items()).hasSize(10);
  }

  @Test
  void rejectsAnAwsSdkIntegrationTheInvokerDoesNotDeclare() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::aws-sdk:sesv2:sendEmail\",\"End\":true}}}")
        .getMessage()).contains("aws-sdk:sesv2:sendEmail");
  }

  @Test
  void runsAnAwsSdkIntegrationTheInvokerDeclares() {
    TaskInvoker sdk = new TaskInvoker() {
      @Override
      public java.util.concurrent.CompletionStage<com.fasterxml.jackson.databind.JsonNode> invoke(TaskRequest r) {
        return java.util.concurrent.CompletableFuture.completedFuture(Harness.json("{\"MessageId\":\"m-1\"}"));
      }

      @Override
      public boolean supports(String resource) {
        return resource.equals("arn:aws:states:::aws-sdk:sesv2:sendEmail");
      }
    };
    try (StatesEngine engine = new StatesEngine(h.clock, sdk, null)) {
      String machine = engine.createStateMachine("sdk", """
          {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sesv2:sendEmail","End":true}}}""",
          Harness.ROLE, null, false, null).stateMachineArn();
      String exec = engine.startExecution(machine, "e", "{}").executionArn();
      engine.awaitQuiescence();
      assertThat(engine.describeExecution(exec).output()).isEqualTo("{\"MessageId\":\"m-1\"}");
      var scheduled = engine.getExecutionHistory(exec, false, 100, null, true).items().stream()
          .filter(e -> e.type().equals("TaskScheduled")).findFirst().orElseThrow();
      assertThat(scheduled.details().get("resourceType").asText()).isEqualTo("aws-sdk:sesv2");
      assertThat(scheduled.details().get("resource").asText()).isEqualTo("sendEmail");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.createStateMachine("sync", """
          {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sesv2:sendEmail.sync","End":true}}}""",
          Harness.ROLE, null, false, null)).isInstanceOf(StatesApiException.class);
    }
  }

  @Test
  void rejectsJsonataAsUnsupported() {
    assertThat(refused("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}").getMessage())
        .contains("JSONata");
  }

  @Test
  void rejectsVariablesAsUnsupported() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"x\":1},\"End\":true}}}").getMessage())
        .contains("Field 'Assign' is not supported by the local Step Functions engine");
  }

  @Test
  void rejectsStatesAllThatIsNotTheLastCatcher() {
    assertThat(refused("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
          "Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},{"ErrorEquals":["X"],"Next":"B"}]},"B":{"Type":"Succeed"}}}""")
        .getMessage()).contains("States.ALL").contains("/States/A/Catch[0]");
  }

  @Test
  void rejectsStatesAllTogetherWithOtherNames() {
    refused("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
          "Retry":[{"ErrorEquals":["States.ALL","X"]}]}}}""");
  }

  @Test
  void rejectsAHeartbeatNotShorterThanTheTimeout() {
    refused("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
          "TimeoutSeconds":10,"HeartbeatSeconds":10,"End":true}}}""");
  }

  @Test
  void rejectsAWaitWithTwoDurations() {
    assertThat(refused("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Wait\",\"Seconds\":1,\"SecondsPath\":\"$.s\",\"End\":true}}}")
        .getMessage()).contains("There should only be one of the following fields");
  }

  @Test
  void rejectsABranchThatJumpsOutOfItsParallel() {
    assertThat(refused("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done","Branches":[
          {"StartAt":"B1","States":{"B1":{"Type":"Pass","Next":"Done"}}}]},"Done":{"Type":"Succeed"}}}""")
        .getMessage()).contains("Missing 'Next' target: Done at /States/P/Branches[0]/States/B1/Next");
  }

  @Test
  void rejectsDistributedMap() {
    refused("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
          "StartAt":"I","States":{"I":{"Type":"Succeed"}}}}}}""");
  }

  @Test
  void rejectsANegativeRetryBackoff() {
    refused("""
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
          "Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5}]}}}""");
  }

  @Test
  void rejectsAnExpressStateMachine() {
    assertThatThrownBy(() -> h.engine.createStateMachine("x", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}",
        Harness.ROLE, "EXPRESS", false, null)).isInstanceOf(StatesApiException.class);
  }

  @Test
  void rejectsASecondStateMachineWithTheSameNameAndAnotherDefinition() {
    h.create("dup", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}");
    assertThatThrownBy(() -> h.create("dup", "{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Succeed\"}}}"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("StateMachineAlreadyExists"));
  }

  @Test
  void rejectsAnInvalidStateMachineName() {
    assertThatThrownBy(() -> h.create("has space", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("InvalidName"));
  }
}
