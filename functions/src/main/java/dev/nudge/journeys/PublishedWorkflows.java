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
 * definition. A pause or publish therefore reaches the router within {@code ttl} (30 s in the
 * template); tests use zero.
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

  public PublishedWorkflows(WorkflowStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
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
