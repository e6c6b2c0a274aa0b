package dev.nudge.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The successors of each step, explicit and implicit ("the following step"), with the field that names them. */
public final class StepGraph {
  /** {@code target} is a step id or {@link Step#END}; {@code field} is a path relative to the step. */
  public record Edge(String field, String target) {}

  private StepGraph() {}

  public static List<Edge> successors(Workflow workflow, int index) {
    Step step = workflow.steps().get(index);
    String following = index + 1 < workflow.steps().size() ? workflow.steps().get(index + 1).id() : Step.END;
    List<Edge> edges = new ArrayList<>();
    Step.Action action = step.action();
    if (action instanceof Step.Exit) {
      return edges;
    }
    if (action instanceof Step.WaitFor w) {
      edges.add(new Edge("/onEvent", w.onEvent() == null ? following : w.onEvent()));
      edges.add(new Edge("/onTimeout", w.onTimeout() == null ? following : w.onTimeout()));
    } else if (action instanceof Step.Branch b) {
      for (int i = 0; i < b.cases().size(); i++) {
        if (b.cases().get(i).next() != null) {
          edges.add(new Edge("/branch/cases/" + i + "/next", b.cases().get(i).next()));
        }
      }
      edges.add(new Edge("/branch/default", b.otherwise() == null ? following : b.otherwise()));
    } else if (action instanceof Step.Split s) {
      for (int i = 0; i < s.arms().size(); i++) {
        if (s.arms().get(i).next() != null) {
          edges.add(new Edge("/split/" + i + "/next", s.arms().get(i).next()));
        }
      }
    } else {
      edges.add(new Edge("/next", step.next() == null ? following : step.next()));
    }
    return edges;
  }

  /** Step id to index, first occurrence wins (duplicates are a validation problem). */
  public static Map<String, Integer> indexes(Workflow workflow) {
    Map<String, Integer> indexes = new LinkedHashMap<>();
    for (int i = 0; i < workflow.steps().size(); i++) {
      String id = workflow.steps().get(i).id();
      if (id != null) {
        indexes.putIfAbsent(id, i);
      }
    }
    return indexes;
  }
}
