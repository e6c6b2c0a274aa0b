package dev.nudge.journeys.broadcast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.audiences.SegmentMembers;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactJson;
import dev.nudge.contacts.ListIndex;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.PublishedWorkflows;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.admin.WorkflowStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One page of a broadcast run, as the broadcast state machine calls it in a loop: up to
 * {@code pageSize} members of the run's audience (a segment's members, or a list's through the
 * {@code byList} index) after the cursor, each passing the run's {@code where} filter, enter the
 * workflow (each entry named by the run, so a page that runs twice starts no journey twice), the
 * page's counts are recorded (reached, and skipped by reason), and the answer carries the next
 * cursor and how long to wait before the next page, so the run keeps to {@code ratePerSecond}
 * entries (the account's sending rate, not a Lambda timeout, bounds it). A paused or archived
 * workflow ends the run.
 */
public final class Broadcasts {
  private static final Log LOG = new Log("broadcast");
  /** Skip reasons of the members refused before entry (the entry's own refusals use its result names). */
  static final String FILTERED = "filtered";
  static final String NOT_IN_LIST = "not_in_list";
  static final String MERGED = "merged";

  private final WorkflowStore workflows;
  private final SegmentMembers segments;
  private final ListIndex lists;
  private final JourneyEntry entry;
  private final BroadcastRuns runs;
  private final Clock clock;
  private final int pageSize;
  private final double ratePerSecond;

  public Broadcasts(WorkflowStore workflows, SegmentMembers segments, ListIndex lists, JourneyEntry entry, BroadcastRuns runs,
      Clock clock, int pageSize, double ratePerSecond) {
    this.workflows = workflows;
    this.segments = segments;
    this.lists = lists;
    this.entry = entry;
    this.runs = runs;
    this.clock = clock;
    this.pageSize = pageSize;
    this.ratePerSecond = ratePerSecond;
  }

  /**
   * {@code state}: {workflow, run, segment or list, where, cursor, page, data}; the answer is the
   * next state plus done and waitSeconds.
   */
  public ObjectNode page(JsonNode state) {
    String workflowId = state.path("workflow").asText();
    String run = state.path("run").asText();
    BroadcastAudience audience = BroadcastAudience.fromState(state);
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
    Page members = members(audience, cursor);
    Filter where = audience.filter();
    ObjectNode trigger = Json.object().put("type", "broadcast").put("run", run);
    audience.writeTo(trigger);
    trigger.set("data", state.path("data").isObject() ? state.get("data") : Json.object());
    String triggerId = "broadcast-" + run;
    long reached = 0;
    Map<String, Long> skipped = new TreeMap<>();
    JourneyEntry.PreEntryCheck check = audience.list() == null && where.isEmpty() ? null
        : (requested, contact) -> refusal(audience, where, requested, contact);
    for (String contactId : members.contactIds()) {
      JourneyEntry.Attempt attempt = entry.attempt(live, contactId, triggerId, trigger, check);
      JourneyEntry.Result result = attempt.result();
      if (result == JourneyEntry.Result.REFUSED_BY_CALLER) {
        skipped.merge(attempt.reason(), 1L, Long::sum);
        continue;
      }
      // DUPLICATE, or refused by a journey this run started: reached already, in an earlier
      // attempt of this page (a Task retry, or after a restart; the journey may have ended since).
      if (result == JourneyEntry.Result.STARTED || result == JourneyEntry.Result.DUPLICATE
          || attempt.refusedBy().contains(triggerId)) {
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

  private record Page(List<String> contactIds, String next) {}

  private Page members(BroadcastAudience audience, String cursor) {
    if (audience.segment() != null) {
      SegmentMembers.Page page = segments.members(audience.segment(), pageSize, cursor);
      return new Page(page.contactIds(), page.next());
    }
    ListIndex.Page page = lists.members(audience.list(), pageSize, cursor);
    return new Page(page.contactIds(), page.next());
  }

  /**
   * Why a member does not enter (null: it may), checked on the profile the entry reads: a list
   * member's profile must still hold the list (its index item is written after the profile, so a
   * crash between a removal's two writes may leave it) and must not have been merged into another
   * contact (who is reached under their own id); a filter is matched as audiences match it.
   */
  private String refusal(BroadcastAudience audience, Filter where, String requestedId, Contact contact) {
    if (audience.list() != null && !contact.id().equals(requestedId)) {
      return MERGED;
    }
    if (audience.list() != null && !contact.lists().contains(audience.list())) {
      return NOT_IN_LIST;
    }
    if (!where.isEmpty() && !where.matches(ContactJson.contact(contact).put("leadScore", contact.leadScore(clock.instant())))) {
      return FILTERED;
    }
    return null;
  }
}
