package dev.nudge.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One resource of the template after intrinsics are resolved and Globals merged.
 *
 * @param physicalName the name the resource has locally (TableName, FunctionName... or
 *     {@code <stack>-<LogicalId>}, stable across restarts so persisted data is found again)
 */
public record Resource(String logicalId, String type, ObjectNode properties, String physicalName) {

  /** "Resources.X.Properties.a.b": how an error names a property. */
  public String where(String propertyPath) {
    return "Resources." + logicalId + ".Properties." + propertyPath;
  }

  public Optional<JsonNode> property(String name) {
    JsonNode value = properties.get(name);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  public String text(String name, String fallback) {
    return property(name).map(JsonNode::asText).orElse(fallback);
  }

  public JsonNode required(String name) {
    return property(name).orElseThrow(() -> TemplateException.at(where(name), "is required"));
  }
}
