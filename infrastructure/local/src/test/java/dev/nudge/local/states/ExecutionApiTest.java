package dev.nudge.local.states;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import dev.nudge.local.states.StatesModel.ExecutionListItem;
import dev.nudge.local.states.StatesModel.HistoryEvent;
import dev.nudge.local.states.StatesModel.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** StartExecution, StopExecution, DescribeExecution, ListExecutions, GetExecutionHistory as the API reference describes them. */
class ExecutionApiTest {
  private static final String WAIT = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":60,\"End\":true}}}";
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private static void refusedWith(String type, Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo(type));
  }

  @Test
  void executionArnsFollowAwsFormat() {
    String machine = h.create("journey", WAIT);
    String exec = h.engine.startExecution(machine, "contact-1", "{}").executionArn();
    assertThat(exec).isEqualTo("arn:aws:states:us-east-1:123456789012:execution:journey:contact-1");
  }

  @Test
  void rejectsNamesAwsRejects() {
    String machine = h.create("journey", WAIT);
    for (String bad : new String[] {"", "a b", "a:b", "a/b", "a*", "a{b}", "x".repeat(81), "tab\tname"}) {
      refusedWith("InvalidName", () -> h.engine.startExecution(machine, bad, "{}"));
    }
    assertThat(h.engine.listExecutions(machine, null, null, null).items()).isEmpty();
  }

  @Test
  void acceptsEightyCharactersAndUnicode() {
    String machine = h.create("journey", WAIT);
    h.engine.startExecution(machine, "x".repeat(80), "{}");
    h.engine.startExecution(machine, "café-über_1", "{}");
    assertThat(h.engine.listExecutions(machine, null, null, null).items()).hasSize(2);
  }

  @Test
  void rejectsInputThatIsNotJson() {
    String machine = h.create("journey", WAIT);
    refusedWith("InvalidExecutionInput", () -> h.engine.startExecution(machine, "n", "{oops"));
  }

  /** API reference, StartExecution: same name and input while running returns the running execution. */
  @Test
  void sameNameAndSameInputWhileRunningReturnsTheSameExecution() {
    String machine = h.create("journey", WAIT);
    var first = h.engine.startExecution(machine, "dup", "{\"a\":1}");
    h.advance(Duration.ofSeconds(5));
    var second = h.engine.startExecution(machine, "dup", "{\"a\":1}");
    assertThat(second).isEqualTo(first);
    assertThat(h.engine.listExecutions(machine, null, null, null).items()).hasSize(1);
  }

  @Test
  void sameNameWithOtherInputIsExecutionAlreadyExists() {
    String machine = h.create("journey", WAIT);
    h.engine.startExecution(machine, "dup", "{\"a\":1}");
    refusedWith("ExecutionAlreadyExists", () -> h.engine.startExecution(machine, "dup", "{\"a\":2}"));
  }

  @Test
  void sameNameAfterTheExecutionClosedIsExecutionAlreadyExists() {
    String machine = h.create("journey", WAIT);
    h.engine.startExecution(machine, "dup", "{}");
    h.advance(Duration.ofSeconds(60));
    refusedWith("ExecutionAlreadyExists", () -> h.engine.startExecution(machine, "dup", "{}"));
  }

  @Test
  void startingAnUnknownStateMachineIsStateMachineDoesNotExist() {
    refusedWith("StateMachineDoesNotExist", () -> h.engine.startExecution(
        "arn:aws:states:us-east-1:123456789012:stateMachine:ghost", null, "{}"));
    refusedWith("InvalidArn", () -> h.engine.startExecution("not-an-arn", null, "{}"));
  }

  @Test
  void describingAnUnknownExecutionIsExecutionDoesNotExist() {
    refusedWith("ExecutionDoesNotExist", () -> h.engine.describeExecution(
        "arn:aws:states:us-east-1:123456789012:execution:m:x"));
  }

  @Test
  void stopExecutionAbortsItWithErrorAndCauseAndCancelsItsTimers() {
    String machine = h.create("journey", WAIT);
    String exec = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(10));
    h.engine.stopExecution(exec, "Goal.Reached", "order completed");
    h.advance(Duration.ofSeconds(60));
    ExecutionDescription d = h.engine.describeExecution(exec);
    assertThat(d.status()).isEqualTo("ABORTED");
    assertThat(d.error()).isEqualTo("Goal.Reached");
    assertThat(d.cause()).isEqualTo("order completed");
    assertThat(d.stopDate()).isEqualTo(Harness.START.plusSeconds(10));
    assertThat(h.eventTypes(exec)).containsExactly("ExecutionStarted", "WaitStateEntered", "ExecutionAborted");
  }

  @Test
  void listExecutionsFiltersByStatusAndPagesNewestFirst() {
    String machine = h.create("journey", WAIT);
    for (int i = 0; i < 5; i++) {
      h.engine.startExecution(machine, "e" + i, "{}");
      h.advance(Duration.ofSeconds(20));
    }
    // e0, e1, e2 have finished (60 s); e3 and e4 are still waiting.
    assertThat(h.engine.listExecutions(machine, "RUNNING", null, null).items()).extracting(ExecutionListItem::name)
        .containsExactly("e4", "e3");
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      Page<ExecutionListItem> page = h.engine.listExecutions(machine, null, 2, token);
      assertThat(page.items().size()).isLessThanOrEqualTo(2);
      page.items().forEach(i -> names.add(i.name()));
      token = page.nextToken();
    } while (token != null);
    assertThat(names).containsExactly("e4", "e3", "e2", "e1", "e0");
    assertThat(h.engine.listExecutions(machine, "SUCCEEDED", null, null).items()).hasSize(3);
  }

  @Test
  void executionsStartedBetweenTwoPagesDoNotShiftTheNextPage() {
    String machine = h.create("journey", WAIT);
    for (int i = 0; i < 4; i++) h.engine.startExecution(machine, "e" + i, "{}");
    Page<ExecutionListItem> first = h.engine.listExecutions(machine, null, 2, null);
    h.engine.startExecution(machine, "late", "{}");
    Page<ExecutionListItem> second = h.engine.listExecutions(machine, null, 2, first.nextToken());
    assertThat(first.items()).extracting(ExecutionListItem::name).containsExactly("e3", "e2");
    assertThat(second.items()).extracting(ExecutionListItem::name).containsExactly("e1", "e0");
  }

  @Test
  void historyEventsChainTheirIdsAndCarryDetails() {
    h.invoker.answer("f", "{\"sent\":true}");
    String machine = h.create("hist", """
        {"StartAt":"Send","States":{"Send":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"f"},"End":true}}}""");
    String exec = h.start(machine, "{\"x\":1}");
    List<HistoryEvent> events = h.history(exec);
    assertThat(events).extracting(HistoryEvent::type).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
        "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).id()).isEqualTo(i + 1);
      assertThat(events.get(i).previousEventId()).isEqualTo(i);
    }
    assertThat(events.get(0).details().get("input").asText()).isEqualTo("{\"x\":1}");
    assertThat(events.get(2).detailsName()).isEqualTo("taskScheduledEventDetails");
    assertThat(events.get(2).details().get("resourceType").asText()).isEqualTo("lambda");
    assertThat(events.get(2).details().get("resource").asText()).isEqualTo("invoke");
    assertThat(events.get(2).details().get("region").asText()).isEqualTo("us-east-1");
    assertThat(events.get(2).details().get("parameters").asText()).isEqualTo("{\"FunctionName\":\"f\"}");
  }

  @Test
  void historyCanBeReversedPagedAndStrippedOfData() {
    String machine = h.create("hist", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}");
    String exec = h.start(machine, "{\"secret\":1}");
    Page<HistoryEvent> first = h.engine.getExecutionHistory(exec, true, 2, null, false);
    assertThat(first.items()).extracting(HistoryEvent::type).containsExactly("ExecutionSucceeded", "PassStateExited");
    assertThat(first.items().get(0).details().has("output")).isFalse();
    Page<HistoryEvent> rest = h.engine.getExecutionHistory(exec, true, 2, first.nextToken(), false);
    assertThat(rest.items()).extracting(HistoryEvent::type).containsExactly("PassStateEntered", "ExecutionStarted");
    assertThat(rest.nextToken()).isNull();
  }

  @Test
  void updatingAStateMachineDoesNotChangeRunningExecutions() {
    String machine = h.create("upd", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":10,\"Next\":\"A\"},"
        + "\"A\":{\"Type\":\"Pass\",\"Result\":\"old\",\"End\":true}}}");
    String exec = h.start(machine, "{}");
    h.engine.updateStateMachine(machine, "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":10,\"Next\":\"A\"},"
        + "\"A\":{\"Type\":\"Pass\",\"Result\":\"new\",\"End\":true}}}", null, false, null);
    String later = h.start(machine, "{}");
    h.advance(Duration.ofSeconds(10));
    assertThat(h.engine.describeExecution(exec).output()).isEqualTo("\"old\"");
    assertThat(h.engine.describeExecution(later).output()).isEqualTo("\"new\"");
  }
}
