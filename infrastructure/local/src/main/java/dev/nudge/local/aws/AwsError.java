package dev.nudge.local.aws;

/** An AWS API error: HTTP status, error code as AWS names it, message. */
public final class AwsError extends RuntimeException {
  private final int status;
  private final String code;
  private final java.util.Map<String, String> fields;

  public AwsError(int status, String code, String message) {
    this(status, code, message, java.util.Map.of());
  }

  /** {@code fields}: the error's own members in a JSON protocol body (e.g. a ConflictException's Reason). */
  public AwsError(int status, String code, String message, java.util.Map<String, String> fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = java.util.Map.copyOf(fields);
  }

  public java.util.Map<String, String> fields() {
    return fields;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
