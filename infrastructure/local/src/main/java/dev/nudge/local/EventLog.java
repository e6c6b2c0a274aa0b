package dev.nudge.local;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What happened in the local cloud, newest first, for the local page: HTTP API calls, function
 * invocations and errors, events on the buses, messages sent. Bounded: the oldest entries go.
 * Entries never hold an e-mail address or phone number (callers pass ids, not recipients).
 */
public final class EventLog {
  public record Entry(Instant at, String kind, String summary, String detail) {}

  private static final int CAPACITY = 500;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Clock clock;

  public EventLog(Clock clock) {
    this.clock = clock;
  }

  public void add(String kind, String summary, String detail) {
    synchronized (entries) {
      entries.addFirst(new Entry(clock.instant(), kind, summary, detail));
      while (entries.size() > CAPACITY) {
        entries.removeLast();
      }
    }
  }

  public List<Entry> recent(int limit) {
    synchronized (entries) {
      return new ArrayList<>(entries).subList(0, Math.min(limit, entries.size()));
    }
  }
}
