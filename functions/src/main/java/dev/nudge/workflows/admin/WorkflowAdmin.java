package dev.nudge.workflows.admin;

import dev.nudge.journeys.Executions;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.JourneyRecord;
import dev.nudge.journeys.JourneyRecords;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Log;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.TemplateCatalog;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import dev.nudge.workflows.WorkflowPublisher;
import dev.nudge.workflows.WorkflowValidator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The workflow lifecycle behind the admin API: drafts, validation, publishing (Step Functions
 * versions and the alias {@code live}, through {@link WorkflowPublisher}), pause, resume and
 * archive. Archiving stops the journeys in flight; pausing only stops new entries.
 */
public final class WorkflowAdmin {
  public static final String ARCHIVED_ERROR = "Nudge.Archived";

  /** Publishes a valid workflow as a new state machine version behind the alias {@code live}. */
  @FunctionalInterface
  public interface Deployer {
    /** {@code version}: the number this publish will be recorded as, carried in the step payloads. */
    WorkflowPublisher.Published publish(Workflow workflow, String description, int version);
  }

  public record Validation(WorkflowStore.Meta meta, List<Problem> problems) {}

  public record Archived(WorkflowStore.Meta meta, int journeysStopped) {}

  private final WorkflowStore store;
  private final WorkflowValidator validator;
  private final Deployer deployer;
  private final JourneyRecords journeys;
  private final JourneyEntry entry;
  private final Executions executions;
  private final Clock clock;
  private final Log log = new Log("workflows-admin");

  public WorkflowAdmin(WorkflowStore store, TemplateCatalog templates, Deployer deployer, JourneyRecords journeys,
      JourneyEntry entry, Executions executions, Clock clock) {
    this.store = store;
    this.validator = new WorkflowValidator(templates);
    this.deployer = deployer;
    this.journeys = journeys;
    this.entry = entry;
    this.executions = executions;
    this.clock = clock;
  }

  /**
   * Saves a draft (created on first save). A draft may be incomplete — its problems are returned,
   * not refused — but it must be a definition whose {@code id} is the one in the path.
   */
  public Validation saveDraft(String id, String text) {
    requireId(id);
    WorkflowParser.Parsed parsed = parse(text);
    String declared = parsed.workflow() == null ? null : parsed.workflow().id();
    if (!id.equals(declared)) {
      throw ApiException.invalid("id", "the definition's id must be \"" + id + "\", the workflow in the path");
    }
    WorkflowStore.Meta existing = store.find(id).orElse(null);
    if (existing != null && existing.status() == WorkflowStore.Status.ARCHIVED) {
      throw conflict("an archived workflow cannot be edited");
    }
    WorkflowStore.Meta meta = store.saveDraft(id, text, clock.instant());
    return new Validation(meta, validator.check(parsed));
  }

  public Validation validate(String id) {
    WorkflowStore.Meta meta = find(id);
    if (meta.draft() == null) {
      throw conflict("the workflow has no draft");
    }
    return new Validation(meta, validator.check(WorkflowParser.parse(meta.draft())));
  }

  /** Publishes the draft; a draft with problems is refused (422) with all of them, and nothing changes. */
  public WorkflowStore.Meta publish(String id, String description) {
    WorkflowStore.Meta meta = find(id);
    if (meta.status() == WorkflowStore.Status.ARCHIVED) {
      throw conflict("an archived workflow cannot be published");
    }
    if (meta.draft() == null) {
      throw conflict("the workflow has no draft");
    }
    WorkflowParser.Parsed parsed = WorkflowParser.parse(meta.draft());
    List<Problem> problems = validator.check(parsed);
    if (!problems.isEmpty()) {
      throw new InvalidDraftException(problems);
    }
    int next = meta.liveVersion() + 1;
    WorkflowPublisher.Published published = deployer.publish(parsed.workflow(), description, next);
    Instant now = clock.instant();
    boolean recorded = store.recordPublished(id, meta.liveVersion(),
        new WorkflowStore.Version(next, meta.draft(), published.versionArn(), now, description),
        parsed.workflow().waitedEvents(), published.stateMachineArn(), published.aliasArn(), meta.status() == WorkflowStore.Status.PAUSED);
    if (!recorded) {
      throw conflict("another publish of this workflow happened at the same time; retry");
    }
    log.info("published", Map.of("workflow", id, "version", next, "versionArn", published.versionArn()));
    return find(id);
  }

  public WorkflowStore.Meta pause(String id) {
    return move(id, List.of(WorkflowStore.Status.ACTIVE), WorkflowStore.Status.PAUSED, "only an active workflow can be paused");
  }

  public WorkflowStore.Meta resume(String id) {
    return move(id, List.of(WorkflowStore.Status.PAUSED), WorkflowStore.Status.ACTIVE, "only a paused workflow can be resumed");
  }

  /**
   * Archives the workflow and stops its journeys in flight. Repeating it is safe: an archived
   * workflow stays archived and the sweep finds only journeys an earlier attempt missed.
   */
  public Archived archive(String id) {
    WorkflowStore.Meta meta = find(id);
    if (meta.status() != WorkflowStore.Status.ARCHIVED) {
      store.transition(id, List.of(WorkflowStore.Status.DRAFT, WorkflowStore.Status.ACTIVE, WorkflowStore.Status.PAUSED),
          WorkflowStore.Status.ARCHIVED, clock.instant());
    }
    int stopped = 0;
    for (JourneyRecord journey : journeys.activeIn(id)) {
      executions.stop(journey.executionArn(), ARCHIVED_ERROR, "workflow " + id + " was archived");
      if (journeys.ended(journey.contactId(), id, journey.executionArn(), JourneyRecord.Outcome.EXITED, clock.instant(),
          null, "archived")) {
        stopped++;
      }
      entry.released(journey.contactId(), id, journey.executionArn());
    }
    log.info("archived", Map.of("workflow", id, "journeysStopped", stopped));
    return new Archived(find(id), stopped);
  }

  public List<WorkflowStore.Meta> list() {
    return store.list();
  }

  /**
   * Starts the journey of an {@code api}-triggered workflow for one contact (a transactional
   * journey: an order confirmation, a password reset). {@code requestId} names the entry, so a
   * repeated call starts nothing twice; {@code data} is the journey's {@code $.trigger.data}.
   */
  public JourneyEntry.Result trigger(String id, String contactId, String requestId,
      com.fasterxml.jackson.databind.JsonNode data) {
    WorkflowStore.Meta meta = find(id);
    if (!meta.published()) {
      throw conflict("the workflow is not published");
    }
    dev.nudge.workflows.Workflow workflow = meta.live();
    if (!(workflow.trigger() instanceof dev.nudge.workflows.Workflow.ApiTrigger)) {
      throw new ApiException(409, "conflict", "the workflow's trigger is not api", "id");
    }
    com.fasterxml.jackson.databind.node.ObjectNode trigger = dev.nudge.platform.Json.object();
    trigger.put("type", "api").put("id", requestId).put("contactId", contactId)
        .put("occurredAt", dev.nudge.platform.Times.format(clock.instant()));
    trigger.set("data", data == null ? dev.nudge.platform.Json.object() : data);
    return entry.enter(new dev.nudge.journeys.PublishedWorkflows.Live(meta, workflow), contactId, "api:" + requestId,
        trigger);
  }

  public WorkflowStore.Meta find(String id) {
    requireId(id);
    return store.find(id).orElseThrow(() -> new ApiException(404, "not_found", "no such workflow", "id"));
  }

  public List<WorkflowStore.Version> versions(String id) {
    return store.versions(id);
  }

  private WorkflowStore.Meta move(String id, List<WorkflowStore.Status> from, WorkflowStore.Status to, String refusal) {
    WorkflowStore.Meta meta = find(id);
    if (meta.status() == to) {
      return meta; // a repeated request has no second effect
    }
    if (!store.transition(id, from, to, clock.instant())) {
      throw conflict(refusal + " (it is " + meta.status().wireName() + ")");
    }
    return find(id);
  }

  private static void requireId(String id) {
    if (id == null || !WorkflowParser.ID.matcher(id).matches()) {
      throw ApiException.invalid("id", "a workflow id is 1 to 60 of a-z, 0-9 and -, starting with a letter or digit");
    }
  }

  private static WorkflowParser.Parsed parse(String text) {
    if (text == null || text.isBlank()) {
      throw ApiException.invalid("body", "the body must be a workflow definition in YAML or JSON");
    }
    WorkflowParser.Parsed parsed = WorkflowParser.parse(text);
    if (parsed.workflow() == null) {
      throw ApiException.invalid("body", parsed.problems().isEmpty() ? "the body is not a workflow definition"
          : parsed.problems().get(0).message());
    }
    return parsed;
  }

  private static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message, "status");
  }

  /** A publish refused because the draft has problems; the handler lists them. */
  public static final class InvalidDraftException extends RuntimeException {
    private final transient List<Problem> problems;

    InvalidDraftException(List<Problem> problems) {
      super(problems.size() + " problem(s) in the draft");
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

}
