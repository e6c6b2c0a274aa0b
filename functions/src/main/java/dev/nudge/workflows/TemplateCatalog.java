package dev.nudge.workflows;

/** Which message templates exist, so validation can refuse a workflow that sends a missing one. */
public interface TemplateCatalog {
  /** {@code channel} is {@code email} or {@code sms}. */
  boolean exists(String channel, String template);
}
