package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.journeys.RecordingExecutions;
import dev.nudge.platform.Json;
import dev.nudge.testing.TrackingStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A segment saved over existing contacts is re-evaluated page by page (the state machine's loop
 * driven here by hand), against DynamoDB Local.
 */
class SegmentEvaluationTest {
  static final String ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:segment-evaluation";
  private static final String BIG_SPENDERS = """
      id: big-spenders
      name: Spent over 500 in a year
      when:
        event: { type: order.completed, within: P365D, sum: { of: properties.total, gte: %d } }
      """;

  private final JourneyStack stack = new JourneyStack();
  private final String workflows = stack.variables.get("WORKFLOWS_TABLE");
  private final EventRepository events = new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE"));
  private final SegmentStore store = new SegmentStore(stack.ddb, workflows);
  private final SegmentEvaluations runs = new SegmentEvaluations(stack.ddb, workflows);
  private final SegmentMembers members = new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"),
      stack.variables.get("CONTACTS_TABLE"));
  private final Segments segments = new Segments(stack.runtime.contacts(), events, members,
      new ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE")), stack.clock, Duration.ofDays(400));
  /** Two profiles a page, so three contacts take more than one page. */
  private final SegmentEvaluation evaluation = new SegmentEvaluation(stack.ddb, stack.variables.get("CONTACTS_TABLE"),
      store, store::parsed, segments, runs, stack.clock, 2, Duration.ofSeconds(30), 4);
  private final RecordingExecutions executions = stack.executions;
  private final AudiencesAdminHandler admin = new AudiencesAdminHandler(new ScoringStore(stack.ddb, workflows), store,
      members, new ListMembers(stack.ddb, stack.variables.get("CONTACTS_TABLE"), events, stack.clock, Duration.ofDays(400)),
      stack.clock, runs, executions, ARN);
  private int sequence;

  private void spent(String contactId, int total) {
    stack.contact(contactId);
    events.putIfAbsent(new TrackedEvent(contactId, "order-" + (++sequence), "order.completed",
        Json.object().put("total", total), stack.clock.instant(), stack.clock.instant(), "test"),
        stack.clock.instant().plus(Duration.ofDays(400)));
  }

  private JsonNode save(String definition) {
    var event = TrackingStack.event("track-signed.json", "PUT /v1/segments/{id}", definition);
    event.put("rawPath", "/v1/segments/big-spenders");
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/segments/big-spenders");
    event.putObject("pathParameters").put("id", "big-spenders");
    TrackingStack.Response response = TrackingStack.invoke(admin, event);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return read(response.body());
  }

  private JsonNode get() {
    var event = TrackingStack.event("track-signed.json", "GET /v1/segments/{id}", "");
    event.put("rawPath", "/v1/segments/big-spenders");
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/segments/big-spenders");
    event.putObject("pathParameters").put("id", "big-spenders");
    return read(TrackingStack.invoke(admin, event).body());
  }

  private static JsonNode read(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Runs the last started execution's pages to the end, as the state machine does; returns how many. */
  private int runToEnd() {
    JsonNode state = executions.started.get(executions.started.size() - 1).input();
    int pages = 0;
    do {
      state = evaluation.page(state);
      pages++;
    } while (!state.path("done").asBoolean());
    return pages;
  }

  private long written(String contactId, String type) {
    return events.timeline(List.of(contactId), 100).stream().filter(e -> e.type().equals(type)).count();
  }

  @Test
  void savingASegmentOverExistingContactsEntersTheMatchingOnesOnceEachAndReportsTheRun() {
    spent("spender", 300);
    spent("spender", 250);
    spent("thrifty", 100);
    stack.contact("browser");
    save(BIG_SPENDERS.formatted(500));
    assertThat(executions.started).extracting(RecordingExecutions.Started::name).containsExactly("segment-big-spenders-v1");

    assertThat(runToEnd()).isGreaterThan(1);

    assertThat(members.members("big-spenders", 10, null).contactIds()).containsExactly("spender");
    assertThat(written("spender", Segments.ENTERED)).isEqualTo(1);
    assertThat(written("thrifty", Segments.ENTERED)).isZero();
    JsonNode run = get().path("evaluation");
    assertThat(run.path("state").asText()).isEqualTo("finished");
    assertThat(run.path("contactsEvaluated").asLong()).isEqualTo(3);
    assertThat(run.path("entered").asLong()).isEqualTo(1);
    assertThat(run.path("finishedAt").isTextual()).isTrue();
  }

  @Test
  void aPageThatRunsAgainChangesAndCountsNothingTwice() {
    spent("spender", 600);
    save(BIG_SPENDERS.formatted(500));
    JsonNode first = executions.started.get(0).input();
    evaluation.page(first);
    evaluation.page(first);

    assertThat(written("spender", Segments.ENTERED)).isEqualTo(1);
    assertThat(members.size("big-spenders")).isEqualTo(1);
    assertThat(runs.find("big-spenders").orElseThrow().pages()).isEqualTo(1);
  }

  @Test
  void changingTheConditionRemovesTheContactsWhoNoLongerMatchOnce() {
    spent("spender", 600);
    save(BIG_SPENDERS.formatted(500));
    runToEnd();
    save(BIG_SPENDERS.formatted(1000));
    assertThat(executions.started).extracting(RecordingExecutions.Started::name)
        .containsExactly("segment-big-spenders-v1", "segment-big-spenders-v2");

    runToEnd();

    assertThat(members.isMember("big-spenders", "spender")).isFalse();
    assertThat(written("spender", Segments.EXITED)).isEqualTo(1);
    assertThat(get().path("evaluation").path("version").asInt()).isEqualTo(2);
  }

  @Test
  void savingTheSameDefinitionAgainStartsNoRunAndMakesNoVersion() {
    save(BIG_SPENDERS.formatted(500));
    runToEnd();
    JsonNode again = save(BIG_SPENDERS.formatted(500));

    assertThat(again.path("version").asInt()).isEqualTo(1);
    assertThat(executions.started).hasSize(1);
    assertThat(again.path("evaluation").path("state").asText()).isEqualTo("finished");
  }

  @Test
  void renamingASegmentWithoutChangingItsConditionStartsNoRun() {
    save(BIG_SPENDERS.formatted(500));
    JsonNode renamed = save(BIG_SPENDERS.formatted(500).replace("Spent over 500 in a year", "Big spenders"));

    assertThat(renamed.path("version").asInt()).isEqualTo(2);
    assertThat(executions.started).hasSize(1);
    assertThat(renamed.path("evaluation").path("version").asInt()).isEqualTo(1);
  }

  @Test
  void aRunWhoseConditionChangedAgainStopsAtItsNextPageWithoutEvaluating() {
    spent("spender", 600);
    save(BIG_SPENDERS.formatted(500));
    JsonNode older = executions.started.get(0).input();
    save(BIG_SPENDERS.formatted(1000));

    JsonNode answer = evaluation.page(older);

    assertThat(answer.path("done").asBoolean()).isTrue();
    assertThat(written("spender", Segments.ENTERED)).isZero();
    SegmentEvaluations.Evaluation current = runs.find("big-spenders").orElseThrow();
    assertThat(current.version()).isEqualTo(2);
    assertThat(current.state()).isEqualTo("running");
    assertThat(current.contactsEvaluated()).isZero();
  }

  @Test
  void theEvaluationOfAnUnchangedSaveIsResumedUnderItsOwnNameWhenItsStartWasLost() {
    // The request saved the segment and the run, then failed before Step Functions heard of it.
    store.save(Segment.parse(BIG_SPENDERS.formatted(500), "big-spenders").segment(), BIG_SPENDERS.formatted(500),
        0, stack.clock.instant());
    runs.start("big-spenders", 1, stack.clock.instant());

    save(BIG_SPENDERS.formatted(500));
    save(BIG_SPENDERS.formatted(500));

    assertThat(executions.started).extracting(RecordingExecutions.Started::name).containsExactly("segment-big-spenders-v1");
    assertThat(executions.started.get(0).input().path("version").asInt()).isEqualTo(1);
  }

  @Test
  void aRunWhosePageFailedPastItsRetriesIsRecordedFailedAndSavingAgainRestartsIt() {
    spent("spender", 600);
    save(BIG_SPENDERS.formatted(500));
    // What the state machine's Catch passes on: the input with the error.
    ObjectNode caught = ((ObjectNode) executions.started.get(0).input().deepCopy());
    caught.putObject("error").put("Error", "States.TaskFailed").put("Cause", "DynamoDB unavailable");

    assertThat(evaluation.page(caught).path("done").asBoolean()).isTrue();
    assertThat(get().path("evaluation").path("state").asText()).isEqualTo("failed");

    save(BIG_SPENDERS.formatted(500));
    assertThat(executions.started).extracting(RecordingExecutions.Started::name)
        .containsExactly("segment-big-spenders-v1", "segment-big-spenders-v1-r1");
    runToEnd();

    assertThat(members.isMember("big-spenders", "spender")).isTrue();
    JsonNode run = get().path("evaluation");
    assertThat(run.path("state").asText()).isEqualTo("finished");
    assertThat(run.path("attempt").asInt()).isEqualTo(1);
  }

  /**
   * The cost model's measurement (not in CI): {@code mvn -B -o -q -pl functions test
   * -Dtest=SegmentEvaluationTest -Dnudge.segmentEvaluation.contacts=2000}. Contacts with two
   * orders each, half over the threshold; the capacity DynamoDB Local reports for the run's calls.
   */
  @Test
  void measureARunOverManyContacts() {
    int contacts = Integer.getInteger("nudge.segmentEvaluation.contacts", 0);
    org.junit.jupiter.api.Assumptions.assumeTrue(contacts > 0, "set -Dnudge.segmentEvaluation.contacts to measure");
    for (int i = 0; i < contacts; i++) {
      spent("c" + i, 200);
      spent("c" + i, i % 2 == 0 ? 400 : 100);
    }
    save(BIG_SPENDERS.formatted(500));
    var counting = new dev.nudge.testing.CountingDynamoDb();
    var counted = new SegmentStore(counting.client(), workflows);
    var measured = new SegmentEvaluation(counting.client(), stack.variables.get("CONTACTS_TABLE"), counted,
        counted::parsed, new Segments(new dev.nudge.contacts.ContactRepository(counting.client(),
            stack.variables.get("CONTACTS_TABLE")), new EventRepository(counting.client(), stack.variables.get("EVENTS_TABLE")),
            new SegmentMembers(counting.client(), stack.variables.get("SEGMENTS_TABLE"), stack.variables.get("CONTACTS_TABLE")),
            new ContactTimers(counting.client(), stack.variables.get("TIMERS_TABLE")), stack.clock, Duration.ofDays(400)),
        new SegmentEvaluations(counting.client(), workflows), stack.clock, 1000, Duration.ofSeconds(60), 8);
    JsonNode state = executions.started.get(0).input();
    long started = System.nanoTime();
    int pages = 0;
    do {
      state = measured.page(state);
      pages++;
    } while (!state.path("done").asBoolean());
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(members.size("big-spenders")).isEqualTo((contacts + 1) / 2);
    System.out.printf("segment evaluation: %d contacts, %d pages, %.1f s (%.0f contacts/s), %.2f RRU and %.2f WRU a contact,"
        + " %d calls%n", contacts, pages, seconds, contacts / seconds, counting.readUnits() / contacts,
        counting.writeUnits() / contacts, counting.operations().size());
  }
}
