package dev.nudge.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A conjunction of criteria on a JSON document (an event, or a contact seen as
 * {@code {"attributes": {...}, "score": n, "lists": [...], ...}}). Every criterion must hold.
 */
public record Filter(List<Criterion> criteria) {
  public static final Filter ALWAYS = new Filter(List.of());

  public Filter {
    criteria = List.copyOf(criteria);
  }

  public boolean isEmpty() {
    return criteria.isEmpty();
  }

  public boolean matches(JsonNode document) {
    return criteria.stream().allMatch(c -> c.matches(document));
  }

  /** One dotted path and the comparisons its value must pass (all of them). */
  public record Criterion(String path, List<Comparison> comparisons) {
    public Criterion {
      comparisons = List.copyOf(comparisons);
    }

    public boolean matches(JsonNode document) {
      JsonNode value = resolve(document, path).orElse(null);
      return comparisons.stream().allMatch(c -> c.test(value));
    }
  }

  public enum Operator {
    EQ, NE, GT, GTE, LT, LTE, IN, EXISTS, CONTAINS;

    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Operator> of(String keyword) {
      for (Operator op : values()) {
        if (op.keyword().equals(keyword)) {
          return Optional.of(op);
        }
      }
      return Optional.empty();
    }
  }

  /** {@code operand} is the JSON value written in the workflow (a boolean for exists, an array for in). */
  public record Comparison(Operator operator, JsonNode operand) {
    /** {@code value} is null when the path is absent. */
    public boolean test(JsonNode value) {
      boolean present = value != null && !value.isNull() && !value.isMissingNode();
      return switch (operator) {
        case EXISTS -> present == operand.asBoolean(true);
        case EQ -> present && same(value, operand);
        case NE -> !present || !same(value, operand);
        case GT -> present && compare(value, operand) > 0;
        case GTE -> present && compare(value, operand) >= 0 && comparable(value, operand);
        case LT -> present && compare(value, operand) < 0;
        case LTE -> present && compare(value, operand) <= 0 && comparable(value, operand);
        case IN -> present && operand.isArray() && contains(operand, value);
        case CONTAINS -> present && (value.isArray()
            ? contains(value, operand)
            : value.isTextual() && value.asText().contains(operand.asText()));
      };
    }

    private static boolean contains(JsonNode array, JsonNode wanted) {
      for (JsonNode element : array) {
        if (same(element, wanted)) {
          return true;
        }
      }
      return false;
    }

    private static boolean same(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        return a.decimalValue().compareTo(b.decimalValue()) == 0;
      }
      return a.equals(b);
    }

    private static boolean comparable(JsonNode a, JsonNode b) {
      return (a.isNumber() && b.isNumber()) || (a.isTextual() && b.isTextual());
    }

    /** Numbers numerically, strings lexically (ISO dates order correctly); anything else never matches. */
    private static int compare(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        return a.decimalValue().compareTo(b.decimalValue());
      }
      if (a.isTextual() && b.isTextual()) {
        return a.asText().compareTo(b.asText());
      }
      // Incomparable types: report "equal" for gte/lte guards and "not greater/less" otherwise.
      return 0;
    }
  }

  /** Follows a dotted path ({@code properties.items}) through objects. */
  public static Optional<JsonNode> resolve(JsonNode document, String path) {
    JsonNode current = document;
    for (String part : path.split("\\.")) {
      if (current == null || !current.isObject()) {
        return Optional.empty();
      }
      current = current.get(part);
    }
    return Optional.ofNullable(current).filter(n -> !n.isMissingNode());
  }
}
