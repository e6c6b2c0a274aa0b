package dev.nudge.local.states;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Waiting is a timer, not a thread: thousands of parked executions add no threads, and all wake on time. */
class ConcurrencyTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void fiveThousandWaitingExecutionsUseNoExtraThreadsAndAllFinish() {
    String machine = h.create("parked", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":86400,\"End\":true}}}");
    h.start(machine, "{}");
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    for (int i = 0; i < 5000; i++) {
      h.engine.startExecution(machine, "c" + i, "{\"i\":" + i + "}");
    }
    h.engine.awaitQuiescence();
    assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threadsBefore + 5);
    assertThat(h.engine.listExecutions(machine, "RUNNING", 1000, null).nextToken()).isNotNull();
    h.advance(Duration.ofDays(1));
    assertThat(h.engine.listExecutions(machine, "RUNNING", 1000, null).items()).isEmpty();
    assertThat(h.engine.describeExecution("arn:aws:states:us-east-1:123456789012:execution:parked:c4999").output())
        .isEqualTo("{\"i\":4999}");
  }

  @Test
  void manyClientThreadsStartingAtOnceEachGetTheirExecution() throws Exception {
    h.invoker.answer("f", "{}");
    String machine = h.create("busy", """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
          "ResultPath":null,"End":true}}}""");
    Thread[] clients = new Thread[8];
    for (int c = 0; c < clients.length; c++) {
      int client = c;
      clients[c] = new Thread(() -> {
        for (int i = 0; i < 100; i++) h.engine.startExecution(machine, "c" + client + "-" + i, "{}");
      });
      clients[c].start();
    }
    for (Thread t : clients) t.join();
    h.engine.awaitQuiescence();
    assertThat(h.engine.listExecutions(machine, "SUCCEEDED", 1000, null).items()).hasSize(800);
    assertThat(h.invoker.requests).hasSize(800);
  }
}
