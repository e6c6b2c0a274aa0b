package dev.nudge.journeys.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.audiences.Segment;
import dev.nudge.audiences.SegmentMembers;
import dev.nudge.audiences.SegmentStore;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Json;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Broadcast runs against DynamoDB Local: every member once, paced, resumable, counted once. */
class BroadcastsTest {
  private static final String NEWS = """
      id: product-news
      name: Product news
      trigger: { api: true }
      steps:
        - id: news
          email: { template: cart-reminder }
      """;
  private final JourneyStack stack = new JourneyStack();
  private final SegmentMembers members = new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"));
  private final BroadcastRuns runs = new BroadcastRuns(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"));
  private final Broadcasts broadcasts = new Broadcasts(stack.runtime.store(), members, stack.runtime.entry(),
      stack.runtime.journeys(), runs, stack.clock, 100, 50);
  private final BroadcastAdmin admin = new BroadcastAdmin(stack.runtime.store(),
      new SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE")), runs, stack.executions,
      "arn:aws:states:us-east-1:000000000000:stateMachine:broadcast", stack.clock);

  private void segmentOf(int contacts) {
    String definition = "id: readers\nname: Readers\nwhen: { consent: email }\n";
    new SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(Segment.parse(definition, "readers").segment(), definition, stack.clock.instant());
    for (int i = 0; i < contacts; i++) {
      String id = String.format("reader-%04d", i);
      stack.contact(id);
      members.enter("readers", id, stack.clock.instant());
    }
  }

  /** Runs the state machine's loop by hand: page until done. */
  private int runAllPages(ObjectNode state) {
    int pages = 0;
    ObjectNode current = state;
    while (true) {
      current = broadcasts.page(current);
      pages++;
      if (current.path("done").asBoolean()) {
        return pages;
      }
      assertThat(current.path("waitSeconds").asInt()).as("paced: 100 a page at 50 a second").isEqualTo(2);
    }
  }

  private ObjectNode firstState() {
    ObjectNode state = Json.object().put("workflow", "product-news").put("run", "launch").put("segment", "readers")
        .put("page", 0);
    state.putNull("cursor");
    state.putObject("data").put("product", "Nudge 2");
    return state;
  }

  @Test
  void aRunReachesEveryMemberOnceInPagesAndCountsThem() {
    stack.publish(NEWS);
    segmentOf(250);
    runs.create("product-news", "launch", "readers", stack.clock.instant());

    assertThat(runAllPages(firstState())).isEqualTo(3);

    Set<String> names = new HashSet<>();
    stack.executions.started.forEach(s -> names.add(s.name()));
    assertThat(stack.executions.started).hasSize(250);
    assertThat(names).hasSize(250);
    assertThat(stack.executions.started.get(0).input().path("trigger").path("data").path("product").asText())
        .isEqualTo("Nudge 2");
    BroadcastRuns.Run run = runs.find("product-news", "launch").orElseThrow();
    assertThat(run.status()).isEqualTo("finished");
    assertThat(run.pages()).isEqualTo(3);
    assertThat(run.reached()).isEqualTo(250);
    assertThat(run.skipped()).isZero();
  }

  @Test
  void aPageThatRunsAgainAfterACrashStartsNoJourneyTwiceAndCountsOnce() {
    stack.publish(NEWS);
    segmentOf(150);
    runs.create("product-news", "launch", "readers", stack.clock.instant());
    ObjectNode first = firstState();
    broadcasts.page(first);
    broadcasts.page(first); // the same page again, as a Task retry would run it
    assertThat(stack.executions.started).hasSize(100);
    assertThat(runs.find("product-news", "launch").orElseThrow().reached()).isEqualTo(100);
  }

  @Test
  void aPageThatRunsAgainAfterItsJourneysEndedCountsThemReachedNotRefused() {
    stack.publish(NEWS.replace("trigger: { api: true }", "trigger: { api: true }\nreentry: never"));
    segmentOf(5);
    runs.create("product-news", "launch", "readers", stack.clock.instant());
    ObjectNode first = firstState();
    broadcasts.page(first);
    for (var record : stack.runtime.journeys().activeIn("product-news")) {
      stack.runtime.journeys().ended(record.contactId(), record.workflowId(), record.executionArn(),
          dev.nudge.journeys.JourneyRecord.Outcome.COMPLETED, stack.clock.instant(), null, null);
    }

    broadcasts.page(first); // the same page again, after a restart: every journey has ended

    BroadcastRuns.Run run = runs.find("product-news", "launch").orElseThrow();
    assertThat(run.reached()).isEqualTo(5);
    assertThat(run.skipped()).isZero();
    assertThat(stack.executions.started).hasSize(5);
  }

  @Test
  void aPausedWorkflowStopsTheRun() {
    stack.publish(NEWS);
    segmentOf(10);
    runs.create("product-news", "launch", "readers", stack.clock.instant());
    stack.runtime.store().transition("product-news", java.util.List.of(dev.nudge.workflows.admin.WorkflowStore.Status.ACTIVE),
        dev.nudge.workflows.admin.WorkflowStore.Status.PAUSED, stack.clock.instant());
    assertThat(broadcasts.page(firstState()).path("done").asBoolean()).isTrue();
    assertThat(stack.executions.started).isEmpty();
    assertThat(runs.find("product-news", "launch").orElseThrow().status()).isEqualTo("stopped: paused");
  }

  @Test
  void startingARunTwiceWithOneIdCreatesOneRunAndOneExecutionName() {
    stack.publish(NEWS);
    segmentOf(3);
    assertThat(admin.start("product-news", "launch", "readers", null).created()).isTrue();
    assertThat(admin.start("product-news", "launch", "readers", null).created()).isFalse();
    assertThat(stack.executions.started).extracting(dev.nudge.journeys.RecordingExecutions.Started::name)
        .containsOnly("product-news-launch");
  }
}
