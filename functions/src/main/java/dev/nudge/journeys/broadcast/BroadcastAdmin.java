package dev.nudge.journeys.broadcast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.audiences.SegmentStore;
import dev.nudge.journeys.Executions;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.admin.WorkflowStore;
import java.time.Clock;
import java.util.Optional;

/**
 * Starts a broadcast run of an {@code api}- (or {@code schedule}-) triggered workflow to every
 * member of a segment or a list passing an optional filter ({@link BroadcastAudience}): the run
 * record, then one execution of the broadcast state machine named by the workflow and run, so
 * a repeated request starts nothing twice; and reads a run with its totals.
 */
public final class BroadcastAdmin {
  public record Started(BroadcastRuns.Run run, boolean created) {}

  private final WorkflowStore workflows;
  private final SegmentStore segments;
  private final BroadcastRuns runs;
  private final Executions executions;
  private final String stateMachineArn;
  private final Clock clock;

  public BroadcastAdmin(WorkflowStore workflows, SegmentStore segments, BroadcastRuns runs, Executions executions,
      String stateMachineArn, Clock clock) {
    this.workflows = workflows;
    this.segments = segments;
    this.runs = runs;
    this.executions = executions;
    this.stateMachineArn = stateMachineArn;
    this.clock = clock;
  }

  /** A run to every member of a segment. */
  public Started start(String workflowId, String run, String segment, JsonNode data) {
    return start(workflowId, run, BroadcastAudience.segment(segment), data);
  }

  /**
   * A run to {@code audience}. An unknown segment is refused (400, {@code segment}); a list exists
   * by use (no list is declared), so a list nobody joined yet is a run that finishes with 0
   * reached. A repeated request keeps the first request's audience.
   */
  public Started start(String workflowId, String run, BroadcastAudience audience, JsonNode data) {
    WorkflowStore.Meta meta = workflows.find(workflowId)
        .orElseThrow(() -> new ApiException(404, "not_found", "no such workflow", "id"));
    if (!meta.published() || meta.status() != WorkflowStore.Status.ACTIVE) {
      throw new ApiException(409, "conflict", "the workflow is not published and active", "id");
    }
    Workflow.Trigger trigger = meta.live().trigger();
    if (!(trigger instanceof Workflow.ApiTrigger) && !(trigger instanceof Workflow.ScheduleTrigger)) {
      throw new ApiException(409, "conflict", "only an api- or schedule-triggered workflow is broadcast", "id");
    }
    if (audience.segment() != null && segments.find(audience.segment()).isEmpty()) {
      throw ApiException.invalid("segment", "no segment " + audience.segment());
    }
    boolean created = runs.create(workflowId, run, audience, clock.instant());
    // The stored audience, not the request's: a repeated request resumes the run it first started.
    BroadcastRuns.Run stored = runs.find(workflowId, run).orElseThrow();
    BroadcastAudience started = new BroadcastAudience(stored.segment(), stored.list(), stored.where());
    ObjectNode input = Json.object().put("workflow", workflowId).put("run", run);
    started.writeTo(input);
    input.put("page", 0);
    input.putNull("cursor");
    input.set("data", data == null ? Json.object() : data);
    // Started even when the run existed: a request that failed after the record resumes here,
    // and the execution's name makes a second start a no-op.
    executions.start(stateMachineArn, workflowId + "-" + run, input);
    return new Started(stored, created);
  }

  public Optional<BroadcastRuns.Run> find(String workflowId, String run) {
    return runs.find(workflowId, run);
  }
}
