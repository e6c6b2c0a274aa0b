package dev.nudge.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One HTTP response; header values may repeat (Set-Cookie). */
public record Reply(int status, Map<String, List<String>> headers, byte[] body) {

  public static Reply of(int status, String contentType, byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", List.of(contentType));
    }
    return new Reply(status, headers, body);
  }

  public static Reply json(int status, JsonNode body, String contentType) {
    return of(status, contentType, Json.bytes(body));
  }

  public static Reply text(int status, String contentType, String body) {
    return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  public Reply with(String header, String value) {
    Map<String, List<String>> copy = new LinkedHashMap<>(headers);
    copy.put(header, List.of(value));
    return new Reply(status, copy, body);
  }
}
