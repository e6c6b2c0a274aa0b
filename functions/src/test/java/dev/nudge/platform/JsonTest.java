package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Json's streaming reader and writer (the track path's, which must not build an ObjectMapper) are
 * the mapper's equals: same trees, same node types, same bytes, same refusals.
 */
class JsonTest {
  /** Numbers of every shape the parser distinguishes, strings that need escaping, every node type. */
  private static final String VARIED = "{\"s\":\"plain\",\"u\":\"caf\u00e9 \u00f1 \ud83d\ude80 \\u2028 \\u0001\","
      + "\"esc\":\"q\\\" b\\\\ s\\/ n\\n t\\t </script>\",\"i\":-7,\"zero\":0,\"l\":2147483648,\"nl\":-9223372036854775808,"
      + "\"big\":123456789012345678901234567890,\"d\":1.50,\"h\":100.0,\"z\":0.0,\"nz\":-0.0,\"e\":1e400,\"small\":1.0e-5,"
      + "\"frac\":0.1000,\"neg\":-12.345E+3,\"t\":true,\"f\":false,\"n\":null,\"ea\":[],\"eo\":{},"
      + "\"nested\":{\"a\":[1,[2,[3,{\"deep\":[null,{}]}]],\"x\",-0.5],\"\":\"empty key\"}}";

  @Test
  void theStreamingReaderBuildsTheTreeTheMapperBuilds() throws Exception {
    JsonNode streamed = Json.read(VARIED);
    JsonNode mapped = Json.mapper().readTree(VARIED);

    assertThat(streamed).isEqualTo(mapped);
    assertThat(nodeTypes(streamed)).isEqualTo(nodeTypes(mapped));
    assertThat(Json.read(VARIED.getBytes(StandardCharsets.UTF_8))).isEqualTo(mapped);
    assertThat(Json.read(new ByteArrayInputStream(VARIED.getBytes(StandardCharsets.UTF_8)))).isEqualTo(mapped);
  }

  @Test
  void theStreamingWriterWritesWhatTheMapperWrites() throws Exception {
    ObjectNode tree = (ObjectNode) Json.mapper().readTree(VARIED);
    // Node kinds the parser never makes but code can put in a tree.
    tree.put("float", 1.25f).put("double", 0.1d).put("short", (short) 3).put("long", 5L)
        .put("bytes", new byte[] {1, 2, 3, (byte) 250}).put("bigint", new BigInteger("-98765432109876543210"))
        .put("decimal", new BigDecimal("1.2300"));
    tree.set("missing", MissingNode.getInstance());
    tree.putArray("mixed").add(1).add(2.5d).add("three").addNull().add(false).addObject().putArray("a");

    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    Json.write(streamed, tree);

    assertThat(Json.write(tree)).isEqualTo(Json.mapper().writeValueAsString(tree));
    assertThat(streamed.toByteArray()).isEqualTo(Json.mapper().writeValueAsBytes(tree));
  }

  @Test
  void theStreamingReaderRefusesWhatTheMapperRefusesWithTheSameProblem() {
    String deep = "[".repeat(65) + "]".repeat(65);
    for (String bad : List.of("{\"a\":1} {\"b\":2}", "[1] 2", "{\"a\":1,\"a\":2}", "{\"p\":{\"x\":1,\"x\":1}}",
        "{\"v\":NaN}", "{\"v\":-Infinity}", "{\"a\":", "{a:1}", "[1,]", "'x'", deep)) {
      JacksonException streamed = catchThrowableOfType(JacksonException.class, () -> Json.read(bad));
      JacksonException mapped = catchThrowableOfType(JacksonException.class, () -> Json.mapper().readTree(bad));
      assertThat(streamed).as(bad).isNotNull();
      assertThat(mapped).as(bad).isNotNull();
      assertThat(Json.problem(streamed)).as(bad).isEqualTo(Json.problem(mapped));
    }
  }

  @Test
  void aBodyWithTrailingContentIsRefusedNamingIt() {
    assertThatThrownBy(() -> Json.parseBody("{} []".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiException.class).hasMessageContaining("trailing content after the JSON value");
  }

  @Test
  void emptyInputIsMissingAsForTheMapper() throws Exception {
    assertThat(Json.read("  \n")).isEqualTo(Json.mapper().readTree("  \n")).isEqualTo(MissingNode.getInstance());
    assertThat(Json.parseBody(" ".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void aPojoNodeIsRefusedRatherThanWrittenWithoutTheMapper() {
    ObjectNode tree = Json.object();
    tree.set("pojo", JsonNodeFactory.instance.pojoNode(Map.of("a", 1)));

    assertThatThrownBy(() -> Json.write(tree)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("POJO");
  }

  /** Every node's path and concrete class, in document order. */
  private static List<String> nodeTypes(JsonNode root) {
    List<String> out = new ArrayList<>();
    collect("$", root, out);
    return out;
  }

  private static void collect(String path, JsonNode node, List<String> out) {
    out.add(path + " " + node.getClass().getSimpleName());
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        collect(path + "." + field.getKey(), field.getValue(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(path + "[" + i + "]", node.get(i), out);
      }
    }
  }
}
