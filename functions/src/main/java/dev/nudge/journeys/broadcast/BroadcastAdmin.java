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
 * Starts a broadcast run of an {@code api}- (or {@code schedule}-) triggered workflow to every member of a segment: the
 * run record, then one execution of the broadcast state machine named by the workflow and run, so
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

  public Started start(String workflowId, String run, String segment, JsonNode data) {
    WorkflowStore.Meta meta = workflows.find(workflowId)
        .orElseThrow(() -> new ApiException(404, "not_found", "no such workflow", "id"));
    if (!meta.published() || meta.status() != WorkflowStore.Status.ACTIVE) {
      throw new ApiException(409, "conflict", "the workflow is not published and active", "id");
    }
    Workflow.Trigger trigger = meta.live().trigger();
    if (!(trigger instanceof Workflow.ApiTrigger) && !(trigger instanceof Workflow.ScheduleTrigger)) {
      throw new ApiException(409, "conflict", "only an api- or schedule-triggered workflow is broadcast", "id");
    }
    if (segments.find(segment).isEmpty()) {
      throw ApiException.invalid("segment", "no segment " + segment);
    }
    boolean created = runs.create(workflowId, run, segment, clock.instant());
    ObjectNode input = Json.object().put("workflow", workflowId).put("run", run).put("segment", segment).put("page", 0);
    input.putNull("cursor");
    input.set("data", data == null ? Json.object() : data);
    // Started even when the run existed: a request that failed after the record resumes here,
    // and the execution's name makes a second start a no-op.
    executions.start(stateMachineArn, workflowId + "-" + run, input);
    return new Started(runs.find(workflowId, run).orElseThrow(), created);
  }

  public Optional<BroadcastRuns.Run> find(String workflowId, String run) {
    return runs.find(workflowId, run);
  }
}
