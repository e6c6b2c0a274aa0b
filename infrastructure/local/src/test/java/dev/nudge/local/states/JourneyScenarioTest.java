package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import dev.nudge.local.states.data.StatesException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shapes Nudge's compiler emits (DESIGN.md, "Workflows compile to Step Functions"), run end to end: a Wait,
 * lambda:invoke steps keyed by execution and state, "wait for an event or time out" as .waitForTaskToken with
 * TimeoutSeconds and a Catch on States.Timeout, Retry on throttling, and StopExecution when the goal is reached.
 */
class JourneyScenarioTest {
  /** The abandoned-cart sketch: wait 1 h, email, wait up to 1 day for the open, then offer or SMS. */
  static final String ABANDONED_CART = """
      {"StartAt":"wait-1h","States":{
        "wait-1h":{"Type":"Wait","Seconds":3600,"Next":"reminder"},
        "reminder":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"step","Payload":{"action":"email","template":"cart-reminder",
            "contact.$":"$.contact","idempotencyKey.$":"States.Format('{}/{}', $$.Execution.Id, $$.State.Name)"}},
          "Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"IntervalSeconds":2,"MaxAttempts":5,"BackoffRate":2}],
          "ResultPath":null,"Next":"reminder-opened"},
        "reminder-opened":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
          "Parameters":{"FunctionName":"waitFor","Payload":{"event":"email.opened","contact.$":"$.contact","token.$":"$$.Task.Token"}},
          "TimeoutSeconds":86400,"ResultPath":"$.opened",
          "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":null,"Next":"sms"}],"Next":"offer"},
        "sms":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"step","Payload":{"action":"sms","template":"cart-sms","contact.$":"$.contact"}},
          "ResultPath":null,"End":true},
        "offer":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"step","Payload":{"action":"email","template":"cart-offer","contact.$":"$.contact"}},
          "ResultPath":null,"End":true}}}""";

  @TempDir Path dir;

  private static Harness.ScriptedInvoker invoker(AtomicInteger throttles) {
    Harness.ScriptedInvoker invoker = new Harness.ScriptedInvoker();
    invoker.on("step", r -> throttles.getAndDecrement() > 0
        ? CompletableFuture.failedFuture(new StatesException("Lambda.TooManyRequestsException", "Rate exceeded"))
        : CompletableFuture.completedFuture(json("{\"sent\":true}")));
    invoker.answer("waitFor", "{\"registered\":true}");
    return invoker;
  }

  private static String template(Harness h, String action) {
    return h.invoker.requestsFor("step").stream().map(r -> r.parameters().at("/Payload/template").asText())
        .filter(t -> t.contains(action)).findFirst().orElse(null);
  }

  @Test
  void theOpenArrivesAndTheOfferIsSentAcrossARestart() {
    VirtualClock clock = new VirtualClock(Harness.START, 0);
    String exec;
    String token;
    try (Harness h = new Harness(dir, clock, invoker(new AtomicInteger(2)))) {
      String machine = h.create("abandoned-cart", ABANDONED_CART);
      exec = h.engine.startExecution(machine, "cart-c1-evt9", "{\"contact\":\"c-1\"}").executionArn();
      h.advance(Duration.ofHours(1));
      h.advance(Duration.ofSeconds(2));
      h.advance(Duration.ofSeconds(4));
      // Two throttles, then the reminder went out once, keyed by execution and state.
      assertThat(h.invoker.requestsFor("step")).hasSize(3);
      assertThat(h.invoker.requestsFor("step").get(2).parameters().at("/Payload/idempotencyKey").asText())
          .isEqualTo(exec + "/reminder");
      token = h.invoker.requestsFor("waitFor").get(0).taskToken();
    }
    try (Harness h = new Harness(dir, clock, invoker(new AtomicInteger(0)))) {
      h.advance(Duration.ofHours(3));
      h.engine.sendTaskSuccess(token, "{\"type\":\"email.opened\"}");
      h.engine.awaitQuiescence();
      ExecutionDescription d = h.engine.describeExecution(exec);
      assertThat(d.status()).isEqualTo("SUCCEEDED");
      assertThat(json(d.output())).isEqualTo(json("{\"contact\":\"c-1\",\"opened\":{\"type\":\"email.opened\"}}"));
      assertThat(template(h, "offer")).isEqualTo("cart-offer");
      assertThat(template(h, "sms")).isNull();
    }
  }

  @Test
  void withoutAnOpenTheSmsGoesOutAfterOneDay() {
    try (Harness h = new Harness(null, new VirtualClock(Harness.START, 0), invoker(new AtomicInteger(0)))) {
      String machine = h.create("abandoned-cart", ABANDONED_CART);
      String exec = h.start(machine, "{\"contact\":\"c-2\"}");
      h.advance(Duration.ofHours(1));
      h.advance(Duration.ofDays(1).minusSeconds(1));
      assertThat(template(h, "sms")).isNull();
      h.advance(Duration.ofSeconds(1));
      ExecutionDescription d = h.engine.describeExecution(exec);
      assertThat(d.status()).isEqualTo("SUCCEEDED");
      assertThat(d.stopDate()).isEqualTo(Harness.START.plus(Duration.ofHours(25)));
      assertThat(template(h, "sms")).isEqualTo("cart-sms");
      assertThat(template(h, "offer")).isNull();
    }
  }

  @Test
  void reachingTheGoalStopsTheJourneyAndNothingMoreIsSent() {
    try (Harness h = new Harness(null, new VirtualClock(Harness.START, 0), invoker(new AtomicInteger(0)))) {
      String machine = h.create("abandoned-cart", ABANDONED_CART);
      String exec = h.start(machine, "{\"contact\":\"c-3\"}");
      h.advance(Duration.ofMinutes(30));
      h.engine.stopExecution(exec, "Goal.Reached", "order.completed");
      h.advance(Duration.ofDays(2));
      assertThat(h.invoker.requests).isEmpty();
      assertThat(h.engine.describeExecution(exec).status()).isEqualTo("ABORTED");
    }
  }
}
