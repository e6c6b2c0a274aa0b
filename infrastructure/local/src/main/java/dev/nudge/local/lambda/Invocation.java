package dev.nudge.local.lambda;

/**
 * The outcome of one invocation. {@code errorType} is null on success; on a function error the
 * payload is Lambda's error JSON ({@code errorMessage}, {@code errorType}, {@code stackTrace}).
 */
public record Invocation(String requestId, byte[] payload, String errorType, String errorMessage, long durationMillis) {
  public boolean failed() {
    return errorType != null;
  }
}
