package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One Choice rule: a data-test comparison or a boolean combination of rules. A top-level rule's
 * "Next" is the engine's business and is ignored here.
 */
public sealed interface ChoiceRule permits ChoiceRule.And, ChoiceRule.Or, ChoiceRule.Not, ChoiceRule.Comparison {

  /**
   * Parses a rule. Validate it first with {@link DefinitionProblems#choiceRule}.
   *
   * @throws IllegalArgumentException for a malformed rule
   */
  static ChoiceRule parse(JsonNode rule) {
    throw new UnsupportedOperationException("not yet");
  }

  /** @throws StatesException States.Runtime when the Variable (or a ...Path value) is absent */
  boolean matches(JsonNode input, JsonNode context);

  record And(List<ChoiceRule> rules) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      throw new UnsupportedOperationException("not yet");
    }
  }

  record Or(List<ChoiceRule> rules) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      throw new UnsupportedOperationException("not yet");
    }
  }

  record Not(ChoiceRule rule) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      throw new UnsupportedOperationException("not yet");
    }
  }

  /**
   * A data test: {@code variable} compared by {@code operator} (e.g. "StringEquals",
   * "NumericLessThanPath", "IsPresent") with {@code value} (a literal, or a path for the Path forms).
   */
  record Comparison(String variable, String operator, JsonNode value) implements ChoiceRule {
    @Override
    public boolean matches(JsonNode input, JsonNode context) {
      throw new UnsupportedOperationException("not yet");
    }
  }
}
