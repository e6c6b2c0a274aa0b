package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.states.StatesModel.RoutingEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executions survive close() and a new engine on the same folder: waits, token waits, retries, versions. */
class PersistenceTest {
  @TempDir Path dir;
  private final VirtualClock clock = new VirtualClock(Harness.START, 0);

  @Test
  void aWaitingExecutionResumesAfterARestart() {
    String exec;
    try (Harness before = new Harness(dir, clock)) {
      String machine = before.create("wf", """
          {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"Next":"Done"},"Done":{"Type":"Pass","Result":"done","End":true}}}""");
      exec = before.start(machine, "{\"contact\":\"c-1\"}");
      before.advance(Duration.ofMinutes(30));
    }
    try (Harness after = new Harness(dir, clock)) {
      assertThat(after.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
      after.advance(Duration.ofMinutes(29));
      assertThat(after.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
      after.advance(Duration.ofMinutes(1));
      assertThat(after.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
      assertThat(after.eventTypes(exec)).containsExactly("ExecutionStarted", "WaitStateEntered", "WaitStateExited",
          "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
    }
  }

  @Test
  void aWaitThatFellDueWhileStoppedFiresOnStart() {
    String exec;
    try (Harness before = new Harness(dir, clock)) {
      String machine = before.create("wf", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":60,\"End\":true}}}");
      exec = before.start(machine, "{}");
    }
    clock.advance(Duration.ofDays(2));
    try (Harness after = new Harness(dir, clock)) {
      after.engine.awaitQuiescence();
      assertThat(after.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void aTaskTokenStaysValidAcrossARestart() {
    String exec;
    String token;
    try (Harness before = new Harness(dir, clock)) {
      before.invoker.answer("register", "{}");
      String machine = before.create("wf", """
          {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters":{"FunctionName":"register","Payload":{"token.$":"$$.Task.Token"}},"TimeoutSeconds":86400,"End":true}}}""");
      exec = before.start(machine, "{}");
      token = before.invoker.requests.get(0).taskToken();
    }
    try (Harness after = new Harness(dir, clock)) {
      after.engine.sendTaskSuccess(token, "{\"opened\":true}");
      after.engine.awaitQuiescence();
      assertThat(json(after.engine.describeExecution(exec).output())).isEqualTo(json("{\"opened\":true}"));
      assertThat(after.invoker.requests).isEmpty();
    }
  }

  @Test
  void aTaskTimeoutIsStillEnforcedAfterARestart() {
    String exec;
    String token;
    try (Harness before = new Harness(dir, clock)) {
      before.invoker.answer("register", "{}");
      String machine = before.create("wf", """
          {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters":{"FunctionName":"register","Payload":{"token.$":"$$.Task.Token"}},"TimeoutSeconds":100,"End":true}}}""");
      exec = before.start(machine, "{}");
      token = before.invoker.requests.get(0).taskToken();
    }
    try (Harness after = new Harness(dir, clock)) {
      after.advance(Duration.ofSeconds(100));
      assertThat(after.engine.describeExecution(exec).error()).isEqualTo("States.Timeout");
    }
    try (Harness third = new Harness(dir, clock)) {
      assertThatThrownBy(() -> third.engine.sendTaskSuccess(token, "{}"))
          .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("TaskTimedOut"));
    }
  }

  @Test
  void aRequestResponseTaskInFlightIsCalledAgainAfterARestart() {
    String exec;
    try (Harness before = new Harness(dir, clock)) {
      before.invoker.on("slow", r -> new java.util.concurrent.CompletableFuture<>());
      String machine = before.create("wf", """
          {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
            "Parameters":{"FunctionName":"slow","Payload":{"n":1}},"OutputPath":"$.Payload","End":true}}}""");
      exec = before.start(machine, "{}");
    }
    Harness.ScriptedInvoker restarted = new Harness.ScriptedInvoker();
    restarted.answer("slow", "\"second try\"");
    try (Harness after = new Harness(dir, clock, restarted)) {
      after.engine.awaitQuiescence();
      assertThat(after.invoker.requests).singleElement().satisfies(r -> assertThat(r.parameters().get("Payload"))
          .isEqualTo(json("{\"n\":1}")));
      assertThat(after.engine.describeExecution(exec).output()).isEqualTo("\"second try\"");
    }
  }

  @Test
  void aMapWaitingInItsIterationsResumes() {
    String exec;
    try (Harness before = new Harness(dir, clock)) {
      String machine = before.create("wf", """
          {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
            "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}}}}""");
      exec = before.start(machine, "[1,2,3]");
    }
    try (Harness after = new Harness(dir, clock)) {
      after.advance(Duration.ofSeconds(10));
      after.advance(Duration.ofSeconds(10));
      assertThat(json(after.engine.describeExecution(exec).output())).isEqualTo(json("[1,2,3]"));
    }
  }

  @Test
  void aDamagedExecutionFileDoesNotStopTheOthersFromResuming() throws Exception {
    String exec;
    try (Harness before = new Harness(dir, clock)) {
      String machine = before.create("wf", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":60,\"End\":true}}}");
      exec = before.start(machine, "{}");
    }
    java.nio.file.Files.writeString(dir.resolve("executions/wf/broken.json"), "{\"arn\":");
    try (Harness after = new Harness(dir, clock)) {
      after.advance(Duration.ofSeconds(60));
      assertThat(after.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void aClosedEngineRefusesCalls() {
    Harness closed = new Harness(dir, clock);
    closed.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> closed.engine.listStateMachines(null, null))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void versionsAliasesAndFinishedExecutionsAreKept() {
    String live;
    String done;
    try (Harness before = new Harness(dir, clock)) {
      String machine = before.create("wf", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}");
      String v1 = before.engine.publishStateMachineVersion(machine, null, null).stateMachineVersionArn();
      live = before.engine.createStateMachineAlias("live", null, List.of(new RoutingEntry(v1, 100))).stateMachineAliasArn();
      done = before.start(live, "{\"a\":1}");
    }
    try (Harness after = new Harness(dir, clock)) {
      assertThat(after.engine.describeExecution(done).output()).isEqualTo("{\"a\":1}");
      assertThat(after.history(done)).hasSize(4);
      String again = after.start(live, "{\"b\":2}");
      JsonNode out = json(after.engine.describeExecution(again).output());
      assertThat(out).isEqualTo(json("{\"b\":2}"));
    }
  }
}
