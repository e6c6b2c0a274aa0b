package dev.nudge.platform;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON for every function: the tree model (databind's {@link JsonNode}) read and written by a
 * strict jackson-core streaming parser and generator, and, for the code that needs it, the one
 * configured {@link ObjectMapper} behind {@link #mapper()}.
 *
 * <p>Why two paths: building an ObjectMapper costs a fresh JVM about 160 ms (its serializer and
 * deserializer machinery), a streaming parser plus the node classes about 50 ms (docs/benchmarks.md,
 * cold start). The track and identify path reads and writes trees only, so it goes through
 * {@link #read}/{@link #write} and never builds the mapper. The reader and writer are written here
 * on jackson-core rather than taken from jackson-jr or similar, which would bring a second tree model
 * beside the {@link JsonNode} every capability already uses. They produce exactly what the mapper
 * does (JsonTest compares them): same strictness, same node types, same bytes.
 */
public final class Json {
  /** Nesting is limited again, and more tightly, by the request validators; this is the parser's backstop. */
  private static final int MAX_DEPTH = 64;
  private static final JsonFactory FACTORY = strictFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /**
   * Strict input: "{...} {...}" would otherwise be read as its first value and the rest silently
   * dropped (the tree reader refuses trailing tokens itself; the mapper by FAIL_ON_TRAILING_TOKENS);
   * a duplicate key would let the last value win unseen; NaN/Infinity are not JSON and would not
   * survive a round trip through DynamoDB numbers.
   */
  private static JsonFactory strictFactory() {
    return JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();
  }

  /** Built on first use only: the track path never calls this (TrackPathColdStartTest). */
  private static final class Mapper {
    static final ObjectMapper INSTANCE = JsonMapper.builder(strictFactory())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /**
   * The configured mapper, for binding and for the handlers off the track path. Reads trees exactly
   * as {@link #read} does; prefer {@link #read}/{@link #write} where trees are all that is needed.
   */
  public static ObjectMapper mapper() {
    return Mapper.INSTANCE;
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
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
      JsonNode node = read(body);
      return node.isMissingNode() ? null : node;
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

  /** One JSON value, strictly (as {@code mapper().readTree}); {@link MissingNode} for empty input. */
  public static JsonNode read(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return readRoot(p);
    }
  }

  public static JsonNode read(String json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return readRoot(p);
    }
  }

  /** Reads the whole stream and closes it. */
  public static JsonNode read(InputStream json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return readRoot(p);
    }
  }

  private static JsonNode readRoot(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      return MissingNode.getInstance();
    }
    JsonNode root = value(p, first);
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      // The mapper's FAIL_ON_TRAILING_TOKENS message starts the same way, which problem() relies on.
      throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after value");
    }
    return root;
  }

  /** The node of the value starting at {@code token}, typed as databind's JsonNodeDeserializer types it. */
  private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        // Duplicate names never reach here: the parser refuses them (STRICT_DUPLICATE_DETECTION).
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          object.set(name, value(p, p.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          array.add(value(p, t));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        // USE_BIG_DECIMAL_FOR_FLOATS, with the trailing zeros stripped as the mapper's default
        // node factory has them stripped (1.50 -> 1.5, 100.0 -> 1E+2).
        return NODES.numberNode(stripped(p.getDecimalValue()));
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new JsonParseException(p, "Unexpected token " + token);
    }
  }

  private static BigDecimal stripped(BigDecimal value) {
    try {
      return value.stripTrailingZeros();
    } catch (ArithmeticException e) {
      return value; // scale overflow: left as read, as the mapper does
    }
  }

  /** The tree as compact JSON, byte for byte what {@code mapper().writeValueAsString} writes. */
  public static String write(JsonNode node) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes the tree as UTF-8 JSON and closes {@code out} (as {@code mapper().writeValue(out, node)}). */
  public static void write(OutputStream out, JsonNode node) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(g, node);
    }
  }

  private static void write(JsonGenerator g, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT:
        g.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          g.writeFieldName(field.getKey());
          write(g, field.getValue());
        }
        g.writeEndObject();
        break;
      case ARRAY:
        g.writeStartArray();
        for (JsonNode element : node) {
          write(g, element);
        }
        g.writeEndArray();
        break;
      case STRING:
        g.writeString(node.textValue());
        break;
      case NUMBER:
        switch (node.numberType()) {
          case INT:
            g.writeNumber(node.intValue());
            break;
          case LONG:
            g.writeNumber(node.longValue());
            break;
          case BIG_INTEGER:
            g.writeNumber(node.bigIntegerValue());
            break;
          case FLOAT:
            g.writeNumber(node.floatValue());
            break;
          case DOUBLE:
            g.writeNumber(node.doubleValue());
            break;
          default:
            g.writeNumber(node.decimalValue());
        }
        break;
      case BOOLEAN:
        g.writeBoolean(node.booleanValue());
        break;
      case NULL:
      case MISSING:
        g.writeNull();
        break;
      case BINARY:
        g.writeBinary(node.binaryValue());
        break;
      default:
        // POJO nodes need the mapper's serializers; nothing on the light path builds one.
        throw new IllegalArgumentException("Json.write writes trees only, not a " + node.getNodeType() + " node");
    }
  }
}
