package dev.nudge.tracking;

import java.util.regex.Pattern;

/**
 * What an event type may look like, in one place: the tracking API stores only these, so a
 * workflow trigger, a condition or a scoring rule naming anything else could never match an event.
 */
public final class EventTypes {
  /** Lower-case words separated by dots ({@code order.completed}), at most 100 characters. */
  public static final Pattern PATTERN = Pattern.compile("(?=.{1,100}$)[a-z][a-z0-9_\\-]*(\\.[a-z0-9_\\-]+)*");
  public static final String DESCRIPTION = "lower-case words separated by dots, such as order.completed";

  private EventTypes() {}
}
