package dev.nudge.platform;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** The one configured Jackson mapper (tree model only: no reflection-driven binding at cold start). */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      // Strict input: "{...} {...}" would otherwise be read as its first value and the rest
      // silently dropped; a duplicate key would let the last value win unseen; NaN/Infinity are
      // not JSON and would not survive a round trip through DynamoDB numbers.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  static {
    // Nesting is limited again, and more tightly, by the request validators; this is the parser's backstop.
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Parses a request body strictly, or refuses it with a 400 that names the problem (trailing
   * content, duplicate key, non-numeric number, malformed). Returns null for an empty body so
   * callers decide whether empty is allowed. The message never quotes the input.
   */
  public static JsonNode parseBody(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (JacksonException e) {
      throw ApiException.invalid("body", "the body is not valid JSON: " + problem(e));
    } catch (IOException e) {
      throw ApiException.invalid("body", "the body could not be read");
    }
  }

  /** A short description of why the parser refused, without echoing input values. */
  static String problem(JacksonException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("Trailing token")) {
      return "trailing content after the JSON value";
    }
    if (m.startsWith("Duplicate field") || m.startsWith("Duplicate Object property")) {
      return "duplicate key";
    }
    if (m.contains("Non-standard token") && (m.contains("NaN") || m.contains("Infinity"))
        || m.contains("Non-standard number") || m.contains("INF")) {
      return "NaN and Infinity are not JSON numbers";
    }
    String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr();
    return "malformed" + where;
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
