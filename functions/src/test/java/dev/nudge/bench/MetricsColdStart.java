package dev.nudge.bench;

import dev.nudge.stats.Metric;
import dev.nudge.stats.Metrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * What emitting the first metric costs a fresh function JVM: Nudge's own EMF writer
 * ({@link Metrics}, on the Jackson tree the functions load anyway) against the
 * {@code aws-embedded-metrics} library, and a JVM that emits nothing.
 *
 * <p>Each round launches one fresh JVM per mode ({@code -XX:TieredStopAtLevel=1}, as in the
 * template; {@code AWS_LAMBDA_FUNCTION_NAME} set so the library picks its Lambda environment and
 * writes to standard output). Each probe first parses a small JSON document with Jackson, as every
 * Nudge handler does before it emits anything, then times its first metric line in-process, and the
 * parent times process start to the probe's "DONE" line.
 *
 * <p>Run: {@code mvn -B -q -pl functions -Pbench test-compile exec:exec
 * -Dbench.main=dev.nudge.bench.MetricsColdStart -Dbench.args=7} (rounds).
 */
public final class MetricsColdStart {
  private static final List<String> MODES = List.of("none", "nudge", "library");

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("probe")) {
      probe(args[1]);
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    long[][] wall = new long[MODES.size()][rounds];
    long[][] firstMetric = new long[MODES.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int m = 0; m < MODES.size(); m++) {
        long[] result = launch(MODES.get(m));
        wall[m][r] = result[0];
        firstMetric[m][r] = result[1];
      }
    }
    System.out.println("| mode | fresh JVM to DONE, median (ms) | first metric line in-process, median (ms) | runs (wall ms) |");
    System.out.println("| --- | --- | --- | --- |");
    for (int m = 0; m < MODES.size(); m++) {
      System.out.printf("| %s | %d | %.1f | %s |%n", MODES.get(m), median(wall[m]), median(firstMetric[m]) / 1000.0,
          Arrays.toString(wall[m]));
    }
  }

  private static void probe(String mode) throws Exception {
    // Every handler has parsed JSON before its first metric: load Jackson first, outside the timing.
    dev.nudge.platform.Json.parseBody("{\"warm\":true}".getBytes(StandardCharsets.UTF_8));
    long start = System.nanoTime();
    switch (mode) {
      case "none" -> { }
      case "nudge" -> Metrics.count(Metric.JOURNEYS_STARTED, Instant.now(), Metrics.dims("Workflow", "probe"));
      case "library" -> {
        MetricsLogger logger = new MetricsLogger();
        logger.setNamespace("Nudge");
        logger.putDimensions(DimensionSet.of("Workflow", "probe"));
        logger.putMetric("JourneysStarted", 1, Unit.COUNT);
        logger.flush();
      }
      default -> throw new IllegalArgumentException(mode);
    }
    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    System.out.println("DONE " + micros);
    System.out.flush();
    System.exit(0);
  }

  /** {wall millis, in-process micros} of one fresh JVM. */
  private static long[] launch(String mode) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        MetricsColdStart.class.getName(), "probe", mode));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "metrics-probe");
    long start = System.nanoTime();
    Process process = builder.start();
    String done = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("DONE ")) {
          done = line;
          break;
        }
      }
    }
    long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    process.waitFor(30, TimeUnit.SECONDS);
    if (done == null) {
      throw new IllegalStateException(mode + " probe printed no DONE line");
    }
    return new long[] {wall, Long.parseLong(done.substring(5).trim())};
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
