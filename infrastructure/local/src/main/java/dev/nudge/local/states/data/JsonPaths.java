package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;

/** JSONPath as the Amazon States Language uses it. */
public final class JsonPaths {

  private JsonPaths() {}

  /**
   * Reads {@code path} from {@code input}, or from {@code context} when it starts with {@code $$}.
   *
   * @throws StatesException States.Runtime when the path selects nothing
   */
  public static JsonNode read(String path, JsonNode input, JsonNode context) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Whether {@code path} is a reference path: definite, selecting at most one node. */
  public static boolean isDefinite(String path) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Combines a state's input and its result as ResultPath says.
   *
   * @param resultPath null means "$" (the result replaces the input)
   * @param discard true for {@code "ResultPath": null} (the input passes through)
   * @throws StatesException States.ResultPathMatchFailure when the path cannot be written
   */
  public static JsonNode applyResultPath(String resultPath, JsonNode input, JsonNode result, boolean discard) {
    throw new UnsupportedOperationException("not yet");
  }
}
