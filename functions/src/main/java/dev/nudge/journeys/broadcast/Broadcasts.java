package dev.nudge.journeys.broadcast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.audiences.SegmentMembers;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.PublishedWorkflows;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.workflows.admin.WorkflowStore;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One page of a broadcast run, as the broadcast state machine calls it in a loop: up to
 * {@code pageSize} members of the run's segment after the cursor enter the workflow (each entry
 * named by the run, so a page that runs twice starts no journey twice), the page's counts are
 * recorded, and the answer carries the next cursor and how long to wait before the next page, so
 * the run keeps to {@code ratePerSecond} entries (the account's sending rate, not a Lambda timeout,
 * bounds it). A paused or archived workflow ends the run.
 */
public final class Broadcasts {
  private static final Log LOG = new Log("broadcast");

  private final WorkflowStore workflows;
  private final SegmentMembers members;
  private final JourneyEntry entry;
  private final BroadcastRuns runs;
  private final dev.nudge.journeys.JourneyRecords journeys;
  private final Clock clock;
  private final int pageSize;
  private final double ratePerSecond;

  public Broadcasts(WorkflowStore workflows, SegmentMembers members, JourneyEntry entry,
      dev.nudge.journeys.JourneyRecords journeys, BroadcastRuns runs, Clock clock, int pageSize, double ratePerSecond) {
    this.journeys = journeys;
    this.workflows = workflows;
    this.members = members;
    this.entry = entry;
    this.runs = runs;
    this.clock = clock;
    this.pageSize = pageSize;
    this.ratePerSecond = ratePerSecond;
  }

  /**
   * A page that runs again (a Task retry, or after a restart) meets the journeys its first attempt
   * started: still active, or already ended so that re-entry is refused. Either way this run
   * reached the contact.
   */
  private boolean reachedBefore(JourneyEntry.Result result, String contactId, String workflowId, String run) {
    return (result == JourneyEntry.Result.ALREADY_ACTIVE || result == JourneyEntry.Result.REENTRY_REFUSED)
        && journeys.forContact(contactId, workflowId).stream().anyMatch(j -> ("broadcast-" + run).equals(j.triggerId()));
  }

  /** {@code state}: {workflow, run, segment, cursor, page, data}; the answer is the next state plus done and waitSeconds. */
  public ObjectNode page(JsonNode state) {
    String workflowId = state.path("workflow").asText();
    String run = state.path("run").asText();
    String segment = state.path("segment").asText();
    String cursor = state.path("cursor").isTextual() ? state.path("cursor").asText() : null;
    int page = state.path("page").asInt(0);
    ObjectNode next = state.deepCopy();
    WorkflowStore.Meta meta = workflows.find(workflowId).orElse(null);
    if (meta == null || meta.status() != WorkflowStore.Status.ACTIVE) {
      runs.finish(workflowId, run, meta == null ? "stopped: no workflow" : "stopped: " + meta.status().wireName(),
          clock.instant());
      return next.put("done", true).put("waitSeconds", 0);
    }
    PublishedWorkflows.Live live = new PublishedWorkflows.Live(meta, meta.live());
    SegmentMembers.Page members = this.members.members(segment, pageSize, cursor);
    ObjectNode trigger = Json.object().put("type", "broadcast").put("run", run).put("segment", segment);
    trigger.set("data", state.path("data").isObject() ? state.get("data") : Json.object());
    long reached = 0;
    Map<String, Long> skipped = new TreeMap<>();
    for (String contactId : members.contactIds()) {
      JourneyEntry.Result result = entry.enter(live, contactId, "broadcast-" + run, trigger);
      if (result == JourneyEntry.Result.STARTED || result == JourneyEntry.Result.DUPLICATE || reachedBefore(result,
          contactId, workflowId, run)) {
        // DUPLICATE, or active from this run: reached already, in an earlier attempt of this page.
        reached++;
      } else {
        skipped.merge(result.name().toLowerCase(Locale.ROOT), 1L, Long::sum);
      }
    }
    runs.page(workflowId, run, page, reached, skipped);
    boolean done = members.next() == null;
    if (done) {
      runs.finish(workflowId, run, "finished", clock.instant());
    }
    LOG.info("page", Map.of("workflow", workflowId, "run", run, "page", page, "reached", reached,
        "skipped", skipped.values().stream().mapToLong(Long::longValue).sum()));
    next.put("page", page + 1).put("done", done)
        .put("waitSeconds", done ? 0 : (int) Math.ceil(members.contactIds().size() / ratePerSecond));
    if (members.next() == null) {
      next.putNull("cursor");
    } else {
      next.put("cursor", members.next());
    }
    return next;
  }
}
