package dev.nudge.cli;

import dev.nudge.local.scenarios.ScenarioMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nudge test [PATH...]}: scenario files ({@code <workflow>.test.yaml}) on the embedded engine, in-process. */
@Command(name = "test", header = "Run scenario files: journeys tested as code, on a virtual clock, in seconds.",
    description = "Run every scenario of the scenario files (<workflow>.test.yaml beside a workflow; docs/workflows.md) "
        + "on the local cloud's engine, in memory, on a virtual clock, in this process: the messages each contact "
        + "receives, when, in which language, the path and the outcome. A failure prints the expected and the actual "
        + "timeline side by side. Directories are searched for *.test.yaml; with no PATH, the bundled workflows.")
final class TestCommand implements Callable<Integer> {
  static final String BUNDLED = "functions/src/main/resources/workflows";

  private final CliContext context;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Scenario files or directories (default: " + BUNDLED + ").")
  List<Path> paths = new ArrayList<>();

  TestCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    List<Path> targets = new ArrayList<>(paths);
    if (targets.isEmpty()) {
      targets.add(Nudge.home().resolve(BUNDLED));
    }
    for (Path path : targets) {
      if (!Files.exists(path)) {
        throw CliException.usage("no such file or directory: " + context.show(path));
      }
    }
    int code = ScenarioMain.run(targets, context.out(), context.err());
    context.out().flush();
    context.err().flush();
    return code;
  }
}
