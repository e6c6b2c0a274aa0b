package dev.nudge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** JSON values to and from DynamoDB attribute values (maps, lists, strings, numbers, booleans, null). */
public final class DynamoJson {
  private DynamoJson() {}

  public static AttributeValue toAttribute(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return AttributeValue.fromNul(true);
    }
    if (node.isObject()) {
      Map<String, AttributeValue> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toAttribute(e.getValue())));
      return AttributeValue.fromM(map);
    }
    if (node.isArray()) {
      List<AttributeValue> list = new ArrayList<>();
      node.forEach(v -> list.add(toAttribute(v)));
      return AttributeValue.fromL(list);
    }
    if (node.isBoolean()) {
      return AttributeValue.fromBool(node.booleanValue());
    }
    if (node.isNumber()) {
      return AttributeValue.fromN(node.decimalValue().toString());
    }
    return AttributeValue.fromS(node.asText());
  }

  public static JsonNode toJson(AttributeValue value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null || Boolean.TRUE.equals(value.nul())) {
      return f.nullNode();
    }
    if (value.s() != null) {
      return f.textNode(value.s());
    }
    if (value.n() != null) {
      BigDecimal n = new BigDecimal(value.n());
      return n.scale() <= 0 && n.precision() - n.scale() <= 18 ? f.numberNode(n.longValueExact()) : f.numberNode(n);
    }
    if (value.bool() != null) {
      return f.booleanNode(value.bool());
    }
    if (value.hasM()) {
      ObjectNode object = f.objectNode();
      value.m().forEach((k, v) -> object.set(k, toJson(v)));
      return object;
    }
    if (value.hasL()) {
      ArrayNode array = f.arrayNode();
      value.l().forEach(v -> array.add(toJson(v)));
      return array;
    }
    if (value.hasSs()) {
      ArrayNode array = f.arrayNode();
      value.ss().forEach(array::add);
      return array;
    }
    return f.nullNode();
  }
}
