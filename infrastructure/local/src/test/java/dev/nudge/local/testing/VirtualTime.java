package dev.nudge.local.testing;

import dev.nudge.local.LocalCloud;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Moving a local cloud's virtual clock in end-to-end tests, the same way everywhere. */
public final class VirtualTime {
  private VirtualTime() {}

  /**
   * Lets the stream pollers, the EventBridge deliveries and the engine finish whatever the last calls
   * set off ({@link LocalCloud#awaitIdle}: a precise wait, where a 1.5 s sleep used to guess).
   */
  public static void settle(LocalCloud cloud) throws InterruptedException {
    cloud.awaitIdle(Duration.ofSeconds(180));
  }

  /**
   * Moves the virtual clock once the engine has nothing left to do at the current time: a Task
   * still running when the clock jumps would finish "after" the jump and shift every later wait.
   */
  public static void advance(LocalCloud cloud, Duration duration) throws InterruptedException {
    settle(cloud);
    cloud.clock().advance(duration);
    cloud.engine().awaitQuiescence();
  }

  /** Advances to the next {@code time} of day in {@code zone}. */
  public static void advanceToNext(LocalCloud cloud, LocalTime time, ZoneId zone) throws InterruptedException {
    advanceToNext(cloud, time, zone, null);
  }

  /** Advances to the next {@code time} of day in {@code zone} that falls on {@code day} (any day when null). */
  public static void advanceToNext(LocalCloud cloud, LocalTime time, ZoneId zone, DayOfWeek day)
      throws InterruptedException {
    ZonedDateTime now = cloud.clock().instant().atZone(zone);
    ZonedDateTime next = now.with(time);
    while (!next.isAfter(now) || (day != null && next.getDayOfWeek() != day)) {
      next = next.plusDays(1);
    }
    advance(cloud, Duration.between(now, next));
  }
}
