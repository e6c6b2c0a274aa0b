package dev.nudge.journeys;

import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.admin.WorkflowStore;
import dev.nudge.workflows.WorkflowParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The published workflows the router and the scheduler act on, read from the workflows table's
 * {@code byKind} index and kept for {@code ttl}: every stream batch would otherwise re-read every
 * definition. Publish, pause, resume and archive bump a revision stamp; the router calls
 * {@link #checkRevision()} once per stream batch, so a change takes effect at the next batch. The
 * ttl remains the bound for callers that do not check (the daily date-trigger scheduler).
 */
public final class PublishedWorkflows {
  /** A published workflow: its stored state and its live definition, parsed once. */
  public record Live(WorkflowStore.Meta meta, Workflow workflow) {
    public String id() {
      return meta.id();
    }

    public boolean takesEntries() {
      return meta.status() == WorkflowStore.Status.ACTIVE;
    }

    /** Journeys of a paused workflow go on (goals and exits still end them); archived ones were stopped. */
    public boolean runsJourneys() {
      return meta.status() == WorkflowStore.Status.ACTIVE || meta.status() == WorkflowStore.Status.PAUSED;
    }
  }

  private final WorkflowStore store;
  private final Clock clock;
  private final Duration ttl;
  private List<Live> cached;
  private java.util.Set<String> waited;
  private Instant readAt;
  private Long seenRevision;

  public PublishedWorkflows(WorkflowStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * One strongly consistent read of the revision stamp; drops the cache when it moved since the
   * last check, so the next {@link #current()} reloads.
   */
  public synchronized void checkRevision() {
    long revision = store.revision();
    if (seenRevision == null || revision != seenRevision) {
      cached = null;
      seenRevision = revision;
    }
  }

  public synchronized List<Live> current() {
    Instant now = clock.instant();
    if (cached == null || ttl.isZero() || !now.isBefore(readAt.plus(ttl))) {
      List<Live> live = new ArrayList<>();
      for (WorkflowStore.Meta meta : store.list()) {
        if (meta.published() && meta.status() != WorkflowStore.Status.ARCHIVED) {
          live.add(new Live(meta, meta.live()));
        }
      }
      cached = List.copyOf(live);
      waited = waitedEvents(cached);
      readAt = now;
    }
    return cached;
  }

  /**
   * The event types a journey of any published, unarchived workflow may be waiting for, whatever
   * the version it runs (archiving stops a workflow's journeys). A workflow whose META does not
   * know its versions' waits (published before it kept them) has its versions read, once per load.
   */
  public synchronized java.util.Set<String> waitedEvents() {
    current();
    return waited;
  }

  private java.util.Set<String> waitedEvents(List<Live> live) {
    java.util.Set<String> events = new java.util.HashSet<>();
    for (Live w : live) {
      if (w.meta().waitedEvents() != null) {
        events.addAll(w.meta().waitedEvents());
      } else {
        store.versions(w.id()).forEach(v -> events.addAll(WorkflowParser.parse(v.definition()).workflow().waitedEvents()));
      }
    }
    return java.util.Set.copyOf(events);
  }
}
