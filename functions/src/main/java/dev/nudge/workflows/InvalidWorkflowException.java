package dev.nudge.workflows;

import java.util.List;
import java.util.stream.Collectors;

/** A definition with problems; the message lists all of them, one per line. */
public final class InvalidWorkflowException extends RuntimeException {
  private final transient List<Problem> problems;

  public InvalidWorkflowException(List<Problem> problems) {
    super(problems.size() + " problem(s):\n" + problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
