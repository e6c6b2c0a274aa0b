package dev.nudge.audiences;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.journeys.ConditionEvaluator;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.workflows.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps segment membership: evaluates every segment for a contact (when an event arrives, or a
 * timer fires), enters or leaves conditionally (so a retried batch changes nothing twice), writes
 * {@code segment.entered}/{@code segment.exited} (usable as triggers, goals and exits) and arms
 * the contact's {@code segments} timer for the next moment a time window can change membership
 * with no event at all: when the oldest day (or, in a rolling window, event) still counted leaves
 * its window.
 */
public final class Segments {
  public static final String ENTERED = "segment.entered";
  public static final String EXITED = "segment.exited";
  static final String TIMER = "segments";
  /** Event conditions the day buckets do not answer read at most this many of the contact's newest events. */
  static final int TIMELINE = 1000;
  private static final Log LOG = new Log("segments");

  public record Change(String segment, boolean entered) {}

  private final ContactRepository contacts;
  private final EventRepository events;
  private final SegmentMembers members;
  private final ContactTimers timers;
  private final Clock clock;
  private final Duration retention;
  private final WindowCounters windows;

  public Segments(ContactRepository contacts, EventRepository events, SegmentMembers members, ContactTimers timers,
      Clock clock, Duration retention) {
    this(contacts, events, members, timers, clock, retention, null);
  }

  /** {@code windows}: the contacts' day buckets, read by whole-day windows (null: they read the timeline). */
  public Segments(ContactRepository contacts, EventRepository events, SegmentMembers members, ContactTimers timers,
      Clock clock, Duration retention, WindowCounters windows) {
    this.contacts = contacts;
    this.events = events;
    this.members = members;
    this.timers = timers;
    this.clock = clock;
    this.retention = retention;
    this.windows = windows;
  }

  /** {@code cause}: the id of what prompted the evaluation (an event id, or the timer's), which names the events written. */
  public List<Change> evaluate(List<Segment> segments, String contactId, String cause) {
    return evaluate(segments, null, contactId, cause);
  }

  /**
   * As {@link #evaluate(List, String, String)}, changing membership of the segment {@code only}
   * alone (null: all of them), as a re-evaluation after a save does; the timer is still computed
   * over every segment, since the contact has one timer for all their windows.
   */
  public List<Change> evaluate(List<Segment> segments, String only, String contactId, String cause) {
    if (segments.isEmpty()) {
      return List.of();
    }
    Instant now = clock.instant();
    Optional<Contact> found = contacts.find(contactId);
    if (found.isEmpty() || !found.get().id().equals(contactId)) {
      return List.of();
    }
    Contact contact = found.get();
    // The anonymous ids merged into the contact keep their events and day buckets under their own
    // ids: both count for the contact.
    List<String> ids = new java.util.ArrayList<>();
    ids.add(contactId);
    ids.addAll(contact.mergedIds());
    ConditionEvaluator evaluator = new ConditionEvaluator(contact, () -> events.timeline(ids, TIMELINE), now,
        segment -> members.isMember(segment, contactId),
        windows == null ? null : windows.reader(ids));
    List<Change> changes = new java.util.ArrayList<>();
    Instant[] next = new Instant[1];
    for (Segment segment : segments) {
      if (only != null && !only.equals(segment.id())) {
        nextWindow(segment, evaluator).ifPresent(leaves -> next[0] = next[0] == null
            || leaves.isBefore(next[0]) ? leaves : next[0]);
        continue;
      }
      boolean holds = evaluator.matches(segment.when());
      boolean member = members.isMember(segment.id(), contactId);
      if (holds && !member && members.enter(segment.id(), contactId, now)) {
        changes.add(new Change(segment.id(), true));
        write(contactId, ENTERED, segment.id(), cause, now);
      } else if (!holds && member && members.leave(segment.id(), contactId)) {
        changes.add(new Change(segment.id(), false));
        write(contactId, EXITED, segment.id(), cause, now);
      }
      nextWindow(segment, evaluator).ifPresent(leaves -> next[0] = next[0] == null
          || leaves.isBefore(next[0]) ? leaves : next[0]);
    }
    // Without a windowed condition in any segment no timer was ever armed: nothing to disarm, and
    // no delete on every event (1 WCU each).
    boolean windowed = segments.stream().anyMatch(segment -> !segment.windows().isEmpty());
    if (timers != null && windowed) {
      if (next[0] != null) {
        timers.arm(contactId, TIMER, next[0]);
      } else {
        timers.disarm(contactId, TIMER);
      }
    }
    if (!changes.isEmpty()) {
      LOG.info("membership", Map.of("contactId", contactId, "changes", changes.size(), "cause", cause));
      // Segment ids are a handful of names an operator defines: a low-cardinality dimension.
      changes.forEach(change -> dev.nudge.stats.Metrics.count(change.entered() ? dev.nudge.stats.Metric.SEGMENT_ENTERED
          : dev.nudge.stats.Metric.SEGMENT_EXITED, now, dev.nudge.stats.Metrics.dims("Segment", change.segment())));
    }
    return changes;
  }

  /**
   * The earliest moment one of the segment's windows loses what it counts now: the start (UTC) of
   * the day after the oldest counted day leaves a whole-day window, the oldest counted event plus
   * the window for a rolling one ({@link ConditionEvaluator#nextLeaves}).
   */
  private static Optional<Instant> nextWindow(Segment segment, ConditionEvaluator evaluator) {
    Instant next = null;
    for (Condition.Events window : segment.windows()) {
      Optional<Instant> leaves = evaluator.nextLeaves(window);
      if (leaves.isPresent() && (next == null || leaves.get().isBefore(next))) {
        next = leaves.get();
      }
    }
    return Optional.ofNullable(next);
  }

  private void write(String contactId, String type, String segment, String cause, Instant now) {
    ObjectNode properties = Json.object().put("segment", segment).put("cause", cause);
    events.putIfAbsent(new TrackedEvent(contactId, type + ":" + segment + ":" + cause, type, properties, now, now,
        "segments"), now.plus(retention));
  }
}
