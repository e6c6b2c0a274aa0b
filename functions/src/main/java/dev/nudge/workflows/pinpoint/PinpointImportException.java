package dev.nudge.workflows.pinpoint;

/** The input is not a Pinpoint journey that can be read; the message names the field. */
public final class PinpointImportException extends RuntimeException {
  public PinpointImportException(String message) {
    super(message);
  }
}
