package dev.nudge.cli;

import picocli.CommandLine.Command;

/** {@code nudge import ...}: definitions from other products. */
@Command(name = "import", header = "Convert definitions from other products.", description = "Convert definitions from other products into Nudge's.",
    subcommands = ImportPinpointCommand.class)
final class ImportCommand implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Nudge.USAGE;
  }
}
