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

  @Option(names = "--rate", paramLabel = "N", description = "Send at most N requests a second in all, each at its "
      + "scheduled time (latency counted from it); default: as fast as the clients get answers.")
  Integer rate;

  @Option(names = "--in-memory", description = "Measure tracking against an in-memory cloud.")
  boolean inMemory;

  @Option(names = "--no-starts", description = "Skip the command-to-ready measurements (cold and warm start).")
  boolean noStarts;

  @Option(names = "--emails", paramLabel = "N", description = "Event-to-first-e-mail samples to take (default: the benchmark's).")
  Integer emails;

  @Option(names = "--jfr", paramLabel = "FILE", description = "Record the measured cloud with Java Flight Recorder into FILE.")
  String jfr;

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
    if (noStarts) {
      args.add("--no-starts");
    }
    if (rate != null) {
      if (rate < 1) {
        throw CliException.usage("--rate must be at least 1");
      }
      args.addAll(List.of("--rate", Integer.toString(rate)));
    }
    if (emails != null) {
      if (emails < 0) {
        throw CliException.usage("--emails must be 0 or more");
      }
      args.addAll(List.of("--emails", Integer.toString(emails)));
    }
    if (jfr != null) {
      args.addAll(List.of("--jfr", jfr));
    }
    return args;
  }
}
