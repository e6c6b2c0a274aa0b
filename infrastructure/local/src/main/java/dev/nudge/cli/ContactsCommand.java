package dev.nudge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nudge contacts import FILE.csv}. */
@Command(name = "contacts", header = "Contacts in bulk.", description = "Contacts in bulk: import a CSV file.",
    subcommands = ContactsImportCommand.class)
final class ContactsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Nudge.USAGE;
  }
}
