package dev.nudge.messaging;

/**
 * The provider refuses the message because the recipient opted out with it (an SMS number on the
 * account's opt-out list after a STOP reply): not a failure to retry, a consent to record.
 */
public final class RecipientOptedOutException extends RuntimeException {
  public RecipientOptedOutException(Throwable cause) {
    super("the recipient opted out with the provider", cause);
  }
}
