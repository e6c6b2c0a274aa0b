package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import dev.nudge.local.states.data.StatesException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parallel and inline Map (Developer Guide: "Parallel workflow state", "Map state in inline mode"). */
class ParallelAndMapTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void parallelOutputsTheBranchResultsInBranchOrder() {
    ExecutionDescription d = h.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"Slow","States":{"Slow":{"Type":"Wait","Seconds":10,"Next":"One"},"One":{"Type":"Pass","Result":1,"End":true}}},
          {"StartAt":"Two","States":{"Two":{"Type":"Pass","Result":2,"End":true}}}]}}}""", "{}");
    assertThat(d.status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(10));
    assertThat(json(h.engine.describeExecution(d.executionArn()).output())).isEqualTo(json("[1,2]"));
  }

  /** ASL spec, Parallel: a Succeed state ends its branch, not the execution. */
  @Test
  void aSucceedStateEndsOnlyItsBranch() {
    ExecutionDescription d = h.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"After","Branches":[
          {"StartAt":"Done","States":{"Done":{"Type":"Succeed","OutputPath":"$.a"}}},
          {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}]},
          "After":{"Type":"Pass","End":true}}}""", "{\"a\":1}");
    assertThat(d.status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(1));
    ExecutionDescription after = h.engine.describeExecution(d.executionArn());
    assertThat(after.status()).isEqualTo("SUCCEEDED");
    assertThat(json(after.output())).isEqualTo(json("[1,{\"a\":1}]"));
  }

  @Test
  void parallelAppliesResultSelectorAndResultPath() {
    ExecutionDescription d = h.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"ResultSelector":{"first.$":"$[0]"},"ResultPath":"$.r",
          "Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}}}""", "{\"x\":1}");
    assertThat(json(d.output())).isEqualTo(json("{\"x\":1,\"r\":{\"first\":{\"x\":1}}}"));
  }

  /** A failing branch stops the others: their timers never fire and their tasks are not called. */
  @Test
  void aFailedBranchStopsTheOtherBranches() {
    h.invoker.answer("f", "{}");
    ExecutionDescription d = h.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}},
          {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Stop","Cause":"now"}}}]}}}""", "{}");
    h.advance(Duration.ofSeconds(5));
    assertThat(h.invoker.requests).isEmpty();
    ExecutionDescription after = h.engine.describeExecution(d.executionArn());
    assertThat(after.status()).isEqualTo("FAILED");
    assertThat(after.error()).isEqualTo("Stop");
    assertThat(h.eventTypes(d.executionArn())).contains("ParallelStateFailed");
  }

  @Test
  void mapRunsItsProcessorForEachItemAndKeepsTheirOrder() {
    h.invoker.on("double", r -> CompletableFuture.completedFuture(json(Integer.toString(r.parameters().get("Payload").asInt() * 2))));
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.numbers","End":true,
          "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"D","States":{"D":{"Type":"Task",
            "Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"double","Payload.$":"$"},
            "OutputPath":"$.Payload","End":true}}}}}}""", "{\"numbers\":[1,2,3,4]}");
    assertThat(json(d.output())).isEqualTo(json("[2,4,6,8]"));
  }

  /** Developer Guide, "ItemSelector (Map)": $$.Map.Item.Index and $$.Map.Item.Value. */
  @Test
  void itemSelectorSeesTheItemIndexAndValueAndTheStateInput() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.detail.shipped","End":true,
          "ItemSelector":{"parcel.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index","courier.$":"$.delivery-partner"},
          "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}""",
        "{\"delivery-partner\":\"UQS\",\"detail\":{\"shipped\":[{\"prod\":\"R31\"},{\"prod\":\"S39\"}]}}");
    assertThat(json(d.output())).isEqualTo(json("""
        [{"parcel":{"prod":"R31"},"index":0,"courier":"UQS"},{"parcel":{"prod":"S39"},"index":1,"courier":"UQS"}]"""));
  }

  @Test
  void theLegacyIteratorAndParametersFieldsStillWork() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"Parameters":{"v.$":"$$.Map.Item.Value"},
          "Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}""", "[\"a\",\"b\"]");
    assertThat(json(d.output())).isEqualTo(json("[{\"v\":\"a\"},{\"v\":\"b\"}]"));
  }

  @Test
  void maxConcurrencyOneRunsItemsOneAfterTheOther() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
          "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}}}}""", "[1,2,3]");
    h.advance(Duration.ofSeconds(10));
    assertThat(h.engine.describeExecution(d.executionArn()).status()).isEqualTo("RUNNING");
    h.advance(Duration.ofSeconds(10));
    h.advance(Duration.ofSeconds(10));
    ExecutionDescription after = h.engine.describeExecution(d.executionArn());
    assertThat(after.status()).isEqualTo("SUCCEEDED");
    assertThat(after.stopDate()).isEqualTo(Harness.START.plusSeconds(30));
    assertThat(json(after.output())).isEqualTo(json("[1,2,3]"));
  }

  @Test
  void unlimitedConcurrencyRunsAllItemsAtOnce() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
          "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}}}}""", "[1,2,3]");
    h.advance(Duration.ofSeconds(10));
    assertThat(h.engine.describeExecution(d.executionArn()).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aThousandItemsOneAtATimeDoNotOverflowTheStack() {
    StringBuilder items = new StringBuilder("[0");
    for (int i = 1; i < 1000; i++) items.append(',').append(i);
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
          "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}""", items.append(']').toString());
    assertThat(d.status()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output()).size()).isEqualTo(1000);
  }

  @Test
  void anEmptyArrayGivesAnEmptyResult() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
          "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}""", "[]");
    assertThat(json(d.output())).isEqualTo(json("[]"));
  }

  /** Developer Guide, "Map state": a failed iteration fails the whole Map state, which its Catch can handle. */
  @Test
  void aFailedIterationFailsTheMapIntoItsCatch() {
    h.invoker.on("check", r -> r.parameters().get("Payload").asInt() == 2
        ? CompletableFuture.failedFuture(new StatesException("Item.Bad", "two"))
        : CompletableFuture.completedFuture(json("true")));
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"Next":"Ok",
          "ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
            "Parameters":{"FunctionName":"check","Payload.$":"$"},"End":true}}},
          "Catch":[{"ErrorEquals":["Item.Bad"],"ResultPath":"$.failure","Next":"Handled"}]},
          "Ok":{"Type":"Succeed"},"Handled":{"Type":"Pass","End":true}}}""", "{\"items\":[1,2,3]}");
    assertThat(d.status()).as(d.toString()).isEqualTo("SUCCEEDED");
    assertThat(json(d.output()).get("failure")).isEqualTo(json("{\"Error\":\"Item.Bad\",\"Cause\":\"two\"}"));
    assertThat(h.invoker.requestsFor("check")).hasSize(2);
    List<String> types = h.eventTypes(d.executionArn());
    assertThat(types).contains("MapIterationFailed", "MapStateFailed");
  }

  @Test
  void anItemSelectorFailingOnALaterItemStopsTheIterationsAlreadyStarted() {
    h.invoker.answer("f", "{}");
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"v.$":"$$.Map.Item.Value.v"},
          "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}},
          "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handled"}],"End":true},"Handled":{"Type":"Pass","End":true}}}""",
        "{\"items\":[{\"v\":1},{\"other\":2}]}");
    h.advance(Duration.ofSeconds(5));
    ExecutionDescription after = h.engine.describeExecution(d.executionArn());
    assertThat(after.status()).isEqualTo("FAILED");
    assertThat(after.error()).isEqualTo("States.Runtime");
    assertThat(h.invoker.requests).isEmpty();
  }

  @Test
  void anItemsPathThatIsNotAnArrayFailsWithStatesRuntime() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.x","End":true,
          "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}""", "{\"x\":5}");
    assertThat(d.error()).isEqualTo("States.Runtime");
  }

  @Test
  void mapHistoryNamesEachIteration() {
    ExecutionDescription d = h.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
          "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}""", "[\"a\"]");
    assertThat(h.eventTypes(d.executionArn())).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted",
        "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded", "MapStateSucceeded",
        "MapStateExited", "ExecutionSucceeded");
  }
}
