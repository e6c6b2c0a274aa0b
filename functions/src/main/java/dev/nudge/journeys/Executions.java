package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The three Step Functions calls the journey runtime makes. An interface of our own so the router
 * and the scheduler are tested against a recording implementation, and run against Step Functions
 * (or the local engine) through {@link SfnExecutions}.
 */
public interface Executions {

  /** The outcome of a start: a new execution, or one with that name existed already. */
  record Start(String executionArn, boolean started) {}

  /**
   * Starts {@code name} on {@code targetArn} (the alias {@code live}). A name used before on that
   * state machine starts nothing: {@code started} is false.
   */
  Start start(String targetArn, String name, JsonNode input);

  /** Resumes the task; false if the token is no longer valid (timed out, or the execution ended). */
  boolean resume(String taskToken, JsonNode output);

  /** Stops the execution; stopping one that already ended is not an error. */
  void stop(String executionArn, String error, String cause);
}
