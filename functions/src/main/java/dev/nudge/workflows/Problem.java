package dev.nudge.workflows;

/**
 * One thing wrong with a workflow definition. {@code path} points at the field like a JSON
 * pointer ({@code /steps/2/waitFor/timeout}); {@code step} is the id of the step it belongs to,
 * null for workflow-level fields.
 */
public record Problem(String step, String path, String message) {
  @Override
  public String toString() {
    return path + (step == null ? "" : " (step " + step + ")") + ": " + message;
  }
}
