package dev.nudge.messaging;

/**
 * SES or SNS said "not now" (sending rate or daily quota): nothing was sent and the ledger claim
 * was released, so the state machine's Retry on this error (its class name is the Lambda error
 * name) backs off and sends later. Distinct from a refusal, which is final.
 */
public final class SendThrottledException extends RuntimeException {
  public SendThrottledException(String providerError) {
    super("provider throttled the send: " + providerError);
  }
}
