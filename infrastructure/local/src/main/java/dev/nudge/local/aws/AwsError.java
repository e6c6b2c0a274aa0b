package dev.nudge.local.aws;

/** An AWS API error: HTTP status, error code as AWS names it, message. */
public final class AwsError extends RuntimeException {
  private final int status;
  private final String code;

  public AwsError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
