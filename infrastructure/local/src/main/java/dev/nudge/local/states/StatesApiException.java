package dev.nudge.local.states;

/**
 * An API call refused the way Step Functions refuses it: {@code errorType} is AWS's exception name
 * (InvalidDefinition, ExecutionAlreadyExists, TaskDoesNotExist...), returned as {@code __type} by the
 * JSON API with HTTP 400.
 */
public class StatesApiException extends RuntimeException {
  private final String errorType;

  public StatesApiException(String errorType, String message) {
    super(message);
    this.errorType = errorType;
  }

  public String errorType() {
    return errorType;
  }
}
