package dev.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code ./nudge bench [--seconds N] [--clients N] [--rate N] [--in-memory] [--emails N] [--no-starts] [--jfr FILE]
 * [--cloud-opts "JVM OPTIONS"] [--classes DIR]}: starts {@code ./nudge local} as a separate process on a
 * fresh data folder and measures
 * <ol>
 *   <li>the time from the command to a ready HTTP port, cold (tables created) and warm (restart on
 *       the persisted data), unless {@code --no-starts};
 *   <li>signed {@code POST /v1/track} requests per second through the local HTTP API from N client
 *       threads, with the data persisted, and the stream's lag behind the writes every 5 s during the
 *       load and when it stops: how many records each stream consumer (the router, the contact-state
 *       function) still had to read, and how long it took them to catch up. With {@code --rate N} the
 *       clients together send at most N requests a second, each at its scheduled time, and a
 *       request's latency counts from that time (a request sent late because the cloud was slow
 *       counts its wait: no coordinated omission); without it they send as fast as answers come;
 *   <li>event to first e-mail, warm: a published workflow whose first step sends an e-mail, a
 *       subscribed contact, then its trigger event; the time from the track request to the message
 *       in the outbox, one event at a time after a few warm-up events.
 * </ol>
 * {@code --jfr FILE} records the measured cloud with Java Flight Recorder; {@code --cloud-opts} passes JVM
 * options (e.g. {@code -Dnudge.local.sqliteWal=false}) to it; {@code --classes DIR} runs the cloud from
 * another build of the local cloud's classes (for an A/B in the same minutes on a shared machine).
 */
public final class Benchmark {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String ADMIN_AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0";

  private Benchmark() {}

  private record Options(int seconds, int clients, boolean inMemory, String jfr, boolean starts, String cloudOpts,
      String classes, int emails, int rate) {}

  public static void main(String[] args) throws Exception {
    int seconds = 20;
    int clients = 8;
    boolean inMemory = false;
    String jfr = null;
    boolean starts = true;
    String cloudOpts = null;
    String classes = null;
    int emails = 60;
    int rate = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--in-memory" -> inMemory = true;
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--jfr" -> jfr = args[++i];
        case "--no-starts" -> starts = false;
        case "--cloud-opts" -> cloudOpts = args[++i];
        case "--classes" -> classes = args[++i];
        case "--emails" -> emails = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must be 0 (unpaced) or more");
    }
    Options options = new Options(seconds, clients, inMemory, jfr, starts, cloudOpts, classes, emails, rate);
    Path data = Files.createTempDirectory("nudge-bench");
    int port = 18900 + (int) (ProcessHandle.current().pid() % 50);
    System.out.println("Local cloud benchmark: data " + data + ", port " + port + ", " + Runtime.getRuntime().availableProcessors()
        + " CPUs, load average " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
        + (cloudOpts == null ? "" : ", cloud JVM options " + cloudOpts) + (classes == null ? "" : ", classes " + classes));

    if (starts || inMemory) {
      long cold = startAndStop(data, port, options);
      System.out.printf("command to ready, cold (creates tables):  %d ms%n", cold);
    }
    if (starts) {
      long warm = startAndStop(data, port, options);
      System.out.printf("command to ready, warm (persisted data):  %d ms%n", warm);
    }

    Process cloud = start(data, port, options, true);
    try {
      long ready = awaitReady(port, cloud);
      System.out.printf("command to ready, measured start:          %d ms%n", ready);
      String[] key = signingKey(data);
      URI base = URI.create("http://127.0.0.1:" + port);
      track(base, key, clients, rate, seconds, inMemory, cloud);
      streamLag(base);
      if (emails > 0) {
        firstEmail(base, key, data, emails, inMemory);
      }
    } finally {
      stop(cloud);
    }
    System.out.println("load average at the end " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static Process start(Path data, int port, Options options, boolean measured) throws IOException {
    List<String> command = new ArrayList<>();
    if (options.classes() == null) {
      command.add("./nudge");
      command.add("local");
    } else {
      // What ./nudge runs, with another build's classes in front of the same dependencies.
      command.addAll(List.of("java", "-Xshare:auto", "-Dsqlite4java.library.path=infrastructure/local/target/native-libs",
          "-cp", options.classes() + ":" + Files.readString(Path.of("infrastructure/local/target/classpath.txt")).trim(),
          "dev.nudge.local.Main"));
    }
    if (options.inMemory() && measured) {
      // The config.json it reads is still written by the earlier starts.
      command.add("--in-memory");
    } else {
      command.addAll(List.of("--data", data.toString()));
    }
    command.addAll(List.of("--port", Integer.toString(port)));
    ProcessBuilder builder = new ProcessBuilder(command);
    List<String> jvm = new ArrayList<>();
    if (options.cloudOpts() != null) {
      jvm.add(options.cloudOpts());
    }
    if (measured && options.jfr() != null) {
      jvm.add("-XX:StartFlightRecording=filename=" + Path.of(options.jfr()).toAbsolutePath() + ",settings=profile,dumponexit=true");
    }
    if (!jvm.isEmpty()) {
      builder.environment().put("JAVA_TOOL_OPTIONS", String.join(" ", jvm));
    }
    return builder.redirectErrorStream(true).redirectOutput(data.resolve("cloud.log").toFile()).start();
  }

  private static long startAndStop(Path data, int port, Options options) throws Exception {
    Process process = start(data, port, options, false);
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

  /** The webhook signing key as the start-up summary prints it (with --in-memory it exists only in that process). */
  private static String[] signingKey(Path data) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Webhook signing key: id '([^']+)', secret (\\S+)")
          .matcher(Files.readString(data.resolve("cloud.log")));
      if (m.find()) {
        return new String[] {m.group(1), m.group(2)};
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the summary printed no webhook signing key");
  }

  /** CPU time the process has used (all its threads), in milliseconds: unlike wall time, barely moved by other builds. */
  private static long cpuMillis(Process process) {
    return process.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
  }

  private static void track(URI base, String[] key, int clients, int rate, int seconds, boolean inMemoryRun, Process cloud)
      throws Exception {
    URI uri = base.resolve("/v1/track");
    AtomicLong sequence = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    // Warm-up: the first request constructs the handler (a cold start), then a few seconds of the
    // same load so the JIT has compiled the hot path before the measured part.
    sendEvent(uri, key, trackBody("warmup-" + System.nanoTime(), "page.viewed", "bench-0"), errors);
    // Paced like the measured part (when --rate is given), so the warm-up leaves no backlog behind.
    load(uri, key, clients, rate, WARM_UP_SECONDS, "warmup-", new AtomicLong(), new AtomicLong(),
        Collections.synchronizedList(new ArrayList<>()));
    long cpuBefore = cpuMillis(cloud);
    long started = System.nanoTime();
    LagSampler sampler = LagSampler.start(base, started);
    try {
      load(uri, key, clients, rate, seconds, "bench-", sequence, errors, latencies);
    } finally {
      sampler.stop();
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    long cpu = cpuMillis(cloud) - cpuBefore;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("POST /v1/track (signed, " + (inMemoryRun ? "in memory" : "persisted") + ", %d clients, "
            + (rate > 0 ? "paced at %d req/s, ".formatted(rate) : "") + "%d s): %d requests, %.0f req/s, p50 %.1f ms, "
            + "p99 %.1f ms" + (rate > 0 ? " (from each request's scheduled time)" : "") + ", errors %d; "
            + "the cloud's CPU time %.1f ms per request (%.0f%% of the machine's CPUs)%n", clients, seconds,
        sorted.size(), sorted.size() / elapsed, sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get((int) (sorted.size() * 0.99)) / 1000.0, errors.get(), (double) cpu / sorted.size(),
        100.0 * cpu / 1000.0 / elapsed / Runtime.getRuntime().availableProcessors());
    sampler.print();
  }

  /**
   * Each stream consumer's lag every 5 s while the load runs (on its own thread, so the clients'
   * pace does not wait for it): a lag that keeps growing means the consumer cannot keep up.
   */
  private static final class LagSampler {
    private static final long EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long readingSince;
    private final long started;

    private LagSampler(URI base, long started) {
      this.started = started;
      thread = new Thread(() -> {
        for (long next = started + EVERY_NANOS; !stopped; next += EVERY_NANOS) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
          if (stopped) {
            return;
          }
          readingSince = System.nanoTime();
          try {
            Map<String, Long> lag = lag(base);
            readingSince = 0;
            long at = System.nanoTime();
            if (stopped) {
              return;
            }
            StringBuilder line = new StringBuilder(String.format("  %5.1f s", (at - started) / 1e9));
            lag.forEach((consumer, behind) -> line.append(String.format("  %s %d", consumer, behind)));
            lines.add(line.toString());
          } catch (Exception e) {
            if (stopped) {
              return;
            }
            lines.add(String.format("  %5.1f s  (lag not read: %s)", (System.nanoTime() - started) / 1e9, e));
          }
        }
      }, "bench-lag-sampler");
      thread.setDaemon(true);
    }

    static LagSampler start(URI base, long started) {
      LagSampler sampler = new LagSampler(base, started);
      sampler.thread.start();
      return sampler;
    }

    /** Ends the series; a reading still under way finishes on its own and is not kept. */
    void stop() {
      stopped = true;
      java.util.concurrent.locks.LockSupport.unpark(thread);
    }

    void print() {
      System.out.println("stream lag during the load (events created minus records each consumer processed, every 5 s; "
          + "the time is when the reading ended):");
      lines.forEach(System.out::println);
      long since = readingSince;
      if (since != 0) {
        // The reading queues behind the load at the same endpoint: a cloud that cannot keep up shows here too.
        System.out.printf("  (a reading started at %.1f s had not finished when the load stopped)%n", (since - started) / 1e9);
      }
    }
  }

  private static final int WARM_UP_SECONDS = 5;
  /** Events the load created (warm-up included): what the stream consumers have to process. */
  private static final AtomicLong CREATED = new AtomicLong();

  /**
   * {@code clients} threads sending distinct page views over 1,024 contacts for {@code seconds}: as
   * fast as answers come, or with {@code rate} above 0 request k at start + k / rate seconds, taken
   * by whichever client is free (late when all were busy: the latency then counts the wait).
   */
  private static void load(URI uri, String[] key, int clients, int rate, int seconds, String prefix, AtomicLong sequence,
      AtomicLong errors, List<Long> latencies) throws Exception {
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    AtomicLong scheduled = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        while (true) {
          long t;
          if (rate > 0) {
            t = start + scheduled.getAndIncrement() * 1_000_000_000L / rate;
            if (t >= end) {
              return null;
            }
            for (long wait = t - System.nanoTime(); wait > 0; wait = t - System.nanoTime()) {
              java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
          } else {
            t = System.nanoTime();
            if (t >= end) {
              return null;
            }
          }
          String id = prefix + sequence.incrementAndGet();
          sendEvent(uri, key, trackBody(id, "page.viewed", "bench-" + (id.hashCode() & 1023)), errors);
          latencies.add((System.nanoTime() - t) / 1000);
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
  }

  private static String trackBody(String id, String type, String contactId) {
    return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"contactId\":\"" + contactId
        + "\",\"properties\":{\"path\":\"/pricing\"}}";
  }

  /** A track request of the load: a new event (the ids are distinct) when answered 200, counted in {@link #CREATED}. */
  private static void sendEvent(URI uri, String[] key, String body, AtomicLong errors) throws Exception {
    if (send(uri, key, body, errors).statusCode() == 200) {
      CREATED.incrementAndGet();
    }
  }

  private static HttpResponse<String> send(URI uri, String[] key, String body, AtomicLong errors) throws Exception {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).header("content-type", "application/json")
        .header("x-nudge-key-id", key[0]).header("x-nudge-timestamp", timestamp)
        .header("x-nudge-signature", "v1=" + Summary.sign(key[1], timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      errors.incrementAndGet();
    }
    return response;
  }

  /**
   * How far each stream consumer is behind the events table's stream when the load stops, and how
   * long until it caught up (see {@link #lag}).
   */
  private static void streamLag(URI base) throws Exception {
    long stopped = System.nanoTime();
    Map<String, Long> atStop = lag(base);
    Map<String, Long> caughtUp = new LinkedHashMap<>();
    atStop.forEach((consumer, behind) -> {
      if (behind == 0) {
        caughtUp.put(consumer, 0L);
      }
    });
    while (caughtUp.size() < atStop.size() && System.nanoTime() - stopped < Duration.ofMinutes(5).toNanos()) {
      Map<String, Long> now = lag(base);
      now.forEach((consumer, behind) -> {
        if (behind == 0) {
          caughtUp.putIfAbsent(consumer, (System.nanoTime() - stopped) / 1_000_000);
        }
      });
      Thread.sleep(100);
    }
    atStop.forEach((consumer, behind) -> System.out.printf("stream lag when the load stopped, %s: %d records, caught up after %s%n",
        consumer, behind, caughtUp.containsKey(consumer) ? caughtUp.get(consumer) + " ms" : "more than 5 minutes"));
  }

  /**
   * How many of the events this benchmark created each events-stream consumer has not processed
   * yet, by consumer (its checkpoint file's name): the events created (answered 200; the ids are
   * distinct, so each wrote one stream record, and nothing else writes events during the load)
   * minus the records the local event source mapping has delivered ({@code GET /_local/api/streams}).
   * Reading the stream itself to count would cost DynamoDB Local a GetRecords pass over the whole
   * backlog per reading, taking the CPU the consumers need to catch up.
   */
  private static Map<String, Long> lag(URI base) throws Exception {
    HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/_local/api/streams")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    long created = CREATED.get();
    Map<String, Long> lag = new LinkedHashMap<>();
    for (JsonNode consumer : Json.parse(response.body()).path("consumers")) {
      if (consumer.path("table").asText().equals("nudge-EventsTable")) {
        lag.put(consumer.path("consumer").asText(), Math.max(0, created - consumer.path("processedRecords").asLong()));
      }
    }
    return lag;
  }

  /** The workflow the first-e-mail measurement triggers: an e-mail at once. */
  static final String FIRST_EMAIL_WORKFLOW = """
      id: bench-first-email
      name: Benchmark, event to first e-mail
      trigger:
        event: bench.signup
      audience:
        consent: email
      steps:
        - id: hello
          email: { template: welcome-1 }
      """;

  private static void firstEmail(URI base, String[] key, Path data, int samples, boolean inMemory) throws Exception {
    admin(base, "PUT", "/v1/workflows/bench-first-email", FIRST_EMAIL_WORKFLOW, "application/yaml");
    admin(base, "POST", "/v1/workflows/bench-first-email/publish", "", "application/json");
    int warmUp = 5;
    AtomicLong errors = new AtomicLong();
    String run = Long.toString(System.currentTimeMillis(), 36);
    // Every contact subscribed first (not timed), so the measured part is the trigger alone.
    for (int i = 0; i < warmUp + samples; i++) {
      String contact = "mail-" + run + "-" + i;
      HttpResponse<String> identified = signed(base.resolve("/v1/identify"), key, "{\"contactId\":\"" + contact + "\",\"email\":\""
          + contact + "@example.com\",\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
      if (identified.statusCode() != 200) {
        throw new IllegalStateException("identify: " + identified.statusCode() + " " + identified.body());
      }
    }
    List<Long> latencies = new ArrayList<>();
    long timeouts = 0;
    for (int i = 0; i < warmUp + samples; i++) {
      String contact = "mail-" + run + "-" + i;
      long before = outboxCount(base, data, inMemory);
      long t = System.nanoTime();
      send(base.resolve("/v1/track"), key, trackBody("signup-" + contact, "bench.signup", contact), errors);
      long deadline = t + Duration.ofSeconds(30).toNanos();
      while (outboxCount(base, data, inMemory) == before && System.nanoTime() < deadline) {
        Thread.sleep(inMemory ? 5 : 1);
      }
      long micros = (System.nanoTime() - t) / 1000;
      if (System.nanoTime() >= deadline) {
        timeouts++;
      } else if (i >= warmUp) {
        latencies.add(micros);
      }
    }
    Collections.sort(latencies);
    if (latencies.isEmpty()) {
      System.out.println("event to first e-mail: no e-mail arrived (" + timeouts + " timeouts, " + errors.get() + " errors)");
      return;
    }
    System.out.printf("event to first e-mail in the outbox (warm, one at a time, %d samples after %d warm-up): p50 %.1f ms, "
            + "p90 %.1f ms, p99 %.1f ms, max %.1f ms, timeouts %d, errors %d%n", latencies.size(), warmUp,
        latencies.get(latencies.size() / 2) / 1000.0, latencies.get((int) (latencies.size() * 0.9)) / 1000.0,
        latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1)) / 1000.0,
        latencies.get(latencies.size() - 1) / 1000.0, timeouts, errors.get());
  }

  /** E-mails and SMS in the outbox: its .eml files on disk, or the local API's list in memory. */
  private static long outboxCount(URI base, Path data, boolean inMemory) throws Exception {
    if (!inMemory) {
      try (Stream<Path> files = Files.list(data.resolve("outbox"))) {
        return files.filter(p -> p.getFileName().toString().endsWith(".eml")).count();
      }
    }
    HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/_local/api/outbox")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return Json.parse(response.body()).size();
  }

  private static HttpResponse<String> signed(URI uri, String[] key, String body) throws Exception {
    return send(uri, key, body, new AtomicLong());
  }

  private static void admin(URI base, String method, String path, String body, String contentType) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", ADMIN_AUTHORIZATION)
        .header("content-type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
  }
}
