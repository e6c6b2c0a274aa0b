package dev.nudge.journeys.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.audiences.Segment;
import dev.nudge.audiences.SegmentMembers;
import dev.nudge.audiences.SegmentStore;
import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.ListIndex;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Broadcast runs against DynamoDB Local: every member once, paced, resumable, counted once. */
class BroadcastsTest {
  private static final String NEWS = JourneyStack.PRODUCT_NEWS;
  private final JourneyStack stack = new JourneyStack();
  private final SegmentMembers members = new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"));
  private final BroadcastRuns runs = new BroadcastRuns(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"));
  private final ListIndex lists = new ListIndex(stack.ddb, stack.variables.get("CONTACTS_TABLE"));
  private final Broadcasts broadcasts = new Broadcasts(stack.runtime.store(), members, lists,
      stack.runtime.entry(), runs, stack.clock, 100, 50);
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
  void aPageThatRunsAgainAfterACrashBetweenStartAndItsRecordCountsThoseJourneysReached() {
    stack.publish(NEWS.replace("trigger: { api: true }", "trigger: { api: true }\nreentry: never"));
    segmentOf(5);
    runs.create("product-news", "launch", "readers", stack.clock.instant());
    ObjectNode first = firstState();
    broadcasts.page(first);
    // As if the process died after StartExecution: only the Enter state's record exists, which
    // carries no trigger id; then the journeys end.
    String journeysTable = stack.variables.get("JOURNEYS_TABLE");
    stack.ddb.scanPaginator(b -> b.tableName(journeysTable)).items().stream()
        .filter(item -> item.get("sk").s().startsWith("J#product-news#"))
        .forEach(item -> stack.ddb.updateItem(b -> b.tableName(journeysTable)
            .key(java.util.Map.of("pk", item.get("pk"), "sk", item.get("sk"))).updateExpression("REMOVE triggerId")));
    for (var record : stack.runtime.journeys().activeIn("product-news")) {
      assertThat(record.triggerId()).isNull();
      stack.runtime.journeys().ended(record.contactId(), record.workflowId(), record.executionArn(),
          dev.nudge.journeys.JourneyRecord.Outcome.COMPLETED, stack.clock.instant(), null, null);
    }

    broadcasts.page(first);

    BroadcastRuns.Run run = runs.find("product-news", "launch").orElseThrow();
    assertThat(run.reached()).isEqualTo(5);
    assertThat(run.skipped()).isZero();
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

  /** {@code count} contacts in list customers through identify's path, every third on the pro plan. */
  private void customers(int count) {
    for (int i = 0; i < count; i++) {
      String id = String.format("customer-%04d", i);
      stack.contact(id);
      stack.runtime.contacts().update(id, new ProfileUpdate(null, null,
          Map.of("plan", Optional.of(new Attribute.Text(i % 3 == 0 ? "pro" : "free"))), null, null, Set.of("customers"),
          Set.of(), null, Map.of()), stack.clock.instant());
    }
  }

  private ObjectNode listState(String run, String whereJson) throws Exception {
    ObjectNode state = Json.object().put("workflow", "product-news").put("run", run).put("list", "customers").put("page", 0);
    state.putNull("cursor");
    if (whereJson != null) {
      state.set("where", Json.mapper().readTree(whereJson));
    }
    return state;
  }

  /** Pages of ten: several pages from a few contacts, so the tests stay fast. */
  private final Broadcasts smallPages = new Broadcasts(stack.runtime.store(), members, lists,
      stack.runtime.entry(), runs, stack.clock, 10, 50);

  private static int pageAll(Broadcasts broadcasts, ObjectNode state) {
    int pages = 0;
    ObjectNode current = state;
    do {
      current = broadcasts.page(current);
      pages++;
    } while (!current.path("done").asBoolean());
    return pages;
  }

  private Set<String> startedContacts() {
    Set<String> contacts = new HashSet<>();
    stack.executions.started.forEach(s -> contacts.add(s.input().path("contact").path("id").asText()));
    return contacts;
  }

  @Test
  void aRunToAListReachesEveryMemberOnce() throws Exception {
    stack.publish(NEWS);
    customers(25);
    runs.create("product-news", "launch", new BroadcastAudience(null, "customers", null), stack.clock.instant());

    assertThat(pageAll(smallPages, listState("launch", null))).isEqualTo(3);

    assertThat(stack.executions.started).hasSize(25);
    assertThat(startedContacts()).hasSize(25);
    assertThat(stack.executions.started.get(0).input().path("trigger").path("list").asText()).isEqualTo("customers");
    BroadcastRuns.Run run = runs.find("product-news", "launch").orElseThrow();
    assertThat(run.list()).isEqualTo("customers");
    assertThat(run.segment()).isNull();
    assertThat(run.reached()).isEqualTo(25);
    assertThat(run.pages()).isEqualTo(3);
    assertThat(run.status()).isEqualTo("finished");
  }

  @Test
  void aWhereFilterStartsOnlyTheMatchingMembersAndCountsTheOthersSkippedAsFiltered() throws Exception {
    stack.publish(NEWS);
    customers(30);
    String where = "{\"attributes.plan\": \"pro\"}";
    runs.create("product-news", "pro", new BroadcastAudience(null, "customers", Json.mapper().readTree(where)),
        stack.clock.instant());

    runAllPages(listState("pro", where));

    assertThat(startedContacts()).hasSize(10).allMatch(id -> Integer.parseInt(id.substring("customer-".length())) % 3 == 0);
    BroadcastRuns.Run run = runs.find("product-news", "pro").orElseThrow();
    assertThat(run.reached()).isEqualTo(10);
    assertThat(run.skippedBy()).containsExactly(Map.entry(Broadcasts.FILTERED, 20L));
    assertThat(run.where().path("attributes.plan").asText()).isEqualTo("pro");
  }

  @Test
  void aWhereFilterNarrowsASegmentToo() throws Exception {
    stack.publish(NEWS);
    segmentOf(4);
    stack.runtime.contacts().update("reader-0002", new ProfileUpdate(null, null,
        Map.of("vip", Optional.of(new Attribute.Flag(true))), null, null, Set.of(), Set.of(), null, Map.of()),
        stack.clock.instant());
    ObjectNode state = firstState();
    state.set("where", Json.mapper().readTree("{\"attributes.vip\": true}"));
    runs.create("product-news", "launch", new BroadcastAudience("readers", null, state.get("where")), stack.clock.instant());

    runAllPages(state);

    assertThat(startedContacts()).containsExactly("reader-0002");
    assertThat(runs.find("product-news", "launch").orElseThrow().skippedBy()).containsExactly(Map.entry("filtered", 3L));
  }

  @Test
  void aPageOfAListRunThatRunsTwiceStartsNobodyTwiceAndCountsOnce() throws Exception {
    stack.publish(NEWS);
    customers(12);
    runs.create("product-news", "launch", new BroadcastAudience(null, "customers", null), stack.clock.instant());
    ObjectNode first = listState("launch", null);

    smallPages.page(first);
    smallPages.page(first);

    assertThat(stack.executions.started).hasSize(10);
    BroadcastRuns.Run run = runs.find("product-news", "launch").orElseThrow();
    assertThat(run.reached()).isEqualTo(10);
    assertThat(run.skipped()).isZero();
  }

  @Test
  void aListMemberWhoseProfileNoLongerHoldsTheListIsSkippedAsNotInList() throws Exception {
    stack.publish(NEWS);
    customers(3);
    // The index item outlived the profile's membership (a crash between a removal's two writes).
    stack.ddb.updateItem(b -> b.tableName(stack.variables.get("CONTACTS_TABLE"))
        .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("C#customer-0001"),
            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("PROFILE")))
        .updateExpression("DELETE lists :l")
        .expressionAttributeValues(Map.of(":l", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromSs(
            List.of("customers")))));
    runs.create("product-news", "launch", new BroadcastAudience(null, "customers", null), stack.clock.instant());

    runAllPages(listState("launch", null));

    assertThat(startedContacts()).containsExactlyInAnyOrder("customer-0000", "customer-0002");
    assertThat(runs.find("product-news", "launch").orElseThrow().skippedBy())
        .containsExactly(Map.entry(Broadcasts.NOT_IN_LIST, 1L));
  }

  @Test
  void aRunToAListNobodyJoinedFinishesWithNoneReached() throws Exception {
    stack.publish(NEWS);
    BroadcastAdmin.Started started = admin.start("product-news", "empty", new BroadcastAudience(null, "nobody-yet", null),
        null);
    assertThat(started.created()).isTrue();
    ObjectNode state = listState("empty", null).put("list", "nobody-yet");

    assertThat(broadcasts.page(state).path("done").asBoolean()).isTrue();

    BroadcastRuns.Run run = runs.find("product-news", "empty").orElseThrow();
    assertThat(run.status()).isEqualTo("finished");
    assertThat(run.reached()).isZero();
    assertThat(run.skipped()).isZero();
  }

  @Test
  void startingARunToAListPassesTheListAndFilterToTheStateMachine() throws Exception {
    stack.publish(NEWS);
    var audience = new BroadcastAudience(null, "customers", Json.mapper().readTree("{\"attributes.plan\": \"pro\"}"));

    admin.start("product-news", "pro", audience, null);

    var input = stack.executions.started.get(0).input();
    assertThat(input.path("list").asText()).isEqualTo("customers");
    assertThat(input.has("segment")).isFalse();
    assertThat(input.path("where").path("attributes.plan").asText()).isEqualTo("pro");
  }

  @Test
  void aRepeatedStartWithAnotherAudienceResumesTheFirstRunsAudience() {
    stack.publish(NEWS);
    admin.start("product-news", "launch", new BroadcastAudience(null, "customers", null), null);

    BroadcastAdmin.Started again = admin.start("product-news", "launch", new BroadcastAudience(null, "others", null), null);

    assertThat(again.created()).isFalse();
    assertThat(again.run().list()).isEqualTo("customers");
    assertThat(stack.executions.started).allMatch(s -> s.input().path("list").asText().equals("customers"));
  }

  @Test
  void aListRunReadsTheListsIndexOncePerPageAndScansNothing() throws Exception {
    stack.publish(NEWS);
    customers(25);
    var indexCalls = new dev.nudge.testing.CountingDynamoDb();
    var otherCalls = new dev.nudge.testing.CountingDynamoDb();
    var counted = dev.nudge.journeys.JourneyRuntime.of(stack.env(), otherCalls.client(), stack.executions);
    var countedBroadcasts = new Broadcasts(counted.store(), new SegmentMembers(otherCalls.client(),
        stack.variables.get("SEGMENTS_TABLE")), new ListIndex(indexCalls.client(), stack.variables.get("CONTACTS_TABLE")),
        counted.entry(), new BroadcastRuns(otherCalls.client(), stack.variables.get("WORKFLOWS_TABLE")),
        stack.clock, 10, 50);
    runs.create("product-news", "pro", new BroadcastAudience(null, "customers",
        Json.mapper().readTree("{\"attributes.plan\": \"pro\"}")), stack.clock.instant());

    ObjectNode state = listState("pro", "{\"attributes.plan\": \"pro\"}");
    int pages = 0;
    do {
      state = countedBroadcasts.page(state);
      pages++;
    } while (!state.path("done").asBoolean());

    assertThat(pages).isEqualTo(3);
    assertThat(indexCalls.operations()).containsExactly("Query", "Query", "Query");
    assertThat(indexCalls.permissions()).containsExactly("dynamodb:Query " + stack.variables.get("CONTACTS_TABLE")
        + "/index/byList");
    assertThat(otherCalls.operations()).doesNotContain("Scan");
    assertThat(runs.find("product-news", "pro").orElseThrow().reached()).isEqualTo(9);
  }

  @Test
  void aFilteredListRunReadsEachMembersProfileOnce() throws Exception {
    stack.publish(NEWS);
    customers(25);
    var calls = new dev.nudge.testing.CountingDynamoDb();
    var counted = dev.nudge.journeys.JourneyRuntime.of(stack.env(), calls.client(), stack.executions);
    var countedBroadcasts = new Broadcasts(counted.store(), members, lists, counted.entry(),
        new BroadcastRuns(calls.client(), stack.variables.get("WORKFLOWS_TABLE")), stack.clock, 100, 50);
    runs.create("product-news", "pro-once", new BroadcastAudience(null, "customers",
        Json.mapper().readTree("{\"attributes.plan\": \"pro\"}")), stack.clock.instant());

    ObjectNode state = countedBroadcasts.page(listState("pro-once", "{\"attributes.plan\": \"pro\"}"));

    assertThat(state.path("done").asBoolean()).isTrue();
    String contacts = stack.variables.get("CONTACTS_TABLE");
    // The list and the filter are checked on the profile the entry reads: one read per member.
    assertThat(calls.calls().stream().filter(c -> c.equals("Query " + contacts) || c.equals("GetItem " + contacts)))
        .hasSize(25);
    assertThat(runs.find("product-news", "pro-once").orElseThrow().reached()).isEqualTo(9);
  }
}
