package dev.nudge.journeys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.admin.WorkflowStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The journey runtime on DynamoDB Local (tables created from template.yaml) with a recording
 * {@link Executions} and a clock tests move.
 */
public final class JourneyStack {
  public static final String REGION_ACCOUNT = "us-east-1:123456789012";

  /** A workflow whose journeys wait for a page view: the router looks for waits on page views. */
  public static final String PRICING_VISIT = """
      id: pricing-visit
      name: Pricing visit
      trigger: { event: trial.started }
      steps:
        - id: visited
          waitFor: { event: page.viewed, timeout: P2D }
      """;

  /** A workflow started by broadcasts (an API trigger) that sends one e-mail. */
  public static final String PRODUCT_NEWS = """
      id: product-news
      name: Product news
      trigger: { api: true }
      steps:
        - id: news
          email: { template: cart-reminder }
      """;

  public final DynamoDbClient ddb = LocalDynamoDb.client();
  public final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  public final RecordingExecutions executions = new RecordingExecutions();
  public final Map<String, String> variables = new HashMap<>();
  public final JourneyRuntime runtime;

  public JourneyStack() {
    variables.put("CONTACTS_TABLE", TemplateTables.create(ddb, "ContactsTable"));
    variables.put("EVENTS_TABLE", TemplateTables.create(ddb, "EventsTable"));
    variables.put("JOURNEYS_TABLE", TemplateTables.create(ddb, "JourneysTable"));
    variables.put("WORKFLOWS_TABLE", TemplateTables.create(ddb, "WorkflowsTable"));
    variables.put("STATS_TABLE", TemplateTables.create(ddb, "StatsTable"));
    variables.put("TIMERS_TABLE", TemplateTables.create(ddb, "TimersTable"));
    variables.put("SEGMENTS_TABLE", TemplateTables.create(ddb, "SegmentsTable"));
    variables.put("WORKFLOW_CACHE_SECONDS", "0");
    runtime = JourneyRuntime.of(env(), ddb, executions);
  }

  public Environment env() {
    return new Environment(variables, clock);
  }

  public static String stateMachineArn(String workflowId) {
    return "arn:aws:states:" + REGION_ACCOUNT + ":stateMachine:nudge-" + workflowId;
  }

  /**
   * Stores {@code yaml} (validated against the bundled templates) as the live version of its
   * workflow, as the admin API does after WorkflowPublisher succeeded.
   */
  public Workflow publish(String yaml) {
    Workflow workflow = new Workflows(new BundledTemplates()).load(yaml);
    WorkflowStore store = runtime.store();
    store.saveDraft(workflow.id(), yaml, clock.instant());
    int live = store.find(workflow.id()).orElseThrow().liveVersion();
    String sm = stateMachineArn(workflow.id());
    boolean recorded = store.recordPublished(workflow.id(), live,
        new WorkflowStore.Version(live + 1, yaml, sm + ":" + (live + 1), clock.instant(), null), workflow.waitedEvents(),
        sm, sm + ":live", false);
    if (!recorded) {
      throw new IllegalStateException("publish lost a race in a single-threaded test");
    }
    return workflow;
  }

  /** What the admin API's publishes did (the deployer stands in for WorkflowPublisher and Step Functions). */
  public final java.util.List<String> deployed = new java.util.ArrayList<>();

  /** The workflow admin API on this stack; publishing numbers versions like Step Functions does. */
  public dev.nudge.workflows.admin.WorkflowsAdminHandler adminHandler() {
    dev.nudge.workflows.admin.WorkflowAdmin.Deployer deployer = (workflow, description, number) -> {
      deployed.add(workflow.id());
      String sm = stateMachineArn(workflow.id());
      long version = deployed.stream().filter(workflow.id()::equals).count();
      return new dev.nudge.workflows.WorkflowPublisher.Published(sm, sm + ":" + version, sm + ":live", version == 1);
    };
    return new dev.nudge.workflows.admin.WorkflowsAdminHandler(new dev.nudge.workflows.admin.WorkflowAdmin(
        runtime.store(), new BundledTemplates(), deployer, runtime.journeys(), runtime.entry(), executions, clock),
        stats());
  }

  /** The statistics table's counters on this stack. */
  public dev.nudge.stats.StepStats stats() {
    return new dev.nudge.stats.StepStats(ddb, variables.get("STATS_TABLE"));
  }

  /** A contact subscribed to e-mail, with text attributes and an optional timezone. */
  public void contact(String id, String timezone, Map<String, String> attributes) {
    runtime.contacts().createIfAbsent(id, clock.instant());
    Map<String, Optional<Attribute>> attrs = new HashMap<>();
    attributes.forEach((k, v) -> attrs.put(k, Optional.of(new Attribute.Text(v))));
    runtime.contacts().update(id, new ProfileUpdate(id + "@example.com", null, attrs, timezone, null, Set.of(), Set.of(),
        null, Map.of(Channel.EMAIL, new Consent(ConsentStatus.SUBSCRIBED, "test", clock.instant()))), clock.instant());
  }

  public void contact(String id) {
    contact(id, null, Map.of());
  }

  /** The event document as the router sees it (and as the stream record decodes to). */
  public ObjectNode event(String id, String contactId, String type, String propertiesJson) {
    ObjectNode event = Json.object();
    event.put("id", id);
    event.put("type", type);
    event.put("contactId", contactId);
    try {
      event.set("properties", Json.mapper().readTree(propertiesJson));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    event.put("occurredAt", Times.format(clock.instant()));
    event.put("source", "server:test");
    return event;
  }
}
