package dev.nudge.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An EventBridge event pattern: exact values, prefix, suffix, anything-but, numeric, exists,
 * equals-ignore-case, wildcard and $or, as EventBridge documents them. Hand-written: no Java
 * library implements EventBridge's matching rules.
 */
public final class EventPattern {
  private final JsonNode pattern;

  private EventPattern(JsonNode pattern) {
    this.pattern = pattern;
  }

  /** Parses and checks a pattern; a malformed one throws IllegalArgumentException saying why. */
  public static EventPattern of(JsonNode pattern) {
    if (!pattern.isObject()) {
      throw new IllegalArgumentException("an event pattern must be a JSON object");
    }
    validate(pattern, "");
    return new EventPattern(pattern);
  }

  private static void validate(JsonNode node, String path) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (field.getKey().equals("$or")) {
        value.forEach(alternative -> validate(alternative, path));
      } else if (value.isObject()) {
        validate(value, path + field.getKey() + ".");
      } else if (value.isArray()) {
        for (JsonNode matcher : value) {
          if (matcher.isObject()) {
            String op = matcher.fieldNames().hasNext() ? matcher.fieldNames().next() : "";
            if (!java.util.Set.of("prefix", "suffix", "anything-but", "numeric", "exists",
                "equals-ignore-case", "wildcard", "cidr").contains(op)) {
              throw new IllegalArgumentException("unsupported matcher '" + op + "' at " + path + field.getKey());
            }
          }
        }
      } else {
        throw new IllegalArgumentException("pattern values must be arrays, at " + path + field.getKey());
      }
    }
  }

  public boolean matches(JsonNode event) {
    return matches(pattern, event);
  }

  private static boolean matches(JsonNode pattern, JsonNode event) {
    for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("$or")) {
        boolean any = false;
        for (JsonNode alternative : field.getValue()) {
          any |= matches(alternative, event);
        }
        if (!any) {
          return false;
        }
        continue;
      }
      JsonNode value = event == null ? null : event.get(field.getKey());
      JsonNode expected = field.getValue();
      if (expected.isObject()) {
        if (value == null || !value.isObject() || !matches(expected, value)) {
          return false;
        }
      } else if (!matchesAny(expected, value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesAny(JsonNode matchers, JsonNode value) {
    for (JsonNode matcher : matchers) {
      if (matcher.isObject() && matcher.has("exists")) {
        boolean exists = value != null && !value.isNull() && !(value.isArray() && value.isEmpty());
        if (exists == matcher.get("exists").asBoolean()) {
          return true;
        }
        continue;
      }
      if (value == null) {
        continue;
      }
      if (value.isArray()) {
        for (JsonNode element : value) {
          if (matchesOne(matcher, element)) {
            return true;
          }
        }
      } else if (matchesOne(matcher, value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesOne(JsonNode matcher, JsonNode value) {
    if (!matcher.isObject()) {
      if (matcher.isNull()) {
        return value.isNull();
      }
      if (matcher.isNumber() && value.isNumber()) {
        return matcher.decimalValue().compareTo(value.decimalValue()) == 0;
      }
      return matcher.isTextual() == value.isTextual() && matcher.asText().equals(value.asText())
          && !value.isNull();
    }
    String op = matcher.fieldNames().next();
    JsonNode arg = matcher.get(op);
    String text = value.isValueNode() ? value.asText() : null;
    return switch (op) {
      case "prefix" -> text != null && value.isTextual() && prefix(arg, text);
      case "suffix" -> text != null && value.isTextual() && suffix(arg, text);
      case "equals-ignore-case" -> value.isTextual() && text.equalsIgnoreCase(arg.asText());
      case "wildcard" -> value.isTextual() && wildcard(arg.asText()).matcher(text).matches();
      case "numeric" -> value.isNumber() && numeric(arg, value.doubleValue());
      case "anything-but" -> !anythingBut(arg, value);
      default -> false;
    };
  }

  private static boolean prefix(JsonNode arg, String text) {
    if (arg.isObject() && arg.has("equals-ignore-case")) {
      return text.toLowerCase(Locale.ROOT).startsWith(arg.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
    }
    return text.startsWith(arg.asText());
  }

  private static boolean suffix(JsonNode arg, String text) {
    if (arg.isObject() && arg.has("equals-ignore-case")) {
      return text.toLowerCase(Locale.ROOT).endsWith(arg.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
    }
    return text.endsWith(arg.asText());
  }

  /** True when {@code value} is one of the excluded values (so anything-but does not match). */
  private static boolean anythingBut(JsonNode arg, JsonNode value) {
    if (arg.isObject()) {
      if (arg.has("prefix")) {
        return value.isTextual() && value.asText().startsWith(arg.get("prefix").asText());
      }
      if (arg.has("suffix")) {
        return value.isTextual() && value.asText().endsWith(arg.get("suffix").asText());
      }
      if (arg.has("equals-ignore-case")) {
        JsonNode list = arg.get("equals-ignore-case");
        if (list.isArray()) {
          for (JsonNode one : list) {
            if (one.asText().equalsIgnoreCase(value.asText())) {
              return true;
            }
          }
          return false;
        }
        return list.asText().equalsIgnoreCase(value.asText());
      }
      return false;
    }
    if (arg.isArray()) {
      for (JsonNode one : arg) {
        if (matchesOne(one, value)) {
          return true;
        }
      }
      return false;
    }
    return matchesOne(arg, value);
  }

  private static boolean numeric(JsonNode arg, double value) {
    for (int i = 0; i + 1 < arg.size(); i += 2) {
      String op = arg.get(i).asText();
      double bound = arg.get(i + 1).asDouble();
      boolean ok = switch (op) {
        case "<" -> value < bound;
        case "<=" -> value <= bound;
        case ">" -> value > bound;
        case ">=" -> value >= bound;
        case "=" -> value == bound;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Pattern wildcard(String glob) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    for (String part : glob.split("\\*", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts), Pattern.DOTALL);
  }
}
