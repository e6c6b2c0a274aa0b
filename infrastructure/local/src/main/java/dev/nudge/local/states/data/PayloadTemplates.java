package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Parameters, ResultSelector, ItemSelector: payload templates (ASL specification, "Payload
 * Template"). Any field, however deeply nested (inside arrays too), whose name ends with ".$"
 * is replaced by a field without the suffix whose value is the path or intrinsic function
 * result; every other value is copied as is.
 */
public final class PayloadTemplates {

  static final String SUFFIX = ".$";

  private PayloadTemplates() {}

  /**
   * @throws StatesException States.Runtime for a path that selects nothing, States.IntrinsicFailure
   *     for a failing intrinsic function
   */
  public static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context) {
    if (template == null) {
      return null;
    }
    if (template.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = field.getKey();
        if (key.endsWith(SUFFIX)) {
          out.set(key.substring(0, key.length() - SUFFIX.length()),
              dynamicValue(key, field.getValue(), input, context));
        } else {
          out.set(key, evaluate(field.getValue(), input, context));
        }
      }
      return out;
    }
    if (template.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(template.size());
      for (JsonNode item : template) {
        out.add(evaluate(item, input, context));
      }
      return out;
    }
    return template;
  }

  private static JsonNode dynamicValue(String key, JsonNode value, JsonNode input, JsonNode context) {
    if (value == null || !value.isTextual()) {
      throw new StatesException(StatesException.RUNTIME, "The value for the field '" + key
          + "' must be a valid JSONPath or a valid intrinsic function call");
    }
    String expression = value.textValue();
    if (expression.startsWith("$")) {
      try {
        return JsonPaths.read(expression, input, context);
      } catch (StatesException e) {
        // AWS: "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found
        // in the input '{}'" (the state-name prefix is the engine's).
        JsonNode source = expression.startsWith("$$") ? context : input;
        throw new StatesException(StatesException.RUNTIME, "The JSONPath '" + expression
            + "' specified for the field '" + key + "' could not be found in the input '" + source + "'");
      }
    }
    if (Intrinsics.looksLikeCall(expression)) {
      return Intrinsics.call(expression, input, context);
    }
    throw new StatesException(StatesException.RUNTIME, "The value for the field '" + key
        + "' must be a valid JSONPath or a valid intrinsic function call");
  }
}
