package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;

/** The intrinsic functions: States.Format, States.Array, States.Hash... */
public final class Intrinsics {

  private Intrinsics() {}

  /** Evaluates one intrinsic function call, e.g. {@code States.Format('Hi {}', $.name)}. */
  public static JsonNode call(String expression, JsonNode input, JsonNode context) {
    throw new UnsupportedOperationException("not yet");
  }
}
