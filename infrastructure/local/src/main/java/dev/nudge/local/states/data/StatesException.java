package dev.nudge.local.states.data;

/**
 * A Step Functions runtime error: an error name (one of the predefined {@code States.*} names
 * or a task's own) and a human-readable cause, as they appear in a Catch's error output.
 */
public final class StatesException extends RuntimeException {

  public static final String ALL = "States.ALL";
  public static final String RUNTIME = "States.Runtime";
  public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
  public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
  public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
  public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
  public static final String TIMEOUT = "States.Timeout";
  public static final String TASK_FAILED = "States.TaskFailed";
  public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
  public static final String PERMISSIONS = "States.Permissions";
  public static final String BRANCH_FAILED = "States.BranchFailed";
  public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
  public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
  public static final String EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold";
  public static final String QUERY_EVALUATION_ERROR = "States.QueryEvaluationError";

  private final String error;
  private final String cause;

  public StatesException(String error, String cause) {
    super(error + ": " + cause, null, false, false);
    this.error = error;
    this.cause = cause;
  }

  public String error() {
    return error;
  }

  public String cause() {
    return cause;
  }

  /**
   * The same error with AWS's state prefix on its cause:
   * "An error occurred while executing the state 'X' (entered at the event id #N). ...".
   */
  public StatesException inState(String stateName, long enteredEventId) {
    return new StatesException(error, "An error occurred while executing the state '" + stateName
        + "' (entered at the event id #" + enteredEventId + "). " + cause);
  }
}
