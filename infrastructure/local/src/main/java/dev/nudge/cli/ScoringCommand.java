package dev.nudge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nudge scoring publish FILE}. */
@Command(name = "scoring", header = "Lead-scoring rules.", description = "Lead-scoring rules (docs/workflows.md, \"Lead scoring\").",
    subcommands = ScoringPublishCommand.class)
final class ScoringCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Nudge.USAGE;
  }
}
