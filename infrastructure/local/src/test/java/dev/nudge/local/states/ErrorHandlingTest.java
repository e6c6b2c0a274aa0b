package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import dev.nudge.local.states.StatesModel.HistoryEvent;
import dev.nudge.local.states.data.StatesException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retry and Catch as the ASL specification ("Errors", "Retrying after error", "Fallback states") and the
 * Developer Guide ("Handling errors in Step Functions workflows") describe them. All timing on the virtual clock.
 */
class ErrorHandlingTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private static String task(String extra) {
    // Only the fallback states the catchers name, so that none is unreachable.
    String caught = extra.contains("\"Caught\"") ? ",\"Caught\":{\"Type\":\"Pass\",\"End\":true}" : "";
    String other = extra.contains("\"Other\"") ? ",\"Other\":{\"Type\":\"Pass\",\"Result\":\"other\",\"End\":true}" : "";
    return """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"f"},"End":true%s}%s%s}}""".formatted(extra, caught, other);
  }

  private List<Instant> attemptTimes() {
    return h.history(h.engine.listExecutions(h.engine.listStateMachines(null, null).items().get(0).stateMachineArn(), null, null, null)
        .items().get(0).executionArn()).stream().filter(e -> e.type().equals("TaskScheduled")).map(HistoryEvent::timestamp).toList();
  }

  /** Spec, "Retrying after error": IntervalSeconds, then multiplied by BackoffRate for each attempt. */
  @Test
  void retriesWithExponentialBackoffOnTheVirtualClock() {
    AtomicInteger calls = new AtomicInteger();
    h.invoker.on("f", r -> calls.incrementAndGet() < 4
        ? CompletableFuture.failedFuture(new StatesException("Lambda.ServiceException", "flaky"))
        : CompletableFuture.completedFuture(json("\"done\"")));
    String machine = h.create("retry", task(",\"Retry\":[{\"ErrorEquals\":[\"Lambda.ServiceException\"],\"IntervalSeconds\":2,\"MaxAttempts\":3,\"BackoffRate\":3}]"));
    String exec = h.start(machine, "{}");
    assertThat(calls).hasValue(1);
    h.advance(Duration.ofSeconds(2));
    assertThat(calls).hasValue(2);
    h.advance(Duration.ofSeconds(5));
    assertThat(calls).hasValue(2);
    h.advance(Duration.ofSeconds(1));
    assertThat(calls).hasValue(3);
    h.advance(Duration.ofSeconds(18));
    assertThat(calls).hasValue(4);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
    assertThat(attemptTimes()).containsExactly(Harness.START, Harness.START.plusSeconds(2), Harness.START.plusSeconds(8),
        Harness.START.plusSeconds(26));
  }

  @Test
  void maxDelaySecondsCapsTheBackoff() {
    AtomicInteger calls = new AtomicInteger();
    h.invoker.on("f", r -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new StatesException("E", "x"));
    });
    String machine = h.create("cap", task(",\"Retry\":[{\"ErrorEquals\":[\"E\"],\"IntervalSeconds\":10,\"MaxAttempts\":3,\"BackoffRate\":10,\"MaxDelaySeconds\":15}]"));
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(10));
    h.advance(Duration.ofSeconds(15));
    h.advance(Duration.ofSeconds(15));
    assertThat(calls).hasValue(4);
    assertThat(h.engine.describeExecution(exec).error()).isEqualTo("E");
  }

  @Test
  void fullJitterNeverWaitsLongerThanTheBackoff() {
    AtomicInteger calls = new AtomicInteger();
    h.invoker.on("f", r -> calls.incrementAndGet() < 2
        ? CompletableFuture.failedFuture(new StatesException("E", "x")) : CompletableFuture.completedFuture(json("1")));
    String machine = h.create("jitter", task(",\"Retry\":[{\"ErrorEquals\":[\"E\"],\"IntervalSeconds\":10,\"JitterStrategy\":\"FULL\"}]"));
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(10));
    assertThat(calls).hasValue(2);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void maxAttemptsZeroNeverRetries() {
    h.invoker.fail("f", "E", "x");
    String machine = h.create("zero", task(",\"Retry\":[{\"ErrorEquals\":[\"E\"],\"MaxAttempts\":0}]"));
    String exec = h.start(machine, "{}");
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("FAILED");
    assertThat(h.invoker.requests).hasSize(1);
  }

  /** Spec, "Fallback states": once a retrier's attempts are spent, the Catch fields are tried. */
  @Test
  void catchesAfterRetriesAreExhausted() {
    h.invoker.fail("f", "E", "boom");
    String machine = h.create("retrythencatch", task("""
        ,        "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":1,"MaxAttempts":2}],
        "Catch":[{"ErrorEquals":["E"],"ResultPath":"$.error","Next":"Caught"}]"""));
    String exec = h.start(machine, "{\"in\":1}");
    h.advance(Duration.ofSeconds(1));
    h.advance(Duration.ofSeconds(2));
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(h.invoker.requests).hasSize(3);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("{\"in\":1,\"error\":{\"Error\":\"E\",\"Cause\":\"boom\"}}"));
  }

  /** Spec: the first retrier whose ErrorEquals matches is the only one used, even when spent. */
  @Test
  void onlyTheFirstMatchingRetrierApplies() {
    h.invoker.fail("f", "E", "x");
    String machine = h.create("firstretrier", task("""
        ,        "Retry":[{"ErrorEquals":["E"],"MaxAttempts":1,"IntervalSeconds":1},{"ErrorEquals":["States.ALL"],"MaxAttempts":5,"IntervalSeconds":1}]"""));
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(1));
    h.advance(Duration.ofSeconds(60));
    assertThat(h.invoker.requests).hasSize(2);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("FAILED");
  }

  /**
   * Spec, "Retrying after error": retry counts belong to one entry into the state, so a Catch that loops back
   * to the same state starts its retriers over.
   */
  @Test
  void retryCountsStartOverWhenACatchReEntersTheState() {
    AtomicInteger calls = new AtomicInteger();
    h.invoker.on("f", r -> calls.incrementAndGet() <= 3
        ? CompletableFuture.failedFuture(new StatesException("E", "x")) : CompletableFuture.completedFuture(json("\"ok\"")));
    String machine = h.create("loop", """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
          "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10,"MaxAttempts":1}],
          "Catch":[{"ErrorEquals":["E"],"ResultPath":null,"Next":"Again"}],"End":true},
          "Again":{"Type":"Pass","Next":"T"}}}""");
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(10));
    assertThat(calls).hasValue(3);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(10));
    assertThat(calls).hasValue(4);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
    assertThat(h.eventTypes(exec).stream().filter("TaskStateEntered"::equals)).hasSize(2);
  }

  @Test
  void theContextObjectCountsRetries() {
    AtomicInteger calls = new AtomicInteger();
    h.invoker.on("f", r -> calls.incrementAndGet() < 3
        ? CompletableFuture.failedFuture(new StatesException("E", "x")) : CompletableFuture.completedFuture(r.parameters()));
    String machine = h.create("retrycount", """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"f","attempt.$":"$$.State.RetryCount"},"OutputPath":"$.Payload",
          "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":1,"BackoffRate":1}],"End":true}}}""");
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(1));
    h.advance(Duration.ofSeconds(1));
    assertThat(h.invoker.requests).extracting(r -> r.parameters().get("attempt").asInt()).containsExactly(0, 1, 2);
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("SUCCEEDED");
  }

  /** Developer Guide, "Error names": States.DataLimitExceeded is terminal, States.ALL does not catch it. */
  @Test
  void aResultOverTheQuotaIsDataLimitExceededAndCannotBeCaught() {
    h.invoker.on("f", r -> CompletableFuture.completedFuture(json("\"" + "x".repeat(300 * 1024) + "\"")));
    ExecutionDescription d = h.run(task(",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]"), "{}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.DataLimitExceeded");
  }

  @Test
  void catchersAreMatchedInOrder() {
    h.invoker.fail("f", "Specific", "x");
    ExecutionDescription d = h.run(task("""
        ,        "Catch":[{"ErrorEquals":["Other"],"Next":"Other"},{"ErrorEquals":["Specific"],"Next":"Caught"},{"ErrorEquals":["States.ALL"],"Next":"Other"}]"""), "{}");
    assertThat(json(d.output())).isEqualTo(json("{\"Error\":\"Specific\",\"Cause\":\"x\"}"));
    // As real AWS histories of caught failures show (no TaskStateExited between TaskFailed and the handler).
    assertThat(h.eventTypes(d.executionArn())).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
        "TaskStarted", "TaskFailed", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
  }

  @Test
  void statesAllCatchesAnyTaskError() {
    h.invoker.fail("f", "Anything.AtAll", "x");
    ExecutionDescription d = h.run(task(",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]"), "{}");
    assertThat(d.status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aCatchResultPathOfNullKeepsTheInput() {
    h.invoker.fail("f", "E", "x");
    ExecutionDescription d = h.run(task(",\"Catch\":[{\"ErrorEquals\":[\"E\"],\"ResultPath\":null,\"Next\":\"Caught\"}]"), "{\"keep\":true}");
    assertThat(json(d.output())).isEqualTo(json("{\"keep\":true}"));
  }

  @Test
  void anUncaughtErrorFailsTheExecutionWithItsNameAndCause() {
    h.invoker.fail("f", "Lambda.Unknown", "{\"errorMessage\":\"no\"}");
    ExecutionDescription d = h.run(task(",\"Catch\":[{\"ErrorEquals\":[\"Other\"],\"Next\":\"Other\"}]"), "{}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("Lambda.Unknown");
    assertThat(d.cause()).isEqualTo("{\"errorMessage\":\"no\"}");
  }

  @Test
  void anInvokerExceptionThatIsNotAStatesErrorIsStatesTaskFailed() {
    h.invoker.on("f", r -> { throw new IllegalStateException("handler crashed"); });
    ExecutionDescription d = h.run(task(""), "{}");
    assertThat(d.error()).isEqualTo("States.TaskFailed");
    assertThat(d.cause()).contains("handler crashed");
  }

  /** Developer Guide, "Error names": States.TaskFailed matches any error except States.Timeout. */
  @Test
  void statesTaskFailedDoesNotMatchATimeout() {
    h.invoker.on("f", r -> new CompletableFuture<>());
    String machine = h.create("tasktimeout", task("""
        ,        "TimeoutSeconds":30,"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Other"},{"ErrorEquals":["States.Timeout"],"Next":"Caught"}]"""));
    String exec = h.start(machine, "{}");
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(30));
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("{\"Error\":\"States.Timeout\"}"));
    assertThat(h.eventTypes(exec)).contains("TaskTimedOut");
  }

  @Test
  void statesTaskFailedMatchesATaskError() {
    h.invoker.fail("f", "Custom.Error", "x");
    ExecutionDescription d = h.run(task(",\"Catch\":[{\"ErrorEquals\":[\"States.TaskFailed\"],\"Next\":\"Caught\"}]"), "{}");
    assertThat(d.status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aLateResultAfterATimeoutIsIgnored() {
    CompletableFuture<com.fasterxml.jackson.databind.JsonNode> late = new CompletableFuture<>();
    h.invoker.on("f", r -> late);
    String machine = h.create("late", task(",\"TimeoutSeconds\":5"));
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(5));
    late.complete(json("\"too late\""));
    h.engine.awaitQuiescence();
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.Timeout");
    // As measured on AWS (floci-io/floci#2733): a task timeout has an error and no cause.
    assertThat(d.cause()).isNull();
  }

  @Test
  void timeoutSecondsPathReadsTheTimeoutFromTheInput() {
    h.invoker.on("f", r -> new CompletableFuture<>());
    String machine = h.create("tpath", task(",\"TimeoutSecondsPath\":\"$.timeout\""));
    String exec = h.start(machine, "{\"timeout\":100}");
    h.advance(Duration.ofSeconds(99));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(1));
    assertThat(h.engine.describeExecution(exec).error()).isEqualTo("States.Timeout");
  }

  @Test
  void aFailStateEndsTheExecutionWithItsErrorAndCause() {
    ExecutionDescription d = h.run("""
        {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Journey.Invalid","Cause":"no consent"}}}""", "{}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("Journey.Invalid");
    assertThat(d.cause()).isEqualTo("no consent");
    assertThat(h.eventTypes(d.executionArn())).containsExactly("ExecutionStarted", "FailStateEntered", "ExecutionFailed");
  }

  @Test
  void aFailStateReadsErrorPathAndCausePath() {
    ExecutionDescription d = h.run("""
        {"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}}}""", "{\"e\":\"Dyn\",\"c\":\"amic\"}");
    assertThat(d.error()).isEqualTo("Dyn");
    assertThat(d.cause()).isEqualTo("amic");
  }

  @Test
  void aParallelCatchesTheErrorOfAFailedBranch() {
    ExecutionDescription d = h.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
            {"StartAt":"Ok","States":{"Ok":{"Type":"Pass","End":true}}},
            {"StartAt":"Bad","States":{"Bad":{"Type":"Fail","Error":"Branch.Broke","Cause":"b"}}}],
          "Catch":[{"ErrorEquals":["Branch.Broke"],"Next":"Caught"}],"End":true},
          "Caught":{"Type":"Pass","End":true}}}""", "{}");
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("{\"Error\":\"Branch.Broke\",\"Cause\":\"b\"}"));
  }

  @Test
  void aParallelRetriesAllItsBranches() {
    AtomicInteger calls = new AtomicInteger();
    h.invoker.on("f", r -> calls.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(new StatesException("E", "x")) : CompletableFuture.completedFuture(json("\"ok\"")));
    String machine = h.create("pretry", """
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
              "OutputPath":"$.Payload","End":true}}}],
          "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":3}],"End":true}}}""");
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(3));
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output())).isEqualTo(json("[\"ok\"]"));
  }

  @Test
  void theStateMachineTimeoutEndsTheExecutionAsTimedOut() {
    String machine = h.create("machinetimeout", """
        {"TimeoutSeconds":3600,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}""");
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofMinutes(59));
    assertThat(h.engine.describeExecution(exec).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofMinutes(1));
    ExecutionDescription d = h.engine.describeExecution(exec);
    // As measured on AWS (floci-io/floci#2733): no error/cause on the execution, States.Timeout in the event only.
    assertThat(d.status()).isEqualTo("TIMED_OUT");
    assertThat(d.error()).isNull();
    assertThat(d.stopDate()).isEqualTo(Harness.START.plusSeconds(3600));
    HistoryEvent last = h.history(exec).get(h.history(exec).size() - 1);
    assertThat(last.type()).isEqualTo("ExecutionTimedOut");
    assertThat(last.details().get("error").asText()).isEqualTo("States.Timeout");
    assertThat(last.previousEventId()).isZero();
  }

  @Test
  void aTimeoutPassedByALargeAdvanceStillStopsAtStartPlusTimeout() {
    String machine = h.create("bigjump", """
        {"TimeoutSeconds":60,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}""");
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofDays(30));
    assertThat(h.engine.describeExecution(exec).stopDate()).isEqualTo(Harness.START.plusSeconds(60));
  }

  /** AWS fails a runaway execution with States.Runtime when its history reaches 25,000 events (floci-io/floci#2734). */
  @Test
  void aRunawayLoopFailsAtTwentyFiveThousandEvents() {
    ExecutionDescription d = h.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice",
          "Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"End"}],"Default":"A"},"End":{"Type":"Succeed"}}}""", "{}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.Runtime");
    assertThat(d.cause()).isEqualTo("The execution reached the maximum number of history events (25000).");
    assertThat(h.engine.getExecutionHistory(d.executionArn(), true, 1, null, false).items().get(0).id()).isEqualTo(25000);
  }
}
