package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Static checks used when a state machine is created. Each returns human-readable problems
 * (empty = valid) in AWS's InvalidDefinition style, e.g.
 * "SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath".
 * {@code location} is the JSON pointer of the checked field in the definition, e.g. "/States/A/InputPath";
 * its last segment is the field name used in messages.
 */
public final class DefinitionProblems {

  static final String SCHEMA = "SCHEMA_VALIDATION_FAILED: ";

  /** Where a Choice rule sits, which decides whether it needs or must not have "Next". */
  enum RuleLevel {
    /** An element of "Choices": "Next" is required. */
    TOP,
    /** Inside And, Or or Not: "Next" is forbidden. */
    NESTED,
    /** Either (ChoiceRule.parse): "Next" allowed here but not in nested rules. */
    ANY
  }

  private DefinitionProblems() {}

  /** A path (InputPath, OutputPath, ItemsPath): "$", "$$..." or any valid JSONPath. */
  public static List<String> path(String location, String path) {
    List<String> problems = new ArrayList<>();
    if (!JsonPaths.isValidPath(path)) {
      problems.add(SCHEMA + "The value for the field '" + field(location) + "' must be a valid JSONPath at " + location);
    }
    return problems;
  }

  /**
   * A reference path (ResultPath, Variable, SecondsPath, ...Path fields): a definite JSONPath.
   * ResultPath, which writes into the state's input, may not address the context object.
   */
  public static List<String> referencePath(String location, String path) {
    List<String> problems = new ArrayList<>();
    boolean writesInput = field(location).equals("ResultPath");
    if (!JsonPaths.isDefinite(path) || (writesInput && path.startsWith("$$"))) {
      problems.add(SCHEMA + "The value for the field '" + field(location)
          + "' must be a valid ReferencePath at " + location);
    }
    return problems;
  }

  /** A payload template (Parameters, ResultSelector, ItemSelector): ".$" values and intrinsic calls. */
  public static List<String> payloadTemplate(String location, JsonNode template) {
    List<String> problems = new ArrayList<>();
    template(location, template, problems);
    return problems;
  }

  private static void template(String location, JsonNode node, List<String> problems) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        template(location + "/" + i, node.get(i), problems);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      String at = location + "/" + pointerEscape(key);
      if (!key.endsWith(PayloadTemplates.SUFFIX)) {
        template(at, field.getValue(), problems);
        continue;
      }
      String plain = key.substring(0, key.length() - PayloadTemplates.SUFFIX.length());
      if (node.has(plain)) {
        problems.add(SCHEMA + "The fields '" + plain + "' and '" + key
            + "' would both produce the field '" + plain + "' at " + location);
      }
      JsonNode value = field.getValue();
      String expression = value != null && value.isTextual() ? value.textValue() : null;
      String detail = null;
      if (expression == null) {
        detail = "it is not a string";
      } else if (expression.startsWith("$")) {
        if (!JsonPaths.isValidPath(expression)) {
          detail = "'" + expression + "' is not a valid JSONPath";
        }
      } else if (Intrinsics.looksLikeCall(expression)) {
        List<String> intrinsic = Intrinsics.problems(expression);
        if (!intrinsic.isEmpty()) {
          detail = String.join("; ", intrinsic);
        }
      } else {
        detail = "'" + expression + "' is neither";
      }
      if (detail != null) {
        problems.add(SCHEMA + "The value for the field '" + key
            + "' must be a valid JSONPath or a valid intrinsic function call (" + detail + ") at " + at);
      }
    }
  }

  /** One intrinsic function call's syntax, function name and argument count. */
  public static List<String> intrinsicFunction(String location, String expression) {
    List<String> problems = new ArrayList<>();
    for (String problem : Intrinsics.problems(expression)) {
      problems.add(SCHEMA + "The value for the field '" + field(location)
          + "' must be a valid intrinsic function call (" + problem + ") at " + location);
    }
    return problems;
  }

  /**
   * A Choice rule. {@code topLevel} is true for an element of "Choices" (which needs "Next") and
   * false for a rule nested in And/Or/Not (which must not have one).
   */
  public static List<String> choiceRule(String location, JsonNode rule, boolean topLevel) {
    return choiceRule(location, rule, topLevel ? RuleLevel.TOP : RuleLevel.NESTED);
  }

  static List<String> choiceRule(String location, JsonNode rule, RuleLevel level) {
    List<String> problems = new ArrayList<>();
    rule(location, rule, level, problems);
    return problems;
  }

  private static void rule(String location, JsonNode rule, RuleLevel level, List<String> problems) {
    if (rule == null || !rule.isObject()) {
      problems.add(SCHEMA + "A choice rule must be a JSON object at " + location);
      return;
    }
    List<String> operators = new ArrayList<>();
    Iterator<String> names = rule.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (Comparisons.OPERATORS.contains(name) || name.equals("And") || name.equals("Or") || name.equals("Not")) {
        operators.add(name);
      } else if (!name.equals("Variable") && !name.equals("Next") && !name.equals("Comment")) {
        problems.add(SCHEMA + "The field '" + name + "' is not supported by Step Functions at "
            + location + "/" + pointerEscape(name));
      }
    }
    if (rule.has("Next")) {
      if (level == RuleLevel.NESTED) {
        problems.add(SCHEMA + "The field 'Next' is not allowed in a choice rule nested in And, Or or Not at "
            + location + "/Next");
      } else if (!rule.get("Next").isTextual()) {
        problems.add(SCHEMA + "The value for the field 'Next' must be a STRING at " + location + "/Next");
      }
    } else if (level == RuleLevel.TOP) {
      problems.add(SCHEMA + "The field 'Next' is required but was missing at " + location);
    }
    if (operators.isEmpty()) {
      problems.add(SCHEMA + "A choice rule must contain a comparison operator or And, Or or Not at " + location);
      return;
    }
    if (operators.size() > 1) {
      problems.add(SCHEMA + "A choice rule must contain exactly one comparison operator or And, Or or Not,"
          + " but has " + String.join(", ", operators) + " at " + location);
      return;
    }
    String operator = operators.get(0);
    JsonNode value = rule.get(operator);
    String at = location + "/" + operator;
    switch (operator) {
      case "And", "Or" -> {
        if (rule.has("Variable")) {
          problems.add(SCHEMA + "The field 'Variable' is not allowed beside '" + operator + "' at " + location);
        }
        if (!value.isArray() || value.isEmpty()) {
          problems.add(SCHEMA + "The value for the field '" + operator
              + "' must be a non-empty array of choice rules at " + at);
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          rule(at + "/" + i, value.get(i), RuleLevel.NESTED, problems);
        }
      }
      case "Not" -> {
        if (rule.has("Variable")) {
          problems.add(SCHEMA + "The field 'Variable' is not allowed beside 'Not' at " + location);
        }
        rule(at, value, RuleLevel.NESTED, problems);
      }
      default -> comparison(location, rule, operator, value, problems);
    }
  }

  private static void comparison(String location, JsonNode rule, String operator, JsonNode value,
      List<String> problems) {
    JsonNode variable = rule.get("Variable");
    if (variable == null) {
      problems.add(SCHEMA + "The field 'Variable' is required but was missing at " + location);
    } else if (!variable.isTextual() || !JsonPaths.isValidPath(variable.textValue())) {
      problems.add(SCHEMA + "The value for the field 'Variable' must be a valid JSONPath at " + location + "/Variable");
    }
    String at = location + "/" + operator;
    String type;
    boolean ok;
    if (operator.endsWith("Path")) {
      type = "valid ReferencePath";
      ok = value.isTextual() && JsonPaths.isDefinite(value.textValue());
    } else if (operator.startsWith("Is") || operator.equals("BooleanEquals")) {
      type = "BOOLEAN";
      ok = value.isBoolean();
    } else if (operator.startsWith("Numeric")) {
      type = "NUMBER";
      ok = value.isNumber();
    } else if (operator.startsWith("Timestamp")) {
      type = "valid timestamp (RFC 3339, e.g. 2016-08-18T17:33:00Z)";
      ok = Comparisons.timestamp(value) != null;
    } else {
      type = "STRING";
      ok = value.isTextual();
    }
    if (!ok) {
      problems.add(SCHEMA + "The value for the field '" + operator + "' must be a " + type + " at " + at);
    }
  }

  /** The last segment of a JSON pointer, unescaped. */
  static String field(String location) {
    if (location == null || location.isEmpty()) {
      return "";
    }
    String last = location.substring(location.lastIndexOf('/') + 1);
    return last.replace("~1", "/").replace("~0", "~");
  }

  static String pointerEscape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
