package dev.nudge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nudge bench}: dev.nudge.local.Benchmark, which starts `./nudge local` as separate processes. */
@Command(name = "bench", header = "Benchmark the local cloud: start-up time and tracking requests per second.", sortOptions = false,
    description = "Measure the local cloud: command-to-ready time (cold and warm) and signed tracking requests per "
        + "second with persisted data. Results are recorded in docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--seconds", paramLabel = "N", defaultValue = "20", description = "How long to send requests (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--in-memory", description = "Measure tracking against an in-memory cloud.")
  boolean inMemory;

  @Override
  public Integer call() throws Exception {
    dev.nudge.local.Benchmark.main(benchmarkArguments().toArray(String[]::new));
    return Nudge.OK;
  }

  List<String> benchmarkArguments() {
    if (seconds < 1 || clients < 1) {
      throw CliException.usage("--seconds and --clients must be at least 1");
    }
    List<String> args = new ArrayList<>(List.of("--seconds", Integer.toString(seconds), "--clients", Integer.toString(clients)));
    if (inMemory) {
      args.add("--in-memory");
    }
    return args;
  }
}
