package dev.nudge.cli;

import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.InvalidWorkflowException;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.Workflows;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nudge validate FILE|DIR...}: the same parser and validator the admin API runs, offline. */
@Command(name = "validate", header = "Check workflow files offline: every problem with its step and path.",
    description = "Check workflow definitions (docs/workflows.md) offline: every problem of every file, one per line, "
        + "with its step and path. Directories are read for *.yaml (not *.test.yaml). Templates are checked "
        + "against the bundled ones; a template stored only in a deployment (templates push) is reported "
        + "unknown.")
final class ValidateCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "Workflow files or directories of them.")
  List<Path> paths;

  ValidateCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Workflows workflows = new Workflows(new BundledTemplates());
    int invalid = 0;
    List<Path> files = InputFiles.expand(paths, InputFiles.WORKFLOWS, context);
    for (Path file : files) {
      String name = context.show(file);
      try {
        Workflow workflow = workflows.load(InputFiles.read(file, context));
        context.out().println(name + ": valid (" + workflow.id() + ", " + workflow.steps().size() + " steps)");
      } catch (InvalidWorkflowException e) {
        invalid++;
        for (Problem p : e.problems()) {
          context.err().println(name + ": " + p);
        }
        context.err().println(name + ": " + e.problems().size() + " problem(s)");
      }
    }
    if (files.size() > 1) {
      context.out().println(files.size() - invalid + " of " + files.size() + " valid");
    }
    return invalid == 0 ? Nudge.OK : Nudge.FAILED;
  }
}
