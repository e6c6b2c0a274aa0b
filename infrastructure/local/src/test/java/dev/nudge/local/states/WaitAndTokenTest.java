package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.states.StatesModel.ExecutionDescription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Wait states and task tokens (Developer Guide: "Wait workflow state", "Wait for a Callback with Task Token"),
 * on the virtual clock: a week passes in one advance() call.
 */
class WaitAndTokenTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private String waitMachine(String waitFields) {
    return h.create("wait" + Math.abs(waitFields.hashCode()), """
        {"StartAt":"W","States":{"W":{"Type":"Wait",%s,"Next":"Done"},"Done":{"Type":"Pass","End":true}}}""".formatted(waitFields));
  }

  @Test
  void waitSecondsFiresWhenTheClockPassesIt() {
    String exec = h.start(waitMachine("\"Seconds\":604800"), "{\"a\":1}");
    h.advance(Duration.ofDays(7).minusSeconds(1));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(1));
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("{\"a\":1}"));
    assertThat(d.stopDate()).isEqualTo(Harness.START.plus(Duration.ofDays(7)));
    assertThat(h.eventTypes(exec)).containsExactly("ExecutionStarted", "WaitStateEntered", "WaitStateExited",
        "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
  }

  @Test
  void consecutiveWaitsPassedByOneAdvanceKeepTheirOwnTimes() {
    String machine = h.create("chain", """
        {"StartAt":"W1","States":{"W1":{"Type":"Wait","Seconds":3600,"Next":"W2"},"W2":{"Type":"Wait","Seconds":3600,"End":true}}}""");
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofDays(7));
    var events = h.history(exec);
    assertThat(events.get(3).type()).isEqualTo("WaitStateEntered");
    assertThat(events.get(3).timestamp()).isEqualTo(Harness.START.plusSeconds(3600));
    assertThat(h.engine.describeExecution(exec).stopDate()).isEqualTo(Harness.START.plusSeconds(7200));
  }

  @Test
  void waitSecondsPathReadsTheInput() {
    String exec = h.start(waitMachine("\"SecondsPath\":\"$.delay\""), "{\"delay\":60}");
    h.advance(Duration.ofSeconds(59));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(1));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void waitTimestampWaitsUntilThatInstant() {
    String exec = h.start(waitMachine("\"Timestamp\":\"2026-03-03T09:00:00Z\""), "{}");
    h.advance(Duration.ofHours(23));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofHours(1));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void waitTimestampPathWithAnOffset() {
    String exec = h.start(waitMachine("\"TimestampPath\":\"$.at\""), "{\"at\":\"2026-03-02T12:00:00+02:00\"}");
    h.advance(Duration.ofMinutes(59));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofMinutes(1));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aTimestampInThePastContinuesAtOnce() {
    String exec = h.start(waitMachine("\"TimestampPath\":\"$.at\""), "{\"at\":\"2020-01-01T00:00:00Z\"}");
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aSecondsPathThatIsNotANumberFailsWithStatesRuntime() {
    String exec = h.start(waitMachine("\"SecondsPath\":\"$.delay\""), "{\"delay\":\"soon\"}");
    assertThat(h.engine.describeExecution(exec).error()).isEqualTo("States.Runtime");
  }

  @Test
  void aScaledClockFiresWaitsWithoutAnyAdvance() throws Exception {
    VirtualClock fast = new VirtualClock(Harness.START, 3600);
    try (Harness scaled = new Harness(null, fast)) {
      String machine = scaled.create("fast", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":1800,\"End\":true}}}");
      String exec = scaled.start(machine, "{}");
      long deadline = System.currentTimeMillis() + 5000;
      while (!scaled.engine.describeExecution(exec).status().equals("SUCCEEDED") && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertThat(scaled.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
    }
  }

  private String tokenMachine(String extra) {
    return h.create("token" + Math.abs(extra.hashCode()), """
        {"StartAt":"WaitForEvent","States":{"WaitForEvent":{"Type":"Task",
          "Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
          "Parameters":{"FunctionName":"register","Payload":{"token.$":"$$.Task.Token","contact.$":"$.contact"}},
          "ResultPath":"$.event","End":true%s}%s}}""".formatted(extra,
        extra.contains("\"Caught\"") ? ",\"Caught\":{\"Type\":\"Pass\",\"End\":true}" : ""));
  }

  private String tokenOf(String exec) {
    h.engine.awaitQuiescence();
    JsonNode payload = h.invoker.requestsFor("register").stream().filter(r -> r.executionArn().equals(exec))
        .reduce((a, b) -> b).orElseThrow().parameters().get("Payload");
    return payload.get("token").asText();
  }

  @Test
  void sendTaskSuccessCompletesTheTaskWithItsOutput() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(""), "{\"contact\":\"c-1\"}");
    String token = tokenOf(exec);
    assertThat(h.invoker.requests.get(0).taskToken()).isEqualTo(token);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.engine.sendTaskSuccess(token, "{\"type\":\"email.opened\"}");
    h.engine.awaitQuiescence();
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("{\"contact\":\"c-1\",\"event\":{\"type\":\"email.opened\"}}"));
    assertThat(h.eventTypes(exec)).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
  }

  @Test
  void theTokenMaySucceedFromInsideTheInvocation() {
    AtomicReference<StatesEngine> engine = new AtomicReference<>(h.engine);
    h.invoker.on("register", r -> {
      engine.get().sendTaskSuccess(r.taskToken(), "\"immediate\"");
      return CompletableFuture.completedFuture(json("{}"));
    });
    String exec = h.start(tokenMachine(""), "{\"contact\":\"c\"}");
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void sendTaskFailureFailsTheTaskIntoItsCatch() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(",\"Catch\":[{\"ErrorEquals\":[\"Contact.Gone\"],\"Next\":\"Caught\"}]"), "{\"contact\":\"c\"}");
    h.engine.sendTaskFailure(tokenOf(exec), "Contact.Gone", "deleted");
    h.engine.awaitQuiescence();
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("{\"Error\":\"Contact.Gone\",\"Cause\":\"deleted\"}"));
  }

  @Test
  void anUnknownTokenIsTaskDoesNotExist() {
    assertThatThrownBy(() -> h.engine.sendTaskSuccess("nope", "{}"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("TaskDoesNotExist"));
  }

  @Test
  void aTokenOfACompletedTaskIsTaskDoesNotExist() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(""), "{\"contact\":\"c\"}");
    String token = tokenOf(exec);
    h.engine.sendTaskSuccess(token, "{}");
    assertThatThrownBy(() -> h.engine.sendTaskSuccess(token, "{}"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("TaskDoesNotExist"));
  }

  @Test
  void aTokenOfAStoppedExecutionIsTaskDoesNotExist() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(""), "{\"contact\":\"c\"}");
    String token = tokenOf(exec);
    h.engine.stopExecution(exec, "Goal.Reached", "ordered");
    assertThatThrownBy(() -> h.engine.sendTaskHeartbeat(token))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("TaskDoesNotExist"));
  }

  /** The design's "wait for an event or time out": TimeoutSeconds and a Catch on States.Timeout. */
  @Test
  void aTokenWhoseTaskTimedOutIsTaskTimedOut() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(",\"TimeoutSeconds\":86400,\"Catch\":[{\"ErrorEquals\":[\"States.Timeout\"],\"Next\":\"Caught\"}]"),
        "{\"contact\":\"c\"}");
    String token = tokenOf(exec);
    h.advance(Duration.ofDays(1));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
    assertThatThrownBy(() -> h.engine.sendTaskSuccess(token, "{}"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("TaskTimedOut"));
  }

  @Test
  void heartbeatsKeepATaskAliveAndTheirAbsenceTimesItOut() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(",\"HeartbeatSeconds\":60,\"Catch\":[{\"ErrorEquals\":[\"States.HeartbeatTimeout\"],\"Next\":\"Caught\"}]"),
        "{\"contact\":\"c\"}");
    String token = tokenOf(exec);
    h.advance(Duration.ofSeconds(50));
    h.engine.sendTaskHeartbeat(token);
    h.advance(Duration.ofSeconds(50));
    h.engine.sendTaskHeartbeat(token);
    h.advance(Duration.ofSeconds(50));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(10));
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output()).get("Error").asText()).isEqualTo("States.HeartbeatTimeout");
  }

  @Test
  void sendTaskSuccessRefusesOutputThatIsNotJson() {
    h.invoker.answer("register", "{}");
    String exec = h.start(tokenMachine(""), "{\"contact\":\"c\"}");
    assertThatThrownBy(() -> h.engine.sendTaskSuccess(tokenOf(exec), "{not json"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("InvalidOutput"));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
  }

  @Test
  void aFailedSubmissionFailsTheTask() {
    h.invoker.fail("register", "Lambda.ServiceException", "down");
    String exec = h.start(tokenMachine(""), "{\"contact\":\"c\"}");
    assertThat(h.engine.describeExecution(exec).error()).isEqualTo("Lambda.ServiceException");
  }
}
