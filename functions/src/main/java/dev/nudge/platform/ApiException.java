package dev.nudge.platform;

/**
 * A request the API refuses, rendered as {@code {"error":{"code","message","field"}}} with its
 * HTTP status. Thrown before anything is written, so refusing never leaves partial state.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  public ApiException(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(400, "invalid_request", message, field);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message, null);
  }

  public static ApiException forbidden(String field, String message) {
    return new ApiException(403, "forbidden", message, field);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The offending field as a path ({@code events[2].properties.plan}), or null. */
  public String field() {
    return field;
  }
}
