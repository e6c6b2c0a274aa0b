package dev.nudge.journeys.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.Executions;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.JourneyRecord;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.journeys.WaitRegistrations;
import dev.nudge.workflows.admin.WorkflowStore;
import dev.nudge.platform.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  private final JourneyStack stack = new JourneyStack();
  private final RouterHandler handler = new RouterHandler(stack.runtime);
  private final Router router = new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(),
      stack.runtime.waits(), stack.executions, stack.clock);

  static String cart(String reentry) {
    return """
        id: cart
        name: Cart
        trigger:
          event: cart.updated
          where:
            properties.items: { gt: 0 }
        reentry: %s
        audience:
          consent: email
        goal:
          event: order.completed
          within: P7D
        exit:
          - event: cart.emptied
        steps:
          - id: reminder
            email: { template: cart-reminder }
          - id: opened
            waitFor: { event: email.opened, step: reminder, timeout: P1D }
        """.formatted(reentry);
  }

  private JsonNode deliver(long sequence, ObjectNode... events) {
    return handler.handle(StreamEvents.inserts(sequence, List.of(events)));
  }

  private List<JourneyRecord> journeys(String contactId) {
    return stack.runtime.journeys().forContact(contactId, "cart");
  }

  @Test
  void theSameTriggerEventDeliveredThreeTimesStartsOneJourney() {
    stack.publish(cart("always"));
    stack.contact("c1");
    ObjectNode event = stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}");

    JsonNode first = deliver(100, event, event);
    JsonNode replay = deliver(100, event);

    assertThat(first.path("batchItemFailures")).isEmpty();
    assertThat(replay.path("batchItemFailures")).isEmpty();
    assertThat(stack.executions.started).hasSize(1);
    assertThat(journeys("c1")).hasSize(1);
    var started = stack.executions.started.get(0);
    assertThat(started.targetArn()).isEqualTo(JourneyStack.stateMachineArn("cart") + ":live");
    assertThat(started.name()).hasSizeLessThanOrEqualTo(80).matches("[a-z0-9-]+");
    assertThat(started.input().path("contact").path("id").asText()).isEqualTo("c1");
    assertThat(started.input().path("trigger").path("properties").path("items").asInt()).isEqualTo(2);
  }

  @Test
  void aReplayAfterTheJourneyEndedIsRefusedByTheExecutionNameEvenWhenReentryIsAlways() {
    stack.publish(cart("always"));
    stack.contact("c1");
    ObjectNode event = stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}");
    router.route(event);
    JourneyRecord journey = journeys("c1").get(0);
    completed("c1", journey);

    assertThat(router.route(event).entries()).containsEntry("cart", JourneyEntry.Result.DUPLICATE);
    assertThat(router.route(stack.event("ev-2", "c1", "cart.updated", "{\"items\":1}")).entries())
        .containsEntry("cart", JourneyEntry.Result.STARTED);
    assertThat(stack.executions.started).hasSize(2);
  }

  @Test
  void aContactHasAtMostOneActiveJourneyPerWorkflow() {
    stack.publish(cart("always"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));

    var second = router.route(stack.event("ev-2", "c1", "cart.updated", "{\"items\":3}"));

    assertThat(second.entries()).containsEntry("cart", JourneyEntry.Result.ALREADY_ACTIVE);
    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void reentryNeverRefusesASecondJourneyAfterTheFirstEnded() {
    stack.publish(cart("never"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    endFirstJourney("c1");
    stack.clock.advance(Duration.ofDays(365));

    var second = router.route(stack.event("ev-2", "c1", "cart.updated", "{\"items\":2}"));

    assertThat(second.entries()).containsEntry("cart", JourneyEntry.Result.REENTRY_REFUSED);
    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void reentryAfterACooldownCountsFromTheEndOfThePreviousJourney() {
    stack.publish(cart("{ cooldown: P7D }"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    stack.clock.advance(Duration.ofDays(3));
    endFirstJourney("c1");

    stack.clock.advance(Duration.ofDays(7).minusMinutes(1));
    var tooSoon = router.route(stack.event("ev-2", "c1", "cart.updated", "{\"items\":2}"));
    stack.clock.advance(Duration.ofMinutes(1));
    var afterCooldown = router.route(stack.event("ev-3", "c1", "cart.updated", "{\"items\":2}"));

    assertThat(tooSoon.entries()).containsEntry("cart", JourneyEntry.Result.REENTRY_REFUSED);
    assertThat(afterCooldown.entries()).containsEntry("cart", JourneyEntry.Result.STARTED);
    assertThat(stack.executions.started).hasSize(2);
  }

  @Test
  void anEventThatFailsTheTriggerFilterStartsNothing() {
    stack.publish(cart("always"));
    stack.contact("c1");

    var routed = router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":0}"));

    assertThat(routed.entries()).isEmpty();
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void whenTheEnterStateRecordsTheJourneyFirstTheRouterAddsItsFieldsToThatRecord() {
    stack.publish(cart("always"));
    stack.contact("c1");
    var store = new dev.nudge.journeys.JourneyStore(stack.ddb, stack.variables.get("JOURNEYS_TABLE"));
    // Step Functions runs Enter as soon as the execution starts, possibly before the router's own write.
    Executions enterRunsFirst = new Executions() {
      @Override
      public Start start(String targetArn, String name, JsonNode input) {
        Start start = stack.executions.start(targetArn, name, input);
        store.started("c1", "cart", start.executionArn(), "arn-of-version-1", stack.clock.instant());
        return start;
      }

      @Override
      public boolean resume(String taskToken, JsonNode output) {
        return stack.executions.resume(taskToken, output);
      }

      @Override
      public void stop(String executionArn, String error, String cause) {
        stack.executions.stop(executionArn, error, cause);
      }
    };
    Router racing = new Router(stack.runtime.workflows(), new JourneyEntry(stack.runtime.contacts(),
        stack.runtime.journeys(), store, enterRunsFirst, stack.clock), stack.runtime.journeys(), stack.runtime.waits(),
        enterRunsFirst, stack.clock);

    var routed = racing.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));

    assertThat(routed.entries()).containsEntry("cart", JourneyEntry.Result.STARTED);
    assertThat(journeys("c1")).singleElement().satisfies(j -> {
      assertThat(j.triggerId()).isEqualTo("event:ev-1");
      assertThat(j.version()).isEqualTo("arn-of-version-1");
      assertThat(j.active()).isTrue();
    });
    assertThat(stack.runtime.journeys().activeIn("cart")).hasSize(1);
  }

  @Test
  void joiningTheTriggerListStartsAListJourney() {
    stack.publish("""
        id: newsletter-welcome
        name: Newsletter welcome
        trigger: { list: newsletter }
        steps:
          - id: hello
            email: { template: cart-reminder }
        """);
    stack.contact("c1");

    var otherList = router.route(stack.event("l-1", "c1", "list.joined", "{\"list\":\"vip\"}"));
    var joined = router.route(stack.event("l-2", "c1", "list.joined", "{\"list\":\"newsletter\"}"));

    assertThat(otherList.entries()).isEmpty();
    assertThat(joined.entries()).containsEntry("newsletter-welcome", JourneyEntry.Result.STARTED);
  }

  private static final String FIRST_ORDER = """
      id: first-order
      name: First order
      trigger: { event: order.completed }
      reentry: always
      audience:
        where:
          events.order.completed.count: 1
      steps:
        - id: thanks
          email: { template: cart-reminder }
      """;

  private Router freshRouter() {
    return new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(), stack.runtime.waits(),
        stack.executions, stack.clock);
  }

  /** What the contact-state consumer does with the record: count the event, exactly once. */
  private void consumerCounts(String contactId, ObjectNode event, long sequence) {
    stack.runtime.contacts().countEvent(contactId, contactId, event.path("type").asText(),
        dev.nudge.platform.Times.parse(event.path("occurredAt").asText()),
        dev.nudge.contacts.EventCounters.padded(Long.toString(sequence)));
  }

  @Test
  void aTriggerAudienceOnTheCountSeesTheFirstOrderBeforeTheConsumerCountedIt() {
    stack.publish(FIRST_ORDER);
    stack.contact("c1");

    var first = router.route(stack.event("o-1", "c1", "order.completed", "{}"), "101");

    assertThat(first.entries()).containsEntry("first-order", JourneyEntry.Result.STARTED);
  }

  @Test
  void theJourneysTriggerCarriesTheEventsStreamPositionForItsBranches() {
    stack.publish(FIRST_ORDER);
    stack.contact("c1");

    router.route(stack.event("o-1", "c1", "order.completed", "{}"), "101");

    assertThat(stack.executions.started).singleElement().satisfies(start ->
        assertThat(start.input().path("trigger").path("sequence").asText())
            .isEqualTo(dev.nudge.contacts.EventCounters.padded("101")));
  }

  @Test
  void aSecondOrderIsNotAFirstWhenTheConsumerHasCountedNeither() {
    stack.publish(FIRST_ORDER);
    stack.contact("c1");
    router.route(stack.event("o-1", "c1", "order.completed", "{}"), "101");

    var second = router.route(stack.event("o-2", "c1", "order.completed", "{}"), "102");

    assertThat(second.entries()).containsEntry("first-order", JourneyEntry.Result.NOT_IN_AUDIENCE);
    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void aSecondOrderIsNotAFirstWhenTheConsumerCountedOnlyTheFirstAndTheRouterRestarted() {
    stack.publish(FIRST_ORDER);
    stack.contact("c1");
    ObjectNode first = stack.event("o-1", "c1", "order.completed", "{}");
    router.route(first, "101");
    consumerCounts("c1", first, 101);

    var second = freshRouter().route(stack.event("o-2", "c1", "order.completed", "{}"), "102");

    assertThat(second.entries()).containsEntry("first-order", JourneyEntry.Result.NOT_IN_AUDIENCE);
  }

  @Test
  void anOrderTheConsumerCountedAlreadyIsNotCountedTwice() {
    stack.publish(FIRST_ORDER);
    stack.contact("c1");
    ObjectNode first = stack.event("o-1", "c1", "order.completed", "{}");
    consumerCounts("c1", first, 101);

    var routed = freshRouter().route(first, "101");

    assertThat(routed.entries()).containsEntry("first-order", JourneyEntry.Result.STARTED);
  }

  @Test
  void aContactOutsideTheAudienceDoesNotEnter() {
    stack.publish(cart("always"));
    stack.runtime.contacts().createIfAbsent("no-consent", stack.clock.instant());

    var routed = router.route(stack.event("ev-1", "no-consent", "cart.updated", "{\"items\":2}"));

    assertThat(routed.entries()).containsEntry("cart", JourneyEntry.Result.NOT_IN_AUDIENCE);
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void aPausedWorkflowTakesNoEntriesButAResumedOneDoes() {
    stack.publish(cart("always"));
    stack.contact("c1");
    WorkflowStore store = stack.runtime.store();
    assertThat(store.transition("cart", List.of(WorkflowStore.Status.ACTIVE), WorkflowStore.Status.PAUSED,
        stack.clock.instant())).isTrue();

    var paused = router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    store.transition("cart", List.of(WorkflowStore.Status.PAUSED), WorkflowStore.Status.ACTIVE, stack.clock.instant());
    var resumed = router.route(stack.event("ev-2", "c1", "cart.updated", "{\"items\":2}"));

    assertThat(paused.entries()).containsEntry("cart", JourneyEntry.Result.NOT_TAKING_ENTRIES);
    assertThat(resumed.entries()).containsEntry("cart", JourneyEntry.Result.STARTED);
    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void aGoalEventWithinTheWindowStopsTheJourneyAndRecordsAConversion() {
    stack.publish(cart("always"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    String execution = stack.executions.started.get(0).executionArn();
    stack.clock.advance(Duration.ofDays(2));

    var routed = router.route(stack.event("order-1", "c1", "order.completed", "{\"total\":40}"));

    assertThat(routed.ended()).containsExactly(execution);
    assertThat(stack.executions.stopped).singleElement()
        .satisfies(s -> assertThat(s.error()).isEqualTo(Router.GOAL_ERROR))
        .satisfies(s -> assertThat(s.executionArn()).isEqualTo(execution));
    JourneyRecord journey = journeys("c1").get(0);
    assertThat(journey.status()).isEqualTo(JourneyRecord.Status.ENDED);
    assertThat(journey.outcome()).isEqualTo(JourneyRecord.Outcome.CONVERTED);
    assertThat(journey.convertedAt()).isEqualTo(stack.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(stack.runtime.journeys().activeIn("cart")).isEmpty();
  }

  @Test
  void aGoalEventAfterTheConversionWindowEndsTheJourneyWithoutAConversion() {
    stack.publish(cart("always"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    stack.clock.advance(Duration.ofDays(8));

    router.route(stack.event("order-1", "c1", "order.completed", "{}"));

    JourneyRecord journey = journeys("c1").get(0);
    assertThat(journey.outcome()).isEqualTo(JourneyRecord.Outcome.EXITED);
    assertThat(journey.convertedAt()).isNull();
  }

  @Test
  void anExitEventStopsTheJourneyWithoutAConversion() {
    stack.publish(cart("always"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));

    router.route(stack.event("ev-2", "c1", "cart.emptied", "{}"));

    assertThat(stack.executions.stopped).singleElement()
        .satisfies(s -> assertThat(s.error()).isEqualTo(Router.EXIT_ERROR));
    assertThat(journeys("c1").get(0).outcome()).isEqualTo(JourneyRecord.Outcome.EXITED);
  }

  @Test
  void aWaitForEventResumesOnlyTheJourneyWhoseMessageItNames() {
    stack.publish(cart("always"));
    stack.contact("c1");
    stack.contact("c2");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    router.route(stack.event("ev-2", "c2", "cart.updated", "{\"items\":2}"));
    String arn1 = stack.executions.started.get(0).executionArn();
    String arn2 = stack.executions.started.get(1).executionArn();
    // As the step actions register them: each waits for the opening of the e-mail its journey sent.
    stack.runtime.waits().register(wait("c1", arn1, "token-1", "ses-msg-1"));
    stack.runtime.waits().register(wait("c2", arn2, "token-2", "ses-msg-2"));

    var otherMessage = router.route(stack.event("o-1", "c1", "email.opened", "{\"messageId\":\"ses-msg-2\"}"));
    var noMessage = router.route(stack.event("o-2", "c1", "email.opened", "{}"));
    var match = router.route(stack.event("o-3", "c1", "email.opened", "{\"messageId\":\"ses-msg-1\"}"));

    assertThat(otherMessage.resumed()).isEmpty();
    assertThat(noMessage.resumed()).isEmpty();
    assertThat(match.resumed()).containsExactly(arn1);
    assertThat(stack.executions.resumed).singleElement().satisfies(r -> {
      assertThat(r.taskToken()).isEqualTo("token-1");
      assertThat(r.output().path("event").path("id").asText()).isEqualTo("o-3");
    });
    assertThat(stack.runtime.waits().waitingFor("c1", "email.opened")).isEmpty();
    assertThat(stack.runtime.waits().waitingFor("c2", "email.opened")).hasSize(1);
  }

  private static final String PRICING_VISIT_WITHOUT_WAIT = """
      id: pricing-visit
      name: Pricing visit
      trigger: { event: trial.started }
      steps:
        - id: hello
          email: { template: cart-reminder }
      """;

  private String waitForPageView(String contactId) {
    router.route(stack.event("t-" + contactId, contactId, "trial.started", "{}"));
    String arn = stack.executions.started.get(stack.executions.started.size() - 1).executionArn();
    stack.runtime.waits().register(new WaitRegistrations.Wait(contactId, "page.viewed", arn, "visited", "pricing-visit",
        "token-" + contactId, null, null, stack.clock.instant().plus(Duration.ofDays(2))));
    return arn;
  }

  @Test
  void anEventNoWorkflowTriggersEndsOrWaitsForIsNotRouted() {
    stack.publish(cart("always"));
    stack.contact("c1");

    var routed = router.route(stack.event("p-1", "c1", "page.viewed", "{}"), "1001");

    assertThat(routed.ended()).isEmpty();
    assertThat(routed.resumed()).isEmpty();
    assertThat(routed.entries()).isEmpty();
  }

  @Test
  void aJourneyOfAnOlderVersionIsResumedByTheEventItWaitsForAfterANewerVersionStoppedWaitingForIt() {
    stack.publish(JourneyStack.PRICING_VISIT);
    stack.contact("c1");
    String arn = waitForPageView("c1");
    stack.publish(PRICING_VISIT_WITHOUT_WAIT); // version 2 waits for nothing

    var routed = router.route(stack.event("p-1", "c1", "page.viewed", "{}"));

    assertThat(routed.resumed()).containsExactly(arn);
  }

  @Test
  void aWorkflowPublishedBeforeItsWaitsWereRecordedHasItsVersionsReadToFindThem() {
    stack.publish(JourneyStack.PRICING_VISIT);
    stack.contact("c1");
    String arn = waitForPageView("c1");
    // The META item as the previous release wrote it: no record of its versions' waits.
    stack.ddb.updateItem(u -> u.tableName(stack.variables.get("WORKFLOWS_TABLE"))
        .key(java.util.Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("pricing-visit"),
            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("META")))
        .updateExpression("REMOVE waitsFrom, waitedEvents"));

    var routed = router.route(stack.event("p-1", "c1", "page.viewed", "{}"));

    assertThat(routed.resumed()).containsExactly(arn);
  }

  @Test
  void aWaitWithAFilterResumesOnlyOnAMatchingEvent() {
    stack.publish(cart("always"));
    stack.publish(JourneyStack.PRICING_VISIT);
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    String arn = stack.executions.started.get(0).executionArn();
    stack.runtime.waits().register(new WaitRegistrations.Wait("c1", "page.viewed", arn, "visited", "cart", "token-1",
        null, "{\"properties.path\":{\"eq\":\"/pricing\"}}", stack.clock.instant().plus(Duration.ofDays(2))));

    var other = router.route(stack.event("p-1", "c1", "page.viewed", "{\"path\":\"/blog\"}"));
    var pricing = router.route(stack.event("p-2", "c1", "page.viewed", "{\"path\":\"/pricing\"}"));

    assertThat(other.resumed()).isEmpty();
    assertThat(pricing.resumed()).containsExactly(arn);
  }

  @Test
  void aWaitWhoseTokenDiedIsDeletedWithoutResuming() {
    stack.publish(cart("always"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    String arn = stack.executions.started.get(0).executionArn();
    stack.runtime.waits().register(wait("c1", arn, "dead", "ses-msg-1"));
    stack.executions.deadTokens.add("dead");

    var routed = router.route(stack.event("o-1", "c1", "email.opened", "{\"messageId\":\"ses-msg-1\"}"));

    assertThat(routed.resumed()).isEmpty();
    assertThat(stack.runtime.waits().waitingFor("c1", "email.opened")).isEmpty();
  }

  @Test
  void aFailedRecordIsReportedAndTheRecordsAfterItAreLeftForTheRetry() {
    stack.publish(cart("always"));
    stack.contact("c1");
    stack.contact("c2");
    Executions failing = new Executions() {
      @Override
      public Start start(String targetArn, String name, JsonNode input) {
        if (input.path("contact").path("id").asText().equals("c1")) {
          throw new IllegalStateException("Step Functions throttled");
        }
        return stack.executions.start(targetArn, name, input);
      }

      @Override
      public boolean resume(String taskToken, JsonNode output) {
        return stack.executions.resume(taskToken, output);
      }

      @Override
      public void stop(String executionArn, String error, String cause) {
        stack.executions.stop(executionArn, error, cause);
      }
    };
    // Our own interface, not an SDK client: a throttled StartExecution cannot be produced otherwise.
    var runtime = new dev.nudge.journeys.JourneyRuntime(stack.runtime.contacts(), stack.runtime.journeys(),
        stack.runtime.waits(), stack.runtime.store(), stack.runtime.workflows(),
        new JourneyEntry(stack.runtime.contacts(), stack.runtime.journeys(),
            new dev.nudge.journeys.JourneyStore(stack.ddb, stack.variables.get("JOURNEYS_TABLE")), failing, stack.clock), failing, stack.clock);
    RouterHandler faulty = new RouterHandler(runtime);

    JsonNode response = faulty.handle(StreamEvents.inserts(7, List.of(
        stack.event("ev-0", "c2", "page.viewed", "{}"),
        stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"),
        stack.event("ev-2", "c2", "cart.updated", "{\"items\":2}"))));

    assertThat(response.path("batchItemFailures")).hasSize(1);
    assertThat(response.path("batchItemFailures").get(0).path("itemIdentifier").asText()).isEqualTo("8");
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void streamRecordsDecodeToTheEventDocument() {
    ObjectNode event = stack.event("ev-1", "c1", "cart.updated", "{\"items\":2,\"sku\":[\"a\",\"b\"],\"gift\":true}");
    JsonNode image = StreamEvents.inserts(1, List.of(event)).path("Records").get(0).path("dynamodb").path("NewImage");

    ObjectNode decoded = StreamRecords.event(image);

    // Compared as text: the decoder yields long nodes where the fixture has int nodes.
    assertThat(Json.write(decoded)).isEqualTo(Json.write(event));
  }

  private WaitRegistrations.Wait wait(String contactId, String executionArn, String token, String messageId) {
    return new WaitRegistrations.Wait(contactId, "email.opened", executionArn, "opened", "cart", token, messageId, null,
        stack.clock.instant().plus(Duration.ofDays(2)));
  }

  /** What the state machine's Complete state does (the step actions' JourneyStore). */
  private void completed(String contactId, JourneyRecord journey) {
    new dev.nudge.journeys.JourneyStore(stack.ddb, stack.variables.get("JOURNEYS_TABLE")).ended(contactId, "cart",
        journey.executionArn(), dev.nudge.journeys.JourneyStore.Status.COMPLETED, null, stack.clock.instant());
  }

  private void endFirstJourney(String contactId) {
    JourneyRecord journey = journeys(contactId).get(0);
    completed(contactId, journey);
  }


  @Test
  void aWorkflowWhoseAudienceNamesASegmentStartsOnlyForItsMembers() {
    stack.publish("""
        id: vip
        name: VIP
        trigger: { event: page.viewed }
        audience: { inSegments: [best-customers] }
        steps:
          - id: thanks
            email: { template: cart-reminder }
        """);
    stack.contact("member");
    stack.contact("stranger");
    new dev.nudge.audiences.SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"))
        .enter("best-customers", "member", stack.clock.instant());
    deliver(100, stack.event("v1", "member", "page.viewed", "{}"), stack.event("v2", "stranger", "page.viewed", "{}"));
    assertThat(stack.executions.started).extracting(s -> s.input().path("contact").path("id").asText())
        .containsExactly("member");
  }

  @Test
  void aConversionsDelayFromTheJourneysStartGoesIntoTheWorkflowsTimeToConversion() {
    var stats = stack.stats();
    Router counting = new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(),
        stack.runtime.waits(), stack.executions, stack.clock, stats);
    stack.publish(cart("always"));
    stack.contact("c1");
    counting.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    stack.clock.advance(Duration.ofHours(3));
    counting.route(stack.event("order-1", "c1", "order.completed", "{\"total\":40}"));
    counting.route(stack.event("order-1", "c1", "order.completed", "{\"total\":40}"));

    var report = dev.nudge.stats.WorkflowStatsReport.of("cart", stats.read("cart"));
    var time = report.path("versions").get(0).path("journeys").path("timeToConversion");
    assertThat(time.path("samples").asLong()).isEqualTo(1);
    assertThat(time.path("p50").asText()).isEqualTo("PT4H");
  }

  @Test
  void aGoalReachedAfterTheJourneyCompletedWithinTheWindowCountsOnceAsAConversion() {
    var stats = stack.stats();
    Router counting = new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(),
        stack.runtime.waits(), stack.executions, stack.clock, stats);
    stack.publish(cart("always"));
    stack.contact("c1");
    counting.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    endFirstJourney("c1");
    stack.clock.advance(Duration.ofDays(2));

    var routed = counting.route(stack.event("order-1", "c1", "order.completed", "{\"total\":40}"));
    counting.route(stack.event("order-2", "c1", "order.completed", "{\"total\":40}"));

    assertThat(routed.ended()).isEmpty();
    assertThat(stack.executions.stopped).isEmpty();
    JourneyRecord journey = journeys("c1").get(0);
    assertThat(journey.outcome()).isEqualTo(JourneyRecord.Outcome.COMPLETED);
    assertThat(journey.convertedAt()).isNotNull();
    var report = dev.nudge.stats.WorkflowStatsReport.of("cart", stats.read("cart"));
    assertThat(report.path("versions").get(0).path("journeys").path("converted").asLong()).isEqualTo(1);
  }

  @Test
  void aGoalAfterACompletedJourneysWindowIsNoConversion() {
    stack.publish(cart("always"));
    stack.contact("c1");
    router.route(stack.event("ev-1", "c1", "cart.updated", "{\"items\":2}"));
    endFirstJourney("c1");
    stack.clock.advance(Duration.ofDays(8));

    router.route(stack.event("order-1", "c1", "order.completed", "{}"));

    assertThat(journeys("c1").get(0).convertedAt()).isNull();
  }
}
