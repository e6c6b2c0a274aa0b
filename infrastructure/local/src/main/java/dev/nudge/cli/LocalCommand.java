package dev.nudge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nudge local}: the whole application on this machine; dev.nudge.local.Main does the work. */
@Command(name = "local", header = "Run the whole application on this machine: no AWS account, no Docker.", sortOptions = false,
    description = "Start the local cloud: the template's tables, functions, HTTP API, state machines and rules on one "
        + "port, no AWS account. Runs until stopped (Ctrl-C). Prints the URLs, the webhook signing key and a "
        + "signed curl.")
final class LocalCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true)
  Storage storage = new Storage();

  static final class Storage {
    @Option(names = "--data", paramLabel = "DIR", description = "Where state persists (default: .nudge/ in the repository).")
    Path data;

    @Option(names = "--in-memory", description = "Keep nothing (tests, demos).")
    boolean inMemory;
  }

  @Option(names = "--port", paramLabel = "N", description = "The one HTTP port (default: ${DEFAULT-VALUE}).", defaultValue = "8787")
  int port;

  @Option(names = "--time-scale", paramLabel = "N", defaultValue = "1",
      description = "The virtual clock runs N times faster than real time (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A template parameter override (repeatable).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--template", paramLabel = "FILE", description = "The SAM template (default: template.yaml of the repository).")
  Path template;

  @Override
  public Integer call() throws InterruptedException {
    dev.nudge.local.Main.main(mainArguments().toArray(String[]::new));
    return Nudge.OK;
  }

  /** The options as dev.nudge.local.Main reads them. */
  List<String> mainArguments() {
    if (port < 0 || port > 65535) {
      throw CliException.usage("--port must be 0 to 65535, got " + port);
    }
    if (timeScale < 0) {
      throw CliException.usage("--time-scale must be 0 or more, got " + timeScale);
    }
    List<String> args = new ArrayList<>();
    if (storage.inMemory) {
      args.add("--in-memory");
    } else if (storage.data != null) {
      args.add("--data");
      args.add(storage.data.toString());
    }
    args.add("--port");
    args.add(Integer.toString(port));
    args.add("--time-scale");
    args.add(Double.toString(timeScale));
    params.forEach((k, v) -> {
      args.add("--param");
      args.add(k + "=" + v);
    });
    if (template != null) {
      args.add("--template");
      args.add(template.toString());
    }
    return args;
  }
}
