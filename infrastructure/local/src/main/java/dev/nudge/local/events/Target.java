package dev.nudge.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nudge.local.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule target: where matched events go and how the event is shaped first (Input, InputPath or
 * InputTransformer, as EventBridge applies them).
 */
public record Target(String id, String arn, JsonNode input, String inputPath, JsonNode inputTransformer) {
  private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_.-]+)>");

  /** What the target receives for {@code event}. */
  public JsonNode transform(JsonNode event) {
    if (input != null) {
      return input.isTextual() ? Json.parse(input.asText()) : input;
    }
    if (inputPath != null) {
      return JsonPointerPath.read(inputPath, event);
    }
    if (inputTransformer != null) {
      String template = inputTransformer.path("InputTemplate").asText();
      Map<String, JsonNode> values = new java.util.HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = inputTransformer.path("InputPathsMap").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        values.put(e.getKey(), JsonPointerPath.read(e.getValue().asText(), event));
      }
      values.putIfAbsent("aws.events.event.json", event);
      values.putIfAbsent("aws.events.event", event);
      values.putIfAbsent("aws.events.rule-arn", TextNode.valueOf(""));
      String trimmed = template.trim();
      boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
      Matcher matcher = PLACEHOLDER.matcher(template);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        JsonNode value = values.get(matcher.group(1));
        String replacement;
        if (value == null) {
          replacement = matcher.group(0);
        } else if (json && !insideQuotes(template, matcher.start())) {
          replacement = value.toString();
        } else {
          replacement = value.isValueNode() ? value.asText() : value.toString();
        }
        matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      matcher.appendTail(out);
      String result = out.toString();
      return json ? Json.parse(result) : TextNode.valueOf(result);
    }
    return event;
  }

  private static boolean insideQuotes(String text, int position) {
    boolean inside = false;
    for (int i = 0; i < position; i++) {
      if (text.charAt(i) == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
        inside = !inside;
      }
    }
    return inside;
  }

  /** The simple JSONPath EventBridge allows in InputPath and InputPathsMap ($.a.b, $.a[0]). */
  static final class JsonPointerPath {
    private JsonPointerPath() {}

    static JsonNode read(String path, JsonNode root) {
      if (path.equals("$")) {
        return root;
      }
      if (!path.startsWith("$.")) {
        throw new IllegalArgumentException("InputPath must start with $: " + path);
      }
      JsonNode node = root;
      for (String part : path.substring(2).split("\\.")) {
        int bracket = part.indexOf('[');
        String name = bracket < 0 ? part : part.substring(0, bracket);
        node = node.path(name);
        while (bracket >= 0) {
          int close = part.indexOf(']', bracket);
          node = node.path(Integer.parseInt(part.substring(bracket + 1, close)));
          bracket = part.indexOf('[', close);
        }
      }
      return node.isMissingNode() ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : node;
    }
  }
}
