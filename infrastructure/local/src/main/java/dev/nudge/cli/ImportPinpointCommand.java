package dev.nudge.cli;

import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.pinpoint.Finding;
import dev.nudge.workflows.pinpoint.PinpointImportException;
import dev.nudge.workflows.pinpoint.PinpointJourneyImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nudge import pinpoint FILE.json}: an Amazon Pinpoint journey as a Nudge workflow (docs/pinpoint.md). */
@Command(name = "pinpoint", header = "Convert an Amazon Pinpoint journey into a workflow.",
    description = "Convert an Amazon Pinpoint journey (the JSON of `aws pinpoint get-journey`) into a workflow: the "
        + "YAML on stdout (or -o), and every part without an exact equivalent on stderr with its activity id. "
        + "See docs/pinpoint.md.")
final class ImportPinpointCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE.json", description = "The journey definition.")
  Path file;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT.yaml", description = "Write the workflow here instead of stdout.")
  Path output;

  ImportPinpointCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw CliException.usage("no such file: " + context.show(file));
    }
    PinpointJourneyImport.Result result;
    try {
      result = PinpointJourneyImport.convert(InputFiles.read(file, context), new BundledTemplates());
    } catch (PinpointImportException e) {
      throw CliException.usage(context.show(file) + ": not a readable Pinpoint journey: " + e.getMessage());
    }
    if (output == null) {
      context.out().print(result.yaml());
      context.out().flush();
    } else {
      InputFiles.write(output, result.yaml(), context);
    }
    for (Finding f : result.findings()) {
      context.err().println(context.show(file) + ": " + f);
    }
    context.err().println(result.stepIds().size() + " activities converted, " + result.findings().size()
        + " thing(s) not converted exactly" + (result.findings().isEmpty() ? "" : " (listed above)")
        + (output == null ? "" : "; written to " + context.show(output)));
    // A converted workflow always validates; if one does not, that is a converter bug worth a failing exit.
    return result.workflow() == null ? Nudge.FAILED : Nudge.OK;
  }
}
