package dev.nudge.workflows.pinpoint;

/**
 * One part of a Pinpoint journey that has no exact Nudge equivalent: left out, or converted with
 * a difference the reader should know. {@code activity} is the Pinpoint activity id, null for a
 * journey-level setting; {@code field} is where it was in the journey JSON.
 */
public record Finding(String activity, String field, String message) {
  @Override
  public String toString() {
    return (activity == null ? "journey" : "activity " + activity) + ": " + field + ": " + message;
  }
}
