package dev.nudge.local.states;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput and memory of the engine, for docs/benchmarks.md. Not a timed test: it prints numbers and
 * asserts only that the work was done. Run it with
 * {@code mvn -B -q -pl infrastructure/local -am test -Dtest=StatesEngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dnudge.benchmark=true}
 * or its main() from an IDE.
 */
class StatesEngineBenchmark {
  /** Ten states: Pass, Choice and Task, three tasks answered at once by the invoker. */
  static final String TEN_STATES = """
      {"StartAt":"Init","States":{
        "Init":{"Type":"Pass","Parameters":{"contact.$":"$.contact","score":0},"Next":"Route"},
        "Route":{"Type":"Choice","Choices":[{"Variable":"$.contact","IsPresent":true,"Next":"Send"}],"Default":"Send"},
        "Send":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"send","Payload.$":"$"},
          "ResultSelector":{"sent.$":"$.Payload.sent"},"ResultPath":"$.send","Next":"Mark"},
        "Mark":{"Type":"Pass","Result":1,"ResultPath":"$.score","Next":"Check"},
        "Check":{"Type":"Choice","Choices":[{"Variable":"$.send.sent","BooleanEquals":true,"Next":"Update"}],"Default":"Update"},
        "Update":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:updateItem","Parameters":{"TableName":"contacts",
          "Key":{"id":{"S.$":"$.contact"}}},"ResultPath":null,"Next":"Score"},
        "Score":{"Type":"Pass","Parameters":{"contact.$":"$.contact","score.$":"States.MathAdd($.score, 1)"},"Next":"Branch"},
        "Branch":{"Type":"Choice","Choices":[{"Variable":"$.score","NumericGreaterThan":1,"Next":"Notify"}],"Default":"Notify"},
        "Notify":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{"Entries":[{"Detail.$":"$"}]},
          "ResultPath":null,"Next":"Done"},
        "Done":{"Type":"Pass","End":true}}}""";

  /** The same length without tasks: what interpretation costs without the hop to the invoker's threads. */
  static final String TEN_PASS;

  static {
    StringBuilder b = new StringBuilder("{\"StartAt\":\"S0\",\"States\":{");
    for (int i = 0; i < 10; i++) {
      b.append(i == 0 ? "" : ",").append("\"S").append(i).append("\":{\"Type\":\"Pass\",")
          .append(i == 9 ? "\"End\":true}" : "\"Next\":\"S" + (i + 1) + "\"}");
    }
    TEN_PASS = b.append("}}").toString();
  }

  static final String PARKED = """
      {"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":604800,"Next":"Done"},"Done":{"Type":"Succeed"}}}""";

  @Test
  @EnabledIfSystemProperty(named = "nudge.benchmark", matches = "true")
  void benchmark() throws Exception {
    main(new String[0]);
  }

  public static void main(String[] args) throws Exception {
    throughput(TEN_STATES, 2_000); // warm-up
    double perSecond = throughput(TEN_STATES, 20_000);
    System.out.printf(Locale.ROOT, "throughput: %.0f executions/s (10 states each, %.0f state transitions/s)%n",
        perSecond, perSecond * 10);
    double persisted = throughput(TEN_STATES, 5_000, java.nio.file.Files.createTempDirectory("states-bench"));
    System.out.printf(Locale.ROOT, "throughput with a data folder (one atomic file write per execution per batch): %.0f executions/s%n",
        persisted);
    double passOnly = throughput(TEN_PASS, 20_000);
    System.out.printf(Locale.ROOT, "throughput without tasks (10 Pass states): %.0f executions/s%n", passOnly);
    long bytes = parkedHeap(10_000);
    System.out.printf(Locale.ROOT, "heap for 10,000 executions parked on a Wait: %.1f MB (%d bytes each)%n",
        bytes / 1e6, bytes / 10_000);
    System.out.printf(Locale.ROOT, "threads while parked: engine loop + idle task workers; JVM live threads now: %d%n",
        ManagementFactory.getThreadMXBean().getThreadCount());
  }

  /** Starts n executions from 4 client threads and waits for all to finish; returns executions per second. */
  static double throughput(String definition, int n) throws Exception {
    return throughput(definition, n, null);
  }

  static double throughput(String definition, int n, java.nio.file.Path dataDir) throws Exception {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"), 0);
    JsonNode sent = JsonNodeFactory.instance.objectNode().put("sent", true);
    TaskInvoker immediate = r -> CompletableFuture.completedFuture(sent);
    try (StatesEngine engine = new StatesEngine(clock, immediate, dataDir)) {
      String machine = engine.createStateMachine("bench", definition, "arn:aws:iam::123456789012:role/r", null, false, null)
          .stateMachineArn();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      long start = System.nanoTime();
      for (int c = 0; c < 4; c++) {
        int client = c;
        clients.execute(() -> {
          for (int i = client; i < n; i += 4) {
            engine.startExecution(machine, "e" + i, "{\"contact\":\"c-" + i + "\"}");
          }
        });
      }
      clients.shutdown();
      clients.awaitTermination(10, TimeUnit.MINUTES);
      engine.awaitQuiescence();
      double seconds = (System.nanoTime() - start) / 1e9;
      int succeeded = 0;
      String token = null;
      do {
        var page = engine.listExecutions(machine, "SUCCEEDED", 1000, token);
        succeeded += page.items().size();
        token = page.nextToken();
      } while (token != null);
      assertThat(succeeded).isEqualTo(n);
      return n / seconds;
    }
  }

  /** Heap retained by n executions waiting a week (after GC), engine baseline subtracted. */
  static long parkedHeap(int n) throws Exception {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"), 0);
    try (StatesEngine engine = new StatesEngine(clock, r -> CompletableFuture.completedFuture(null), null)) {
      String machine = engine.createStateMachine("parked", PARKED, "arn:aws:iam::123456789012:role/r", null, false, null)
          .stateMachineArn();
      engine.startExecution(machine, "warm", "{}");
      engine.awaitQuiescence();
      long before = usedHeap();
      for (int i = 0; i < n; i++) {
        engine.startExecution(machine, "contact-" + i, "{\"contact\":\"c-" + i + "\",\"journey\":\"abandoned-cart\"}");
      }
      engine.awaitQuiescence();
      long after = usedHeap();
      assertThat(engine.listExecutions(machine, "RUNNING", 1000, null).items()).hasSize(1000);
      return after - before;
    }
  }

  private static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
