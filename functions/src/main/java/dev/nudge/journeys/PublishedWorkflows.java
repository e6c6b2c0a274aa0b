package dev.nudge.journeys;

import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.admin.WorkflowStore;
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
      readAt = now;
    }
    return cached;
  }
}
