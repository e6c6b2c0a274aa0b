package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.DateAttributeIndex;
import dev.nudge.journeys.routing.Router;
import dev.nudge.journeys.schedule.DateTriggers;
import dev.nudge.testing.CountingDynamoDb;
import dev.nudge.testing.SamTemplate;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.WorkflowPublisher;
import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.admin.WorkflowAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The router's, the date scheduler's and the workflow admin's IAM policies in template.yaml allow
 * every DynamoDB call they make (recorded from real runs against DynamoDB Local).
 */
class JourneyLeastPrivilegeTest {
  private final JourneyStack stack = new JourneyStack();
  private final CountingDynamoDb calls = new CountingDynamoDb();
  private final JourneyRuntime counted = JourneyRuntime.of(stack.env(), calls.client(), stack.executions);

  private String logical(String permission) {
    String result = permission;
    for (var e : Map.of("CONTACTS_TABLE", "ContactsTable", "EVENTS_TABLE", "EventsTable",
        "JOURNEYS_TABLE", "JourneysTable", "WORKFLOWS_TABLE", "WorkflowsTable", "STATS_TABLE", "StatsTable", "TIMERS_TABLE", "TimersTable", "SEGMENTS_TABLE", "SegmentsTable").entrySet()) {
      result = result.replace(stack.variables.get(e.getKey()), e.getValue());
    }
    return result;
  }

  private static Set<String> granted(String function) {
    Set<String> grants = new HashSet<>();
    for (JsonNode policy : SamTemplate.load().resource(function).path("Properties").path("Policies")) {
      for (JsonNode statement : policy.path("Statement")) {
        JsonNode actions = statement.path("Action");
        JsonNode resources = statement.path("Resource");
        for (JsonNode action : actions.isArray() ? actions : List.of(actions)) {
          for (JsonNode resource : resources.isArray() ? resources : List.of(resources)) {
            grants.add(action.asText() + " " + resource.asText().replace("${", "").replace(".Arn}", "").replace(".Arn", ""));
          }
        }
      }
    }
    return grants;
  }

  private void assertGranted(String function) {
    Set<String> missing = new TreeSet<>();
    Set<String> grants = granted(function);
    calls.permissions().stream().map(this::logical).filter(p -> !grants.contains(p)).forEach(missing::add);
    assertThat(calls.permissions()).isNotEmpty();
    assertThat(missing).as("calls of %s that its policy does not allow", function).isEmpty();
  }

  private static final String CART = """
      id: cart
      name: Cart
      trigger: { event: cart.updated }
      reentry: always
      goal: { event: order.completed }
      steps:
        - id: reminder
          email: { template: cart-reminder }
      """;

  @Test
  void theRoutersPolicyCoversStartingResumingAndEnding() {
    stack.publish(CART);
    stack.publish(JourneyStack.PRICING_VISIT); // journeys that wait for page views
    stack.contact("c1");
    Router router = new Router(counted.workflows(), counted.entry(), counted.journeys(), counted.waits(),
        stack.executions, stack.clock, new dev.nudge.stats.StepStats(calls.client(), stack.variables.get("STATS_TABLE")),
        null, new dev.nudge.contacts.EventCounters(counted.contacts(),
            new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE"))));
    router.refreshWorkflows(); // the per-batch revision check
    router.route(stack.event("e1", "c1", "cart.updated", "{}"), "1001");
    // A contact id tracked before it has a profile: the router creates it from the stored event.
    new dev.nudge.contacts.EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE")).putIfAbsent(
        new dev.nudge.contacts.TrackedEvent("c2", "e0", "cart.updated", dev.nudge.platform.Json.object(),
            stack.clock.instant(), stack.clock.instant(), "test"), stack.clock.instant().plus(Duration.ofDays(1)));
    router.route(stack.event("e0", "c2", "cart.updated", "{}"), "1002");
    String arn = stack.executions.started.get(0).executionArn();
    stack.runtime.waits().register(new WaitRegistrations.Wait("c1", "page.viewed", arn, "s", "cart", "t", null, null,
        stack.clock.instant().plus(Duration.ofDays(1))));
    router.route(stack.event("e2", "c1", "page.viewed", "{}"));
    router.route(stack.event("e3", "c1", "order.completed", "{}"));

    assertThat(stack.executions.started).hasSize(2);
    assertThat(stack.executions.resumed).hasSize(1);
    assertThat(stack.executions.stopped).hasSize(1);
    assertGranted("RouterFunction");
  }

  @Test
  void theDateSchedulersPolicyCoversFindingAndStarting() {
    stack.publish(Workflows.bundledText("birthday"));
    stack.contact("c1", "Europe/Madrid", Map.of("birthday", "1990-03-05"));
    stack.clock.set(Instant.parse("2026-03-05T08:00:00Z"));

    var fired = new DateTriggers(counted.workflows(), new DateAttributeIndex(calls.client(),
        stack.variables.get("CONTACTS_TABLE")), counted.entry(), stack.clock, Duration.ofHours(1)).run();

    assertThat(fired).hasSize(1);
    assertGranted("DateTriggerFunction");
  }

  @Test
  void theWorkflowAdminsPolicyCoversTheLifecycle() {
    WorkflowAdmin admin = new WorkflowAdmin(counted.store(), new BundledTemplates(),
        (w, d, n) -> new WorkflowPublisher.Published(JourneyStack.stateMachineArn(w.id()),
            JourneyStack.stateMachineArn(w.id()) + ":1", JourneyStack.stateMachineArn(w.id()) + ":live", true),
        counted.journeys(), counted.entry(), stack.executions, stack.clock);
    admin.saveDraft("cart", CART);
    admin.validate("cart");
    admin.publish("cart", "first");
    admin.pause("cart");
    admin.resume("cart");
    admin.list();
    admin.versions("cart");
    stack.contact("c1");
    new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(), stack.runtime.waits(),
        stack.executions, stack.clock).route(stack.event("e1", "c1", "cart.updated", "{}"));
    assertThat(admin.archive("cart").journeysStopped()).isEqualTo(1);
    admin.saveDraft("receipt", """
        id: receipt
        name: Receipt
        trigger: { api: true }
        steps:
          - id: thanks
            email: { template: cart-reminder }
        """);
    admin.publish("receipt", null);
    assertThat(admin.trigger("receipt", "c1", "order-1", null)).isEqualTo(JourneyEntry.Result.STARTED);

    assertGranted("WorkflowsAdminFunction");
  }

  /** A router as the template wires it (workflows cached 30 s) whose every DynamoDB call {@code calls} records. */
  private Router cachedRouter(CountingDynamoDb calls) {
    JourneyRuntime measured = JourneyRuntime.of(new dev.nudge.platform.Environment(
        Map.of("CONTACTS_TABLE", stack.variables.get("CONTACTS_TABLE"), "JOURNEYS_TABLE", stack.variables.get("JOURNEYS_TABLE"),
            "WORKFLOWS_TABLE", stack.variables.get("WORKFLOWS_TABLE"), "WORKFLOW_CACHE_SECONDS", "30"), stack.clock),
        calls.client(), stack.executions);
    return new Router(measured.workflows(), measured.entry(), measured.journeys(), measured.waits(),
        stack.executions, stack.clock);
  }

  @Test
  void anEventAWorkflowWaitsForCostsTwoQueriesAndNoWrite() {
    stack.publish(CART);
    stack.publish(JourneyStack.PRICING_VISIT);
    stack.contact("c1");
    Router router = new Router(counted.workflows(), counted.entry(), counted.journeys(), counted.waits(),
        stack.executions, stack.clock);
    router.route(stack.event("warm", "c1", "page.viewed", "{}"));
    CountingDynamoDb perEvent = new CountingDynamoDb();
    Router cached = cachedRouter(perEvent);
    cached.route(stack.event("first", "c1", "page.viewed", "{}"));
    int afterFirst = perEvent.operations().size();

    cached.route(stack.event("second", "c1", "page.viewed", "{}"));

    // Resolve the contact (its partition) and look for waits; the workflow list comes from the cache.
    assertThat(perEvent.operations().subList(afterFirst, perEvent.operations().size())).containsExactly("Query", "Query");
    assertThat(perEvent.writeUnits()).isZero();
  }

  @Test
  void anEventNoWorkflowTriggersEndsOrWaitsForCostsNoCall() {
    stack.publish(CART);
    stack.contact("c1");
    CountingDynamoDb perEvent = new CountingDynamoDb();
    Router cached = cachedRouter(perEvent);
    cached.route(stack.event("first", "c1", "page.viewed", "{}")); // loads the workflows
    int afterFirst = perEvent.operations().size();

    cached.route(stack.event("second", "c1", "page.viewed", "{}"));

    assertThat(perEvent.operations().subList(afterFirst, perEvent.operations().size())).isEmpty();
  }

  @Test
  void theFeedbackFunctionsPolicyCoversStoringSuppressingAndCounting() {
    stack.contact("c1");
    var service = new dev.nudge.feedback.FeedbackService(
        new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE")),
        new dev.nudge.contacts.ContactRepository(calls.client(), stack.variables.get("CONTACTS_TABLE")),
        new dev.nudge.stats.StepStats(calls.client(), stack.variables.get("STATS_TABLE")), Duration.ofDays(400), stack.clock);
    var tags = new dev.nudge.messaging.MessageTags("cart", "1", "reminder", "c1", "arn:exec").toSes();
    var bounce = dev.nudge.feedback.FeedbackServiceTest.sesEvent("Bounce", "m-1", tags,
        "{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\",\"timestamp\":\"2026-03-02T10:00:00Z\"}");
    assertThat(service.handle(bounce)).isEqualTo(dev.nudge.feedback.FeedbackService.Result.STORED);
    assertGranted("FeedbackFunction");
  }

  private dev.nudge.contacts.ContactService countedConsent() {
    return new dev.nudge.contacts.ContactService(
        new dev.nudge.contacts.ContactRepository(calls.client(), stack.variables.get("CONTACTS_TABLE")),
        new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE")), stack.clock,
        Duration.ofDays(400));
  }

  private void smsContact(String id, String phone) {
    stack.runtime.contacts().createIfAbsent(id, stack.clock.instant());
    stack.runtime.contacts().update(id, new dev.nudge.contacts.ProfileUpdate(null, phone, Map.of(), null, null, Set.of(),
        Set.of(), null, Map.of(dev.nudge.contacts.Channel.SMS, new dev.nudge.contacts.Consent(
            dev.nudge.contacts.ConsentStatus.SUBSCRIBED, "test", stack.clock.instant()))), stack.clock.instant());
  }

  @Test
  void theFeedbackFunctionsPolicyCoversAStopReply() {
    smsContact("c2", "+34612000201");
    var replies = new dev.nudge.feedback.SmsReplies(
        new dev.nudge.contacts.ContactRepository(calls.client(), stack.variables.get("CONTACTS_TABLE")), countedConsent(),
        stack.clock);
    var stop = dev.nudge.platform.Json.object().put("originationNumber", "+34612000201")
        .put("destinationNumber", "+18005550100").put("messageKeyword", "STOP").put("messageBody", "STOP")
        .put("inboundMessageId", "in-1");
    assertThat(replies.handle(stop)).isEqualTo(dev.nudge.feedback.SmsReplies.Result.UNSUBSCRIBED);
    assertGranted("FeedbackFunction");
  }

  @Test
  void theStepFunctionsPolicyCoversRecordingAnOptOutTheSmsProviderReports() {
    smsContact("c3", "+34612000301");
    assertThat(countedConsent().withdraw("c3", dev.nudge.contacts.Channel.SMS, "sms-provider-opt-out",
        stack.clock.instant())).isTrue();
    assertGranted("StepFunction");
  }

  @Test
  void theScoringAdminsPolicyCoversPublishing() {
    var store = new dev.nudge.audiences.ScoringStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE"));
    assertThat(store.save(dev.nudge.audiences.ScoringRulesTest.RULES, 0, stack.clock.instant())).isTrue();
    assertThat(store.current()).isPresent();
    assertGranted("AudiencesAdminFunction");
  }

  @Test
  void theContactStateFunctionsPolicyCoversApplyingTheRules() {
    new dev.nudge.audiences.ScoringStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(dev.nudge.audiences.ScoringRulesTest.RULES, 0, stack.clock.instant());
    var store = new dev.nudge.audiences.ScoringStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE"));
    stack.contact("lead");
    var segmentStore = new dev.nudge.audiences.SegmentStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE"));
    String engaged = """
        id: engaged
        name: Engaged
        when: { event: { type: webinar.attended, within: P30D } }
        """;
    new dev.nudge.audiences.SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(dev.nudge.audiences.Segment.parse(engaged, "engaged").segment(), engaged, stack.clock.instant());
    var handler = new dev.nudge.audiences.ContactStateHandler(dev.nudge.audiences.ContactStateHandler.published(store),
        new dev.nudge.audiences.LeadScores(calls.client(), stack.variables.get("CONTACTS_TABLE"),
            new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE")), stack.clock,
            Duration.ofDays(400), new dev.nudge.audiences.ContactTimers(calls.client(), stack.variables.get("TIMERS_TABLE"))),
        segmentStore::parsed, new dev.nudge.audiences.Segments(
            new dev.nudge.contacts.ContactRepository(calls.client(), stack.variables.get("CONTACTS_TABLE")),
            new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE")),
            new dev.nudge.audiences.SegmentMembers(calls.client(), stack.variables.get("SEGMENTS_TABLE"),
                stack.variables.get("CONTACTS_TABLE")),
            new dev.nudge.audiences.ContactTimers(calls.client(), stack.variables.get("TIMERS_TABLE")), stack.clock,
            Duration.ofDays(400), new dev.nudge.contacts.WindowCounters(calls.client(), stack.variables.get("CONTACTS_TABLE"),
                Duration.ofDays(400), stack.clock)),
        new dev.nudge.contacts.EventCounters(
            new dev.nudge.contacts.ContactRepository(calls.client(), stack.variables.get("CONTACTS_TABLE")),
            new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE"))),
        new dev.nudge.contacts.WindowCounters(calls.client(), stack.variables.get("CONTACTS_TABLE"), Duration.ofDays(400),
            stack.clock));
    var batch = dev.nudge.platform.Json.object();
    // A known contact's event, and the first event of a contact id tracked without a profile.
    for (String[] e : new String[][] {{"lead", "w1", "1001"}, {"visitor", "v1", "1002"}}) {
      var record = batch.withArray("Records").addObject().put("eventName", "INSERT");
      var dynamodb = record.putObject("dynamodb").put("SequenceNumber", e[2]);
      var image = dynamodb.putObject("NewImage");
      image.putObject("contactId").put("S", e[0]);
      image.putObject("eventId").put("S", e[1]);
      image.putObject("type").put("S", "webinar.attended");
      image.putObject("occurredAt").put("S", dev.nudge.platform.Times.format(stack.clock.instant()));
      // The consumer sees the event once it is stored (the stream's NewImage).
      new dev.nudge.contacts.EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE")).putIfAbsent(
          new dev.nudge.contacts.TrackedEvent(e[0], e[1], "webinar.attended", dev.nudge.platform.Json.object(),
              stack.clock.instant(), stack.clock.instant(), "test"), stack.clock.instant().plus(Duration.ofDays(1)));
    }
    assertThat(handler.handle(batch).path("batchItemFailures")).isEmpty();
    assertThat(stack.runtime.contacts().find("lead").orElseThrow().leadScore()).isEqualTo(20);
    assertThat(stack.runtime.contacts().find("visitor").orElseThrow().events()).containsKey("webinar.attended");
    assertThat(new dev.nudge.audiences.SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"))
        .isMember("engaged", "lead")).isTrue();
    assertGranted("ContactStateFunction");
  }

  @Test
  void theSegmentEvaluationFunctionsPolicyCoversAPage() {
    String definition = """
        id: readers
        name: Readers
        when: { event: { type: page.viewed, within: P30D } }
        """;
    var setup = new dev.nudge.audiences.SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"));
    setup.save(dev.nudge.audiences.Segment.parse(definition, "readers").segment(), definition, stack.clock.instant());
    new dev.nudge.audiences.SegmentEvaluations(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .start("readers", 1, stack.clock.instant());
    stack.contact("reader");
    new dev.nudge.contacts.EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE")).putIfAbsent(
        new dev.nudge.contacts.TrackedEvent("reader", "v1", "page.viewed", dev.nudge.platform.Json.object(),
            stack.clock.instant(), stack.clock.instant(), "test"), stack.clock.instant().plus(Duration.ofDays(1)));
    var store = new dev.nudge.audiences.SegmentStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE"));
    var evaluation = new dev.nudge.audiences.SegmentEvaluation(calls.client(), stack.variables.get("CONTACTS_TABLE"),
        store, store::parsed, new dev.nudge.audiences.Segments(
            new dev.nudge.contacts.ContactRepository(calls.client(), stack.variables.get("CONTACTS_TABLE")),
            new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE")),
            new dev.nudge.audiences.SegmentMembers(calls.client(), stack.variables.get("SEGMENTS_TABLE"),
                stack.variables.get("CONTACTS_TABLE")),
            new dev.nudge.audiences.ContactTimers(calls.client(), stack.variables.get("TIMERS_TABLE")), stack.clock,
            Duration.ofDays(400)),
        new dev.nudge.audiences.SegmentEvaluations(calls.client(), stack.variables.get("WORKFLOWS_TABLE")), stack.clock,
        100, Duration.ofSeconds(30), 2);
    var input = dev.nudge.platform.Json.object().put("segment", "readers").put("version", 1).put("page", 0);
    assertThat(evaluation.page(input).path("done").asBoolean()).isTrue();
    assertThat(new dev.nudge.audiences.SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"))
        .isMember("readers", "reader")).isTrue();
    assertGranted("SegmentEvaluationFunction");
  }

  @Test
  void theAudiencesAdminsPolicyCoversSavingASegmentAndStartingItsEvaluation() {
    var workflows = stack.variables.get("WORKFLOWS_TABLE");
    var handler = new dev.nudge.audiences.AudiencesAdminHandler(
        new dev.nudge.audiences.ScoringStore(calls.client(), workflows),
        new dev.nudge.audiences.SegmentStore(calls.client(), workflows),
        new dev.nudge.audiences.SegmentMembers(calls.client(), stack.variables.get("SEGMENTS_TABLE")), null, stack.clock,
        new dev.nudge.audiences.SegmentEvaluations(calls.client(), workflows), stack.executions,
        "arn:aws:states:us-east-1:123456789012:stateMachine:segment-evaluation");
    var event = dev.nudge.testing.TrackingStack.event("track-signed.json", "PUT /v1/segments/{id}",
        "id: readers\nname: Readers\nwhen: { inList: newsletter }\n");
    event.put("rawPath", "/v1/segments/readers");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/segments/readers");
    event.putObject("pathParameters").put("id", "readers");
    assertThat(dev.nudge.testing.TrackingStack.invoke(handler, event).status()).isEqualTo(200);
    assertThat(stack.executions.started).hasSize(1);
    assertGranted("AudiencesAdminFunction");
  }

  @Test
  void theContactTimersFunctionsPolicyCoversFiringADecayTimer() {
    new dev.nudge.audiences.ScoringStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(dev.nudge.audiences.ScoringRulesTest.RULES, 0, stack.clock.instant());
    stack.contact("idle");
    var rules = dev.nudge.audiences.ScoringRules.parse(dev.nudge.audiences.ScoringRulesTest.RULES).rules();
    var uncounted = new dev.nudge.audiences.LeadScores(stack.ddb, stack.variables.get("CONTACTS_TABLE"),
        new dev.nudge.contacts.EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE")), stack.clock,
        Duration.ofDays(400), new dev.nudge.audiences.ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE")));
    var webinar = dev.nudge.platform.Json.object().put("id", "w").put("type", "webinar.attended").put("contactId", "idle");
    for (int i = 1; i <= 3; i++) {
      uncounted.apply(rules, webinar.put("id", "w" + i), Integer.toString(i));
    }
    stack.clock.advance(Duration.ofDays(30));
    var timers = new dev.nudge.audiences.ContactTimers(calls.client(), stack.variables.get("TIMERS_TABLE"));
    var handler = new dev.nudge.audiences.ContactTimersHandler(timers, dev.nudge.audiences.ContactStateHandler.published(
        new dev.nudge.audiences.ScoringStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE"))),
        new dev.nudge.audiences.LeadScores(calls.client(), stack.variables.get("CONTACTS_TABLE"),
            new dev.nudge.contacts.EventRepository(calls.client(), stack.variables.get("EVENTS_TABLE")), stack.clock,
            Duration.ofDays(400), timers), stack.clock);
    assertThat(handler.run().path("scoreCrossings").asInt()).isEqualTo(1);
    assertGranted("ContactTimersFunction");
  }

  @Test
  void theBroadcastFunctionsPolicyCoversAPage() {
    stack.publish(JourneyStack.PRODUCT_NEWS);
    stack.contact("reader");
    new dev.nudge.audiences.SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"))
        .enter("readers", "reader", stack.clock.instant());
    var runs = new dev.nudge.journeys.broadcast.BroadcastRuns(calls.client(), stack.variables.get("WORKFLOWS_TABLE"));
    runs.create("product-news", "launch", "readers", stack.clock.instant());
    new dev.nudge.contacts.ListIndex(stack.ddb, stack.variables.get("CONTACTS_TABLE")).sync("reader", List.of("customers"),
        List.of());
    stack.ddb.updateItem(b -> b.tableName(stack.variables.get("CONTACTS_TABLE"))
        .key(Map.of("pk", AttributeValue.fromS("C#reader"), "sk", AttributeValue.fromS("PROFILE")))
        .updateExpression("ADD lists :l").expressionAttributeValues(Map.of(":l", AttributeValue.fromSs(List.of("customers")))));
    runs.create("product-news", "to-list", new dev.nudge.journeys.broadcast.BroadcastAudience(null, "customers",
        dev.nudge.platform.Json.object().put("consent.email.status", "subscribed")), stack.clock.instant());
    var broadcasts = new dev.nudge.journeys.broadcast.Broadcasts(counted.store(),
        new dev.nudge.audiences.SegmentMembers(calls.client(), stack.variables.get("SEGMENTS_TABLE")),
        new dev.nudge.contacts.ListIndex(calls.client(), stack.variables.get("CONTACTS_TABLE")),
        counted.entry(), runs, stack.clock, 100, 14);
    var state = dev.nudge.platform.Json.object().put("workflow", "product-news").put("run", "launch")
        .put("segment", "readers").put("page", 0);
    assertThat(broadcasts.page(state).path("done").asBoolean()).isTrue();
    assertThat(runs.find("product-news", "launch").orElseThrow().reached()).isEqualTo(1);
    var toList = dev.nudge.platform.Json.object().put("workflow", "product-news").put("run", "to-list")
        .put("list", "customers").put("page", 0);
    toList.putObject("where").put("consent.email.status", "subscribed");
    assertThat(broadcasts.page(toList).path("done").asBoolean()).isTrue();
    assertThat(runs.find("product-news", "to-list").orElseThrow().skippedBy()).containsOnlyKeys("already_active");
    assertGranted("BroadcastFunction");
  }

  @Test
  void erasingAContactRemovesTheirSegmentMembershipsAndTimersWithinTheContactAdminsPolicy() {
    String definition = "id: readers\nname: Readers\nwhen: { consent: email }\n";
    new dev.nudge.audiences.SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(dev.nudge.audiences.Segment.parse(definition, "readers").segment(), definition, stack.clock.instant());
    var uncountedMembers = new dev.nudge.audiences.SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"));
    stack.contact("gone");
    uncountedMembers.enter("readers", "gone", stack.clock.instant());
    uncountedMembers.enter("readers", "stays", stack.clock.instant());
    new dev.nudge.audiences.ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE"))
        .arm("gone", "segments", stack.clock.instant().plus(Duration.ofDays(3)));

    var erasure = new dev.nudge.audiences.AudienceErasure(
        new dev.nudge.audiences.SegmentStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE")),
        new dev.nudge.audiences.SegmentMembers(calls.client(), stack.variables.get("SEGMENTS_TABLE")), calls.client(),
        stack.variables.get("TIMERS_TABLE"), stack.variables.get("CONTACTS_TABLE"), stack.clock);
    assertThat(erasure.erase(List.of("gone"))).isEqualTo(2);

    for (String table : List.of("SEGMENTS_TABLE", "TIMERS_TABLE")) {
      assertThat(stack.ddb.scan(b -> b.tableName(stack.variables.get(table))).items())
          .as(table).noneMatch(item -> item.toString().contains("gone"));
    }
    assertThat(uncountedMembers.size("readers")).isEqualTo(1);
    assertGranted("ContactsAdminFunction");
    // Marked as being erased: a segment evaluation still in flight cannot enter them again.
    assertThat(new dev.nudge.audiences.SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"),
        stack.variables.get("CONTACTS_TABLE")).enter("readers", "gone", stack.clock.instant())).isFalse();
  }

  @Test
  void erasingAContactInAJourneyStopsItAndStaysWithinTheContactAdminsPolicy() {
    stack.publish(CART);
    stack.contact("c1");
    new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(), stack.runtime.waits(),
        stack.executions, stack.clock, stack.stats()).route(stack.event("e1", "c1", "cart.updated", "{}"));
    String arn = stack.executions.started.get(0).executionArn();
    stack.runtime.waits().register(new WaitRegistrations.Wait("c1", "page.viewed", arn, "s", "cart", "t", null, null,
        stack.clock.instant().plus(Duration.ofDays(1))));
    var handler = new dev.nudge.contacts.ContactsAdminHandler(stack.env(), calls.client(), stack.executions);
    com.fasterxml.jackson.databind.node.ObjectNode delete = dev.nudge.testing.TrackingStack.event("track-signed.json",
        "DELETE /v1/contacts/{id}", null);
    delete.put("rawPath", "/v1/contacts/c1");
    ((com.fasterxml.jackson.databind.node.ObjectNode) delete.get("requestContext").get("http")).put("path", "/v1/contacts/c1");
    delete.putObject("pathParameters").put("id", "c1");

    assertThat(dev.nudge.testing.TrackingStack.invoke(handler, delete).status()).isEqualTo(200);

    assertThat(stack.executions.stopped).extracting(RecordingExecutions.Stopped::executionArn).containsExactly(arn);
    assertGranted("ContactsAdminFunction");
    JsonNode statements = SamTemplate.load().resource("ContactsAdminFunction").path("Properties").path("Policies");
    assertThat(statements.toString()).contains("states:StopExecution").contains(":execution:nudge-*");
  }

  @Test
  void theScheduledBroadcastsFunctionsPolicyCoversStartingARun() {
    String definition = "id: readers\nname: Readers\nwhen: { consent: email }\n";
    new dev.nudge.audiences.SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(dev.nudge.audiences.Segment.parse(definition, "readers").segment(), definition, stack.clock.instant());
    stack.publish("""
        id: weekly-digest
        name: Weekly digest
        trigger: { schedule: "cron(0 10 ? * MON *)", segment: readers }
        steps:
          - id: digest
            email: { template: cart-reminder }
        """);
    stack.clock.set(Instant.parse("2026-12-07T10:04:00Z"));
    var schedules = new dev.nudge.journeys.broadcast.ScheduledBroadcasts(counted.workflows(),
        new dev.nudge.journeys.broadcast.BroadcastAdmin(counted.store(),
            new dev.nudge.audiences.SegmentStore(calls.client(), stack.variables.get("WORKFLOWS_TABLE")),
            new dev.nudge.journeys.broadcast.BroadcastRuns(calls.client(), stack.variables.get("WORKFLOWS_TABLE")),
            stack.executions, "arn:aws:states:us-east-1:000000000000:stateMachine:broadcast", stack.clock),
        stack.clock, Duration.ofMinutes(60));
    assertThat(schedules.run()).hasSize(1);
    assertGranted("ScheduledBroadcastsFunction");
  }
}
