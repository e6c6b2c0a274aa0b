package dev.nudge.workflows.asl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.WorkflowParser;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AslCompilerTest {
  static final String EVERY_KIND = dev.nudge.workflows.Fixtures.EVERY_KIND;

  private static JsonNode state(ObjectNode definition, String name) {
    JsonNode state = definition.get("States").get(name);
    assertThat(state).as("state " + name).isNotNull();
    return state;
  }

  @Test
  void namesStatesAfterStepIdsAndStartsWithEnter() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    List<String> names = new ArrayList<>();
    definition.get("States").fieldNames().forEachRemaining(names::add);
    assertThat(definition.get("StartAt").asText()).isEqualTo("Enter");
    assertThat(names).containsExactly("Enter",
        "hello", "hello.window", "hello.wait", "pause", "morning", "morning.wait", "before-renewal", "before-renewal.wait",
        "opened", "text", "text.window", "text.wait", "decide", "decide.choose", "crm", "tag", "other", "ab", "bye",
        "Complete", "RecordFailure", "Failed");
  }

  @Test
  void aPublishedDefinitionCarriesItsVersionInEveryStepPayloadAndADraftsCarriesNone() {
    var workflow = WorkflowParser.parse(EVERY_KIND).workflow();
    List<String> published = new ArrayList<>();
    AslCompiler.compile(workflow, 7).get("States").forEach(state -> {
      JsonNode payload = state.path("Parameters").path("Payload");
      if (payload.has("action")) {
        published.add(payload.path("version").asText("missing"));
      }
    });
    assertThat(published).hasSize(13).containsOnly("7");
    List<JsonNode> draft = new ArrayList<>();
    AslCompiler.compile(workflow).get("States").forEach(state -> {
      if (state.path("Parameters").path("Payload").has("version")) {
        draft.add(state);
      }
    });
    assertThat(draft).isEmpty();
  }

  @Test
  void everyTaskRetriesTransientLambdaErrorsAndCatchesFailures() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    Iterator<Map.Entry<String, JsonNode>> states = definition.get("States").fields();
    int tasks = 0;
    while (states.hasNext()) {
      Map.Entry<String, JsonNode> entry = states.next();
      JsonNode state = entry.getValue();
      if (!state.path("Type").asText().equals("Task")) {
        continue;
      }
      tasks++;
      assertThat(state.path("Parameters").path("FunctionName").asText()).isEqualTo("${StepFunctionArn}");
      List<String> retried = new ArrayList<>();
      state.path("Retry").get(0).path("ErrorEquals").forEach(e -> retried.add(e.asText()));
      assertThat(retried).as(entry.getKey()).containsExactlyElementsOf(AslCompiler.TRANSIENT_LAMBDA_ERRORS);
      assertThat(state.path("Retry").get(0).path("BackoffRate").asDouble()).isGreaterThan(1);
      JsonNode last = state.path("Catch").get(state.path("Catch").size() - 1);
      assertThat(last.path("ErrorEquals").get(0).asText()).as(entry.getKey()).isEqualTo("States.ALL");
      assertThat(last.path("Next").asText()).isEqualTo(entry.getKey().equals("RecordFailure") ? "Failed" : "RecordFailure");
    }
    assertThat(tasks).isEqualTo(13);
  }

  @Test
  void passesTheIdempotencyKeyAndTheContactToEveryAction() {
    JsonNode payload = state(Compiled.inline(EVERY_KIND), "tag").path("Parameters").path("Payload");
    assertThat(payload.path("executionId.$").asText()).isEqualTo("$$.Execution.Id");
    assertThat(payload.path("stateName.$").asText()).isEqualTo("$$.State.Name");
    assertThat(payload.path("stateEnteredTime.$").asText()).isEqualTo("$$.State.EnteredTime");
    assertThat(payload.path("contact.$").asText()).isEqualTo("$.contact");
    assertThat(payload.path("action").asText()).isEqualTo("update");
    assertThat(WorkflowParser.parseStep(payload.path("step")).action())
        .isInstanceOf(Step.Update.class);
  }

  @Test
  void waitForUsesATaskTokenWithTimeoutAndCatchesTheTimeout() {
    JsonNode opened = state(Compiled.inline(EVERY_KIND), "opened");
    assertThat(opened.path("Resource").asText()).isEqualTo("arn:aws:states:::lambda:invoke.waitForTaskToken");
    assertThat(opened.path("Parameters").path("Payload").path("taskToken.$").asText()).isEqualTo("$$.Task.Token");
    assertThat(opened.path("TimeoutSeconds").asLong()).isEqualTo(2 * 86_400);
    assertThat(opened.path("Next").asText()).isEqualTo("decide");
    JsonNode timeout = opened.path("Catch").get(0);
    assertThat(timeout.path("ErrorEquals").get(0).asText()).isEqualTo("States.Timeout");
    assertThat(timeout.path("Next").asText()).isEqualTo("text");
  }

  @Test
  void fixedWaitsAreWaitSecondsAndComputedWaitsUseATimestamp() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    assertThat(state(definition, "pause").path("Seconds").asLong()).isEqualTo(7200);
    assertThat(state(definition, "morning").path("Parameters").path("Payload").path("action").asText()).isEqualTo("timer");
    assertThat(state(definition, "morning.wait").path("TimestampPath").asText()).isEqualTo("$.timer.at");
  }

  @Test
  void splitIsAChoiceOnTheBucketComputedAtEntry() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    assertThat(state(definition, "Enter").path("ResultPath").asText()).isEqualTo("$.journey");
    JsonNode ab = state(definition, "ab");
    assertThat(ab.path("Type").asText()).isEqualTo("Choice");
    assertThat(ab.path("Choices").get(0).path("Variable").asText()).isEqualTo("$.journey.bucket");
    assertThat(ab.path("Choices").get(0).path("NumericLessThan").asInt()).isEqualTo(30);
    assertThat(ab.path("Choices").get(0).path("Next").asText()).isEqualTo("bye");
    assertThat(ab.path("Default").asText()).isEqualTo("other");
  }

  @Test
  void branchEvaluatesOnceThenChoosesByCaseIndex() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    assertThat(state(definition, "decide").path("Next").asText()).isEqualTo("decide.choose");
    JsonNode choose = state(definition, "decide.choose");
    assertThat(choose.path("Choices")).hasSize(2);
    assertThat(choose.path("Choices").get(1).path("NumericEquals").asInt()).isEqualTo(1);
    assertThat(choose.path("Choices").get(1).path("Next").asText()).isEqualTo("ab");
    assertThat(choose.path("Default").asText()).isEqualTo("bye");
  }

  @Test
  void aWindowedSendWaitsForTheOpeningOnlyWhenDeferred() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    assertThat(state(definition, "hello").path("Next").asText()).isEqualTo("hello.window");
    JsonNode window = state(definition, "hello.window");
    assertThat(window.path("Choices").get(0).path("StringEquals").asText()).isEqualTo("deferred");
    assertThat(window.path("Default").asText()).isEqualTo("pause");
    assertThat(state(definition, "hello.wait").path("TimestampPath").asText()).isEqualTo("$.send.resumeAt");
    assertThat(state(definition, "hello.wait").path("Next").asText()).isEqualTo("hello");
  }

  @Test
  void aSendWithoutWindowIsOneTask() {
    ObjectNode definition = Compiled.definition("welcome-series");
    assertThat(state(definition, "welcome").path("Next").asText()).isEqualTo("wait-2d");
    assertThat(definition.get("States").has("welcome.window")).isFalse();
  }

  @Test
  void webhookRetriesItsOwnFailuresAsConfigured() {
    JsonNode crm = state(Compiled.inline(EVERY_KIND), "crm");
    JsonNode retrier = null;
    for (JsonNode r : crm.path("Retry")) {
      if (r.path("ErrorEquals").get(0).asText().equals(AslCompiler.WEBHOOK_FAILED)) {
        retrier = r;
      }
    }
    assertThat(retrier).as("a retrier for webhook failures").isNotNull();
    assertThat(retrier.path("MaxAttempts").asInt()).isEqualTo(2);
  }

  @Test
  void endsInCompleteOrExitAndFailsSayingWhy() {
    ObjectNode definition = Compiled.inline(EVERY_KIND);
    assertThat(state(definition, "other").path("Next").asText()).isEqualTo("Complete");
    assertThat(state(definition, "Complete").path("End").asBoolean()).isTrue();
    assertThat(state(definition, "bye").path("End").asBoolean()).isTrue();
    JsonNode failed = state(definition, "Failed");
    assertThat(failed.path("Type").asText()).isEqualTo("Fail");
    assertThat(failed.path("CausePath").asText()).isEqualTo("$.error.Cause");
    assertThat(state(definition, "RecordFailure").path("Parameters").path("Payload").path("error.$").asText())
        .isEqualTo("$.error");
  }
}
