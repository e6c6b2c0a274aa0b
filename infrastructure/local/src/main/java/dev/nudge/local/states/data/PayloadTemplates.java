package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;

/** Parameters, ResultSelector, ItemSelector: payload templates with "key.$" fields. */
public final class PayloadTemplates {

  private PayloadTemplates() {}

  /**
   * @throws StatesException States.Runtime for a path that selects nothing, States.IntrinsicFailure
   *     for a failing intrinsic function
   */
  public static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context) {
    throw new UnsupportedOperationException("not yet");
  }
}
