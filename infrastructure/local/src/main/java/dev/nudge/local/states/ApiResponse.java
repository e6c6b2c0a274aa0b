package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * One AWS JSON 1.0 response: HTTP status, body, and for errors AWS's error type (also in the body's
 * {@code __type}; send it as the {@code x-amzn-ErrorType} header too). Content type is
 * {@code application/x-amz-json-1.0}.
 */
public record ApiResponse(int status, JsonNode body, String errorType) {
  public static final String CONTENT_TYPE = "application/x-amz-json-1.0";

  public byte[] bodyBytes() {
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  public boolean isError() {
    return errorType != null;
  }
}
