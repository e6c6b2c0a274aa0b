package dev.nudge.workflows.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The journey paths through a compiled definition and the state transitions each costs (Step
 * Functions bills Standard workflows per transition). A path follows Next, Choice rules and
 * Defaults, and Catches other than the failure catch-all (a waitFor's timeout is a journey path;
 * a failure is not). Paths are simple: a deferral loop before a windowed send, or a loop through
 * a wait, is not unrolled; {@link Path#deferrableSends} says how many windowed sends a path has,
 * each adding three transitions when deferred.
 */
public final class TransitionReport {
  /** Enumeration stops here; a workflow with more paths than this is reported as truncated. */
  public static final int MAX_PATHS = 10_000;

  /**
   * {@code states}: the states entered, in order. {@code steps}: the workflow steps they belong to.
   * {@code transitions}: the states entered (each entry is one billed transition).
   */
  public record Path(List<String> states, List<String> steps, int deferrableSends) {
    public int transitions() {
      return states.size();
    }

    /** Transitions spent on the journey's own bookkeeping (Enter, Complete). */
    public int journeyTransitions() {
      return (int) states.stream().filter(AslCompiler.JOURNEY_STATES::contains).count();
    }

    public int stepTransitions() {
      return transitions() - journeyTransitions();
    }

    public String label() {
      return String.join(" → ", steps);
    }
  }

  private TransitionReport() {}

  public static List<Path> paths(JsonNode definition) {
    List<Path> paths = new ArrayList<>();
    walk(definition.get("States"), definition.get("StartAt").asText(), new ArrayList<>(), new LinkedHashSet<>(), paths);
    return paths;
  }

  private static void walk(JsonNode states, String name, List<String> trail, Set<String> onTrail, List<Path> out) {
    if (out.size() >= MAX_PATHS || onTrail.contains(name)) {
      return;
    }
    JsonNode state = states.get(name);
    trail.add(name);
    onTrail.add(name);
    List<String> successors = successors(state);
    if (successors.isEmpty()) {
      out.add(path(trail));
    }
    for (String next : successors) {
      walk(states, next, trail, onTrail, out);
    }
    trail.remove(trail.size() - 1);
    onTrail.remove(name);
  }

  private static List<String> successors(JsonNode state) {
    Set<String> next = new LinkedHashSet<>();
    String type = state.path("Type").asText();
    if (type.equals("Fail") || type.equals("Succeed") || state.path("End").asBoolean(false)) {
      return List.of();
    }
    if (type.equals("Choice")) {
      state.path("Choices").forEach(c -> next.add(c.path("Next").asText()));
      if (state.has("Default")) {
        next.add(state.get("Default").asText());
      }
      return new ArrayList<>(next);
    }
    if (state.has("Next")) {
      next.add(state.get("Next").asText());
    }
    for (JsonNode c : state.path("Catch")) {
      boolean failure = false;
      for (JsonNode e : c.path("ErrorEquals")) {
        failure |= e.asText().equals("States.ALL");
      }
      if (!failure) {
        next.add(c.path("Next").asText());
      }
    }
    return new ArrayList<>(next);
  }

  private static Path path(List<String> trail) {
    List<String> steps = new ArrayList<>();
    int deferrable = 0;
    for (String state : trail) {
      if (AslCompiler.JOURNEY_STATES.contains(state)) {
        continue;
      }
      int dot = state.indexOf('.');
      String step = dot < 0 ? state : state.substring(0, dot);
      if (steps.isEmpty() || !steps.get(steps.size() - 1).equals(step)) {
        steps.add(step);
      }
      if (state.endsWith(".window")) {
        deferrable++;
      }
    }
    return new Path(List.copyOf(trail), List.copyOf(steps), deferrable);
  }

  /** A Markdown table of every path of one workflow. */
  public static String markdown(String workflowId, List<Path> paths) {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(workflowId).append(" path | steps | transitions | per step | with deferred sends |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    for (Path p : paths) {
      out.append("| ").append(p.label()).append(" | ").append(p.steps().size())
          .append(" | ").append(p.transitions())
          .append(" (").append(p.stepTransitions()).append(" + ").append(p.journeyTransitions()).append(")")
          .append(" | ").append(String.format(java.util.Locale.ROOT, "%.2f", (double) p.stepTransitions() / p.steps().size()))
          .append(" | ").append(p.transitions() + 3 * p.deferrableSends())
          .append(" |\n");
    }
    return out.toString();
  }
}
