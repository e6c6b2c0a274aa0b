package dev.nudge.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./nudge bench [--seconds N] [--clients N]}: starts {@code ./nudge local} as a separate
 * process on a fresh data folder and measures (1) the time from the command to a ready HTTP port,
 * cold (tables created) and warm (restart on the persisted data), and (2) signed POST /v1/track
 * requests per second through the local HTTP API with the data persisted.
 */
public final class Benchmark {
  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = 20;
    int clients = 8;
    boolean inMemory = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--in-memory" -> inMemory = true;
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("nudge-bench");
    int port = 18900 + (int) (ProcessHandle.current().pid() % 50);
    System.out.println("Local cloud benchmark: data " + data + ", port " + port + ", " + Runtime.getRuntime().availableProcessors()
        + " CPUs, load average " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    long cold = startAndStop(data, port);
    System.out.printf("command to ready, cold (creates tables):  %d ms%n", cold);
    long warm = startAndStop(data, port);
    System.out.printf("command to ready, warm (persisted data):  %d ms%n", warm);

    Process cloud = inMemory ? startInMemory(data, port) : start(data, port);
    try {
      long ready = awaitReady(port, cloud);
      System.out.printf("command to ready, third start:             %d ms%n", ready);
      track(data, port, clients, seconds, inMemory);
    } finally {
      stop(cloud);
    }
  }

  private static Process start(Path data, int port) throws IOException {
    return new ProcessBuilder("./nudge", "local", "--data", data.toString(), "--port", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(data.resolve("cloud.log").toFile()).start();
  }

  /** Same command with --in-memory: the config.json it reads is still written by the earlier starts. */
  private static Process startInMemory(Path data, int port) throws IOException {
    return new ProcessBuilder("./nudge", "local", "--in-memory", "--port", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(data.resolve("cloud.log").toFile()).start();
  }

  private static long startAndStop(Path data, int port) throws Exception {
    Process process = start(data, port);
    try {
      return awaitReady(port, process);
    } finally {
      stop(process);
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  private static long awaitReady(int port, Process process) throws Exception {
    long start = System.nanoTime();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    while (process.isAlive()) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_local/clock"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("./nudge local exited with " + process.exitValue());
  }

  private static void track(Path data, int port, int clients, int seconds, boolean inMemoryRun) throws Exception {
    // The key as the start-up summary prints it (with --in-memory it exists only in that process).
    java.util.regex.Matcher key = null;
    for (int attempt = 0; attempt < 100 && key == null; attempt++) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Webhook signing key: id '([^']+)', secret (\\S+)")
          .matcher(Files.readString(data.resolve("cloud.log")));
      if (m.find()) {
        key = m;
      } else {
        Thread.sleep(100);
      }
    }
    if (key == null) {
      throw new IllegalStateException("the summary printed no webhook signing key");
    }
    String keyId = key.group(1);
    String secret = key.group(2);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/track");
    AtomicLong sequence = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    // Warm-up: the first request constructs the handler (a cold start).
    send(http, uri, keyId, secret, "warmup-" + System.nanoTime(), errors);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          long t = System.nanoTime();
          send(http, uri, keyId, secret, "bench-" + sequence.incrementAndGet(), errors);
          latencies.add((System.nanoTime() - t) / 1000);
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double elapsed = (System.nanoTime() - started) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("POST /v1/track (signed, " + (inMemoryRun ? "in memory" : "persisted") + ", %d clients, %d s): %d requests, %.0f req/s, p50 %.1f ms, "
            + "p99 %.1f ms, errors %d%n", clients, seconds, sorted.size(), sorted.size() / elapsed,
        sorted.get(sorted.size() / 2) / 1000.0, sorted.get((int) (sorted.size() * 0.99)) / 1000.0, errors.get());
  }

  private static void send(HttpClient http, URI uri, String keyId, String secret, String id, AtomicLong errors)
      throws Exception {
    String body = "{\"id\":\"" + id + "\",\"type\":\"page.viewed\",\"contactId\":\"bench-" + (id.hashCode() & 1023)
        + "\",\"properties\":{\"path\":\"/pricing\"}}";
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("content-type", "application/json")
        .header("x-nudge-key-id", keyId).header("x-nudge-timestamp", timestamp)
        .header("x-nudge-signature", "v1=" + Summary.sign(secret, timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      errors.incrementAndGet();
    }
  }
}
