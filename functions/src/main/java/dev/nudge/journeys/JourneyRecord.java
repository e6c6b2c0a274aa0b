package dev.nudge.journeys;

import java.time.Instant;

/**
 * One journey of a contact through one workflow: one Step Functions execution ({@code executionArn},
 * which Step Functions calls the execution id). {@code version} is the workflow version it started
 * on. {@code endedAt},
 * {@code outcome}, {@code currentStep}, {@code convertedAt} and {@code error} are null until known.
 */
public record JourneyRecord(
    String contactId,
    String workflowId,
    String version,
    String executionArn,
    String triggerId,
    Status status,
    String currentStep,
    Instant startedAt,
    Instant endedAt,
    Outcome outcome,
    Instant convertedAt,
    String error) {

  public enum Status {
    ACTIVE, ENDED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Outcome {
    CONVERTED, EXITED, COMPLETED, FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean active() {
    return status == Status.ACTIVE;
  }
}
