package dev.nudge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nudge templates push|pull}: message templates as files in git. */
@Command(name = "templates", header = "Push and pull message templates as files.", description = "Message templates as files: push them to Nudge, pull them from it (/v1/templates).",
    subcommands = {TemplatesPushCommand.class, TemplatesPullCommand.class})
final class TemplatesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Nudge.USAGE;
  }
}
