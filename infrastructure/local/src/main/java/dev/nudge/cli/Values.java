package dev.nudge.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/** KEY=VALUE options as JSON: a value that reads as JSON (59.9, true, [1,2], {"a":1}) is that, anything else a string. */
final class Values {
  // Trailing tokens fail: 2026-01-05 is a date (text), not the number 2026 followed by junk.
  private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Values() {}

  static ObjectNode object(Map<String, String> values) {
    ObjectNode node = ApiClient.JSON.createObjectNode();
    values.forEach((k, v) -> node.set(k, value(v)));
    return node;
  }

  static JsonNode value(String text) {
    String t = text.trim();
    if (!t.isEmpty() && (t.matches("-?[0-9].*") || t.equals("true") || t.equals("false") || t.equals("null")
        || t.startsWith("[") || t.startsWith("{") || t.startsWith("\""))) {
      try {
        return STRICT.readTree(t);
      } catch (IOException e) {
        // not JSON after all: the text itself
      }
    }
    return ApiClient.JSON.getNodeFactory().textNode(text);
  }
}
