package dev.nudge.local.states;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that starts at a given instant and runs at {@code scale} times real time. {@link #advance}
 * jumps it forward; listeners (the engine's timer loop) are told at once, so timers that became due fire
 * without waiting for real time. Scale 0 freezes it: tests then move time only through advance().
 */
public final class VirtualClock extends Clock {
  private final ZoneId zone;
  private final List<Runnable> listeners;
  // Virtual instant = base + (nanoTime - realBase) * scale; rebased whenever scale or base changes.
  private final Object lock;
  private Instant base;
  private long realBase;
  private double scale;

  public VirtualClock(Instant start, double scale) {
    this(start, scale, ZoneOffset.UTC, new CopyOnWriteArrayList<>(), new Object());
  }

  private VirtualClock(Instant start, double scale, ZoneId zone, List<Runnable> listeners, Object lock) {
    if (scale < 0) {
      throw new IllegalArgumentException("scale must be >= 0");
    }
    this.base = start;
    this.realBase = System.nanoTime();
    this.scale = scale;
    this.zone = zone;
    this.listeners = listeners;
    this.lock = lock;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** Shares time, scale and listeners with this clock: a view in another zone, not a copy. */
  @Override
  public Clock withZone(ZoneId newZone) {
    return newZone.equals(zone) ? this : Clock.offset(this, Duration.ZERO).withZone(newZone);
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      if (scale == 0) {
        return base;
      }
      long elapsed = System.nanoTime() - realBase;
      return base.plusNanos((long) (elapsed * scale));
    }
  }

  /** Moves the clock forward (never backward) and wakes whoever waits on it. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back: " + duration);
    }
    synchronized (lock) {
      base = instant().plus(duration);
      realBase = System.nanoTime();
    }
    fire();
  }

  public void setScale(double newScale) {
    if (newScale < 0) {
      throw new IllegalArgumentException("scale must be >= 0");
    }
    synchronized (lock) {
      base = instant();
      realBase = System.nanoTime();
      scale = newScale;
    }
    fire();
  }

  public double scale() {
    synchronized (lock) {
      return scale;
    }
  }

  /** Called after every advance() or setScale(); used by timer loops to recompute their next wake-up. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  private void fire() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }
}
