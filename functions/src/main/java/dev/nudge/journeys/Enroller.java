package dev.nudge.journeys;

/** Starts another workflow's journey for a contact (the {@code enroll} step). */
public interface Enroller {
  /** {@code executionName} is derived from the enrolling step, so a retried step starts nothing new. */
  void enroll(String workflowId, String contactId, String executionName, String fromWorkflowId);
}
