package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * One Choice rule: a data-test comparison or a boolean combination of rules (developer guide,
 * "Choice"; ASL specification, "Choice Rules"). A top-level rule's "Next" is the engine's
 * business and is ignored here.
 */
public sealed interface ChoiceRule permits ChoiceRule.And, ChoiceRule.Or, ChoiceRule.Not, ChoiceRule.Comparison {

  /**
   * Parses a rule. Validate it first with {@link DefinitionProblems#choiceRule}.
   *
   * @throws IllegalArgumentException for a malformed rule, with DefinitionProblems' message
   */
  static ChoiceRule parse(JsonNode rule) {
    List<String> problems = DefinitionProblems.choiceRule("", rule, DefinitionProblems.RuleLevel.ANY);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return parseValid(rule);
  }

  private static ChoiceRule parseValid(JsonNode rule) {
    if (rule.has("And")) {
      return new And(parseAll(rule.get("And")));
    }
    if (rule.has("Or")) {
      return new Or(parseAll(rule.get("Or")));
    }
    if (rule.has("Not")) {
      return new Not(parseValid(rule.get("Not")));
    }
    Iterator<String> names = rule.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (Comparisons.OPERATORS.contains(name)) {
        return new Comparison(rule.get("Variable").textValue(), name, rule.get(name));
      }
    }
    throw new IllegalArgumentException("no comparison operator");
  }

  private static List<ChoiceRule> parseAll(JsonNode rules) {
    List<ChoiceRule> parsed = new ArrayList<>();
    rules.forEach(r -> parsed.add(parseValid(r)));
    return Collections.unmodifiableList(parsed);
  }

  /** @throws StatesException States.Runtime when the Variable (or a ...Path value) is absent */
  boolean matches(JsonNode input, JsonNode context);

  record And(List<ChoiceRule> rules) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      for (ChoiceRule rule : rules) {
        if (!rule.matches(input, context)) {
          return false;
        }
      }
      return true;
    }
  }

  record Or(List<ChoiceRule> rules) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      for (ChoiceRule rule : rules) {
        if (rule.matches(input, context)) {
          return true;
        }
      }
      return false;
    }
  }

  record Not(ChoiceRule rule) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      return !rule.matches(input, context);
    }
  }

  /**
   * A data test: {@code variable} compared by {@code operator} (e.g. "StringEquals",
   * "NumericLessThanPath", "IsPresent") with {@code value} (a literal, or a path for the Path forms).
   */
  record Comparison(String variable, String operator, JsonNode value) implements ChoiceRule {

    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      if (operator.equals("IsPresent")) {
        return JsonPaths.isPresent(variable, input, context) == value.booleanValue();
      }
      JsonNode actual = readCondition(variable, input, context);
      if (operator.startsWith("Is")) {
        return typeTest(actual) == value.booleanValue();
      }
      boolean isPath = operator.endsWith("Path");
      String base = isPath ? operator.substring(0, operator.length() - "Path".length()) : operator;
      JsonNode expected = isPath ? readCondition(value.textValue(), input, context) : value;
      if (base.startsWith("String")) {
        return compareStrings(base.substring("String".length()), actual, expected);
      }
      if (base.startsWith("Numeric")) {
        if (!actual.isNumber() || !expected.isNumber()) {
          return false; // "Step Functions doesn't attempt to match a numeric field to a string value."
        }
        return holds(base.substring("Numeric".length()), actual.decimalValue().compareTo(expected.decimalValue()));
      }
      if (base.startsWith("Boolean")) {
        return actual.isBoolean() && expected.isBoolean() && actual.booleanValue() == expected.booleanValue();
      }
      if (base.startsWith("Timestamp")) {
        Instant a = Comparisons.timestamp(actual);
        Instant b = Comparisons.timestamp(expected);
        if (a == null || b == null) {
          return false;
        }
        return holds(base.substring("Timestamp".length()), a.compareTo(b));
      }
      throw new IllegalStateException("unknown operator " + operator);
    }

    private boolean typeTest(JsonNode actual) {
      return switch (operator) {
        case "IsNull" -> actual.isNull();
        case "IsNumeric" -> actual.isNumber();
        case "IsString" -> actual.isTextual();
        case "IsBoolean" -> actual.isBoolean();
        case "IsTimestamp" -> Comparisons.timestamp(actual) != null;
        default -> throw new IllegalStateException("unknown operator " + operator);
      };
    }

    private static boolean compareStrings(String comparison, JsonNode actual, JsonNode expected) {
      if (!actual.isTextual() || !expected.isTextual()) {
        return false;
      }
      if (comparison.equals("Matches")) {
        return Comparisons.wildcard(expected.textValue()).matcher(actual.textValue()).matches();
      }
      // The developer guide refers string comparisons to Java's String.compareTo.
      return holds(comparison, actual.textValue().compareTo(expected.textValue()));
    }

    private static boolean holds(String comparison, int order) {
      return switch (comparison) {
        case "Equals" -> order == 0;
        case "LessThan" -> order < 0;
        case "GreaterThan" -> order > 0;
        case "LessThanEquals" -> order <= 0;
        case "GreaterThanEquals" -> order >= 0;
        default -> throw new IllegalStateException("unknown comparison " + comparison);
      };
    }

    private static JsonNode readCondition(String path, JsonNode input, JsonNode context) {
      try {
        return JsonPaths.read(path, input, context);
      } catch (StatesException e) {
        // AWS's cause for a Choice condition on an absent field.
        throw new StatesException(StatesException.RUNTIME,
            "Invalid path '" + path + "': The choice state's condition path references an invalid value.");
      }
    }
  }
}
