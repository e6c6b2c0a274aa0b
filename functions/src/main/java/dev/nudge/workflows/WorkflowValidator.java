package dev.nudge.workflows;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks that need the whole workflow: references, reachability, loops, templates, splits.
 * Together with the parser's structural problems, a definition gets every problem in one answer.
 */
public final class WorkflowValidator {
  /** A Standard Step Functions execution lives at most a year; no single wait may exceed it. */
  static final Duration LONGEST_WAIT = Duration.ofDays(365);

  private final TemplateCatalog templates;

  public WorkflowValidator(TemplateCatalog templates) {
    this.templates = templates;
  }

  /** Parses and validates; the workflow is usable only when the list is empty. */
  public List<Problem> check(WorkflowParser.Parsed parsed) {
    List<Problem> problems = new ArrayList<>(parsed.problems());
    if (parsed.workflow() != null) {
      problems.addAll(validate(parsed.workflow()));
    }
    return problems;
  }

  public List<Problem> validate(Workflow workflow) {
    List<Problem> problems = new ArrayList<>();
    List<Step> steps = workflow.steps();
    Map<String, Integer> indexes = StepGraph.indexes(workflow);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String path = "/steps/" + i;
      if (step.id() == null) {
        continue;
      }
      if (!seen.add(step.id())) {
        problems.add(new Problem(step.id(), path + "/id", "duplicate step id; step ids are unique"));
      }
      if (step.id().equals(Step.END)) {
        problems.add(new Problem(step.id(), path + "/id", "\"end\" is reserved for the end of the journey"));
      }
      if (step.action() == null) {
        // The action could not be read (already reported); its next can still be checked.
        if (step.next() != null && !step.next().equals(Step.END) && !indexes.containsKey(step.next())) {
          problems.add(new Problem(step.id(), path + "/next", "no step with id \"" + step.next() + "\""));
        }
        continue;
      }
      for (StepGraph.Edge edge : StepGraph.successors(workflow, i)) {
        if (edge.target() == null) {
          // A target that could not be read (e.g. a branch case whose "next" is misspelt) is a
          // problem, not a NullPointerException (found by ParserFuzzTest).
          problems.add(new Problem(step.id(), path + edge.field(), "no next step given"));
          continue;
        }
        if (!edge.target().equals(Step.END) && !indexes.containsKey(edge.target())) {
          problems.add(new Problem(step.id(), path + edge.field(), "no step with id \"" + edge.target() + "\""));
        }
      }
      checkAction(workflow, step, i, path, indexes, problems);
    }
    unreachable(workflow, indexes, problems);
    loopsWithoutWait(workflow, indexes, problems);
    return problems;
  }

  private void checkAction(Workflow workflow, Step step, int index, String path, Map<String, Integer> indexes,
      List<Problem> problems) {
    Step.Action action = step.action();
    String id = step.id();
    if (action instanceof Step.Message m && m.template() != null && !templates.exists(m.channel(), m.template())) {
      problems.add(new Problem(id, path + "/" + m.keyword() + "/template",
          "no " + m.channel() + " template \"" + m.template() + "\""));
    }
    if (action instanceof Step.WaitDuration w && w.duration().compareTo(LONGEST_WAIT) > 0) {
      problems.add(new Problem(id, path + "/wait/duration", "at most P365D: an execution lives at most a year"));
    }
    if (action instanceof Step.WaitFor w) {
      if (w.timeout() != null && w.timeout().compareTo(LONGEST_WAIT) > 0) {
        problems.add(new Problem(id, path + "/waitFor/timeout", "at most P365D: an execution lives at most a year"));
      }
      if (w.step() != null) {
        Integer target = indexes.get(w.step());
        if (target == null) {
          problems.add(new Problem(id, path + "/waitFor/step", "no step with id \"" + w.step() + "\""));
        } else if (!(workflow.steps().get(target).action() instanceof Step.Message)) {
          problems.add(new Problem(id, path + "/waitFor/step",
              "\"" + w.step() + "\" is not an email or sms step; waitFor.step names the message whose event to wait for"));
        } else if (!reaches(workflow, indexes, target, index)) {
          problems.add(new Problem(id, path + "/waitFor/step",
              "\"" + w.step() + "\" does not come before this step; its message cannot have been sent yet"));
        }
      }
    }
    if (action instanceof Step.Split s) {
      int sum = s.arms().stream().mapToInt(Step.Arm::percent).sum();
      if (sum != 100) {
        problems.add(new Problem(id, path + "/split", "percentages add up to " + sum + ", not 100"));
      }
    }
    if (action instanceof Step.Enroll e && e.workflow() != null && e.workflow().equals(workflow.id())) {
      problems.add(new Problem(id, path + "/enroll/workflow", "a workflow cannot enroll contacts in itself"));
    }
  }

  /** Whether a path leads from step {@code from} to step {@code to} (through at least one edge). */
  private static boolean reaches(Workflow workflow, Map<String, Integer> indexes, int from, int to) {
    BitSet visited = new BitSet();
    Deque<Integer> queue = new ArrayDeque<>(List.of(from));
    while (!queue.isEmpty()) {
      int current = queue.pop();
      if (workflow.steps().get(current).action() == null) {
        continue;
      }
      for (StepGraph.Edge edge : StepGraph.successors(workflow, current)) {
        Integer next = indexes.get(edge.target());
        if (next != null) {
          if (next == to) {
            return true;
          }
          if (!visited.get(next)) {
            visited.set(next);
            queue.add(next);
          }
        }
      }
    }
    return false;
  }

  private static void unreachable(Workflow workflow, Map<String, Integer> indexes, List<Problem> problems) {
    if (workflow.steps().isEmpty()) {
      return;
    }
    BitSet reached = new BitSet();
    reached.set(0);
    Deque<Integer> queue = new ArrayDeque<>(List.of(0));
    while (!queue.isEmpty()) {
      int current = queue.pop();
      if (workflow.steps().get(current).action() == null) {
        // An unreadable step: assume it continues to the following one, to avoid a cascade of problems.
        if (current + 1 < workflow.steps().size() && !reached.get(current + 1)) {
          reached.set(current + 1);
          queue.add(current + 1);
        }
        continue;
      }
      for (StepGraph.Edge edge : StepGraph.successors(workflow, current)) {
        Integer next = indexes.get(edge.target());
        if (next != null && !reached.get(next)) {
          reached.set(next);
          queue.add(next);
        }
      }
    }
    for (int i = 0; i < workflow.steps().size(); i++) {
      Step step = workflow.steps().get(i);
      if (!reached.get(i) && step.id() != null && indexes.get(step.id()) == i) {
        problems.add(new Problem(step.id(), "/steps/" + i, "unreachable: no step leads here"));
      }
    }
  }

  /**
   * A cycle with no wait or waitFor on it would send or call webhooks as fast as Step Functions
   * can loop. Cycles are found among the steps that do not wait; each is reported once.
   */
  private static void loopsWithoutWait(Workflow workflow, Map<String, Integer> indexes, List<Problem> problems) {
    int n = workflow.steps().size();
    int[] state = new int[n]; // 0 new, 1 on stack, 2 done
    Deque<Integer> stack = new ArrayDeque<>();
    Set<Set<Integer>> reported = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (state[i] == 0) {
        dfs(workflow, indexes, i, state, stack, reported, problems);
      }
    }
  }

  private static void dfs(Workflow workflow, Map<String, Integer> indexes, int node, int[] state, Deque<Integer> stack,
      Set<Set<Integer>> reported, List<Problem> problems) {
    Step step = workflow.steps().get(node);
    state[node] = 1;
    stack.push(node);
    if (!waits(step)) {
      for (StepGraph.Edge edge : StepGraph.successors(workflow, node)) {
        Integer next = indexes.get(edge.target());
        if (next == null || waits(workflow.steps().get(next))) {
          continue;
        }
        if (state[next] == 1) {
          List<Integer> cycle = new ArrayList<>();
          for (int member : stack) {
            cycle.add(0, member);
            if (member == next) {
              break;
            }
          }
          if (reported.add(Set.copyOf(cycle))) {
            String route = cycle.stream().map(i -> workflow.steps().get(i).id()).collect(Collectors.joining(" → "));
            problems.add(new Problem(workflow.steps().get(next).id(), "/steps/" + next,
                "loop without a wait: " + route + " → " + workflow.steps().get(next).id()));
          }
        } else if (state[next] == 0) {
          dfs(workflow, indexes, next, state, stack, reported, problems);
        }
      }
    }
    stack.pop();
    state[node] = 2;
  }

  private static boolean waits(Step step) {
    return step.action() instanceof Step.Wait || step.action() instanceof Step.WaitFor;
  }
}
