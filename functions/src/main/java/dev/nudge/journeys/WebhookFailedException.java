package dev.nudge.journeys;

/**
 * A webhook call failed (no answer in time, or a non-2xx status). Java Lambda functions report
 * the exception's class name as the error, so the compiled state machine retries exactly this
 * ({@code AslCompiler.WEBHOOK_FAILED}): do not rename or move it without changing both.
 */
public final class WebhookFailedException extends RuntimeException {
  public WebhookFailedException(String message) {
    super(message);
  }
}
