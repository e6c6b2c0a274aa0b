package dev.nudge.cli;

import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.InvalidWorkflowException;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.asl.AslCompiler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nudge compile FILE [-o OUT]}: the Amazon States Language definition publishing would create. */
@Command(name = "compile", header = "Compile a workflow to its Step Functions definition (Amazon States Language).",
    description = "Compile a workflow to the Step Functions (Amazon States Language) definition publishing would "
        + "create.")
final class CompileCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE", description = "A workflow file.")
  Path file;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the definition here (e.g. out.asl.json) instead of stdout.")
  Path output;

  CompileCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw CliException.usage("no such file: " + context.show(file));
    }
    Workflow workflow;
    try {
      workflow = new Workflows(new BundledTemplates()).load(InputFiles.read(file, context));
    } catch (InvalidWorkflowException e) {
      for (Problem p : e.problems()) {
        context.err().println(context.show(file) + ": " + p);
      }
      context.err().println(context.show(file) + ": " + e.problems().size() + " problem(s); nothing compiled");
      return Nudge.FAILED;
    }
    String asl = AslCompiler.toJson(AslCompiler.compile(workflow));
    if (output == null) {
      context.out().print(asl);
      context.out().flush();
    } else {
      InputFiles.write(output, asl, context);
      context.err().println(context.show(file) + " → " + context.show(output));
    }
    return Nudge.OK;
  }
}
