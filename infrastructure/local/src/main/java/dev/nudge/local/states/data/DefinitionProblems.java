package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Static checks used when a state machine is created. Each returns human-readable problems
 * (empty = valid) in AWS's InvalidDefinition style, e.g.
 * "SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath".
 * {@code location} is the JSON pointer of the checked field in the definition, e.g. "/States/A/InputPath";
 * its last segment is the field name used in messages.
 */
public final class DefinitionProblems {

  private DefinitionProblems() {}

  /** A path (InputPath, OutputPath, ItemsPath): "$", "$$..." or any valid JSONPath. */
  public static List<String> path(String location, String path) {
    throw new UnsupportedOperationException("not yet");
  }

  /** A reference path (ResultPath, Variable, SecondsPath, ...Path fields): a definite JSONPath. */
  public static List<String> referencePath(String location, String path) {
    throw new UnsupportedOperationException("not yet");
  }

  /** A payload template (Parameters, ResultSelector, ItemSelector): ".$" values and intrinsic calls. */
  public static List<String> payloadTemplate(String location, JsonNode template) {
    throw new UnsupportedOperationException("not yet");
  }

  /** One intrinsic function call's syntax, function name and argument count. */
  public static List<String> intrinsicFunction(String location, String expression) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * A Choice rule. {@code topLevel} is true for an element of "Choices" (which needs "Next") and
   * false for a rule nested in And/Or/Not (which must not have one).
   */
  public static List<String> choiceRule(String location, JsonNode rule, boolean topLevel) {
    throw new UnsupportedOperationException("not yet");
  }
}
