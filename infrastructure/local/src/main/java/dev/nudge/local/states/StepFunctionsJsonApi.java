package dev.nudge.local.states;

/**
 * The AWS JSON 1.0 protocol of Step Functions on top of a {@link StatesEngine}, without an HTTP server:
 * the local cloud passes the X-Amz-Target header and the body, and writes back the {@link ApiResponse}.
 */
public final class StepFunctionsJsonApi {
  private final StatesEngine engine;

  public StepFunctionsJsonApi(StatesEngine engine) {
    this.engine = engine;
  }

  /** @param target e.g. "AWSStepFunctions.StartExecution" */
  public ApiResponse handle(String target, byte[] body) {
    throw new UnsupportedOperationException("not yet");
  }
}
