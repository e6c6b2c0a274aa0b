package dev.nudge.local.lambda;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.Json;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.LaneHandler;
import dev.nudge.local.testing.TestClouds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * ParallelizationFactor: a stream page split into lanes by partition key, each lane's batches
 * delivered in order on its own thread. Each test reads a table of its own (created here) with a
 * poller it drives itself ({@link StreamPoller#pollOnce}), so what a page holds does not depend
 * on when a background poll happened to run.
 */
class StreamPollerTest {
  private static final int FACTOR = 4;
  private static final int BATCH_SIZE = 2;
  private static LocalCloud cloud;
  private static DynamoDbClient dynamo;
  private final List<StreamPoller> pollers = new ArrayList<>();
  private final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("stream-lanes.yaml"), 0);
    dynamo = client(DynamoDbClient.builder(), cloud);
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    cloud.close();
  }

  @AfterEach
  void closePollers() {
    LaneHandler.FAILING.clear();
    pollers.forEach(StreamPoller::close);
    background.shutdownNow();
  }

  @Test
  void whileRecordsTrickleInTheStreamIsReadAtMostEveryFiftyMilliseconds() throws Exception {
    StreamPoller wired = cloud.pollers().get(0);
    String table = wired.config().tableName();
    cloud.awaitIdle();
    long pollsBefore = wired.pollsStarted();
    long start = System.nanoTime();
    int records = 40;
    for (int i = 0; i < records; i++) {
      String key = "trickle-" + i;
      dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(key))));
      Thread.sleep(10);
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    long polls = wired.pollsStarted() - pollsBefore;

    // Every write wakes the poller; unpaced it would read the stream after nearly each one. Only a
    // full page (BatchSize x factor = 8 records) is read again at once.
    assertThat(polls).isPositive()
        .isLessThanOrEqualTo(elapsedMillis / 50 + records / (BATCH_SIZE * FACTOR) + 2);
  }

  @Test
  void takesTheParallelizationFactorFromTheTemplatesMapping() {
    assertThat(cloud.pollers()).singleElement()
        .satisfies(p -> assertThat(p.config().parallelizationFactor()).isEqualTo(FACTOR));
  }

  @Test
  void deliversTheRecordsOfOnePartitionKeyInStreamOrderAcrossBatches() throws Exception {
    String table = table("order");
    List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5");
    for (int i = 1; i <= 5; i++) {
      for (String key : keys) {
        put(table, key, i, "order-" + key + "-" + i);
      }
    }
    StreamPoller poller = poller(table, null);
    drain(poller, keys.size() * 5, "order-");

    for (String key : keys) {
      assertThat(handled("order-" + key + "-"))
          .containsExactly(List.of(1, 2, 3, 4, 5).stream().map(i -> "order-" + key + "-" + i).toArray(String[]::new));
    }
    // Five records of a key in batches of at most two: each key's order held across three batches or more.
    assertThat(LaneHandler.BATCHES.stream().filter(b -> !b.isEmpty() && b.get(0).startsWith("order-")))
        .allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(BATCH_SIZE));
  }

  @Test
  void deliversTwoKeysBatchesAtTheSameTime() throws Exception {
    String table = table("parallel");
    String[] keys = twoKeysInDifferentLanes();
    put(table, keys[0], 1, "parallel-A");
    put(table, keys[1], 1, "parallel-B");
    CountDownLatch release = LaneHandler.block("parallel-A");
    StreamPoller poller = poller(table, null);
    Future<Boolean> poll = background.submit(poller::pollOnce);
    try {
      assertThat(LaneHandler.awaitBlocked("parallel-A", 10)).as("key A's batch started").isTrue();
      assertThat(TestClouds.eventually(Duration.ofSeconds(10), () -> handled("parallel-B").size() == 1))
          .as("key B's batch completed while key A's waits").isTrue();
      assertThat(handled("parallel-A")).isEmpty();
    } finally {
      release.countDown();
    }
    assertThat(poll.get(20, TimeUnit.SECONDS)).isTrue();
    assertThat(handled("parallel-A")).containsExactly("parallel-A");
  }

  @Test
  void retriesAFailedLaneFromTheFailedRecordAndDoesNotCheckpointPastIt(@TempDir Path data) throws Exception {
    String table = table("retry");
    String[] keys = twoKeysInDifferentLanes();
    for (int i = 1; i <= 3; i++) {
      put(table, keys[0], i, "retry-A" + i);
      put(table, keys[1], i, "retry-B" + i);
    }
    LaneHandler.FAILING.add("retry-B2");
    StreamPoller first = poller(table, data);
    Future<Boolean> poll = background.submit(first::pollOnce);
    assertThat(TestClouds.eventually(Duration.ofSeconds(15), () -> batchesStartingWith("retry-B2") >= 2))
        .as("the failed batch retried twice").isTrue();
    assertThat(handled("retry-A")).containsExactly("retry-A1", "retry-A2", "retry-A3");
    assertThat(handled("retry-B")).containsExactly("retry-B1");
    List<List<String>> withB2 = LaneHandler.BATCHES.stream().filter(batch -> batch.contains("retry-B2")).toList();
    assertThat(withB2.get(0)).containsExactly("retry-B1", "retry-B2");
    assertThat(withB2.subList(1, withB2.size())).as("the retries, from the reported record on")
        .allSatisfy(batch -> assertThat(batch.get(0)).isEqualTo("retry-B2"));

    first.close();
    poll.cancel(true);
    LaneHandler.FAILING.clear();
    StreamPoller restarted = poller(table, data);
    drain(restarted, 1, "retry-B3");

    List<String> b = handled("retry-B");
    assertThat(b).containsSubsequence("retry-B2", "retry-B3");
    assertThat(b.indexOf("retry-B2")).isLessThan(b.indexOf("retry-B3"));
    assertThat(b).containsOnlyOnce("retry-B3");
  }

  private String[] twoKeysInDifferentLanes() {
    String first = "key-0";
    int lane = StreamPoller.lane(Json.object().put("S", first), FACTOR);
    for (int i = 1; ; i++) {
      String other = "key-" + i;
      if (StreamPoller.lane(Json.object().put("S", other), FACTOR) != lane) {
        return new String[] {first, other};
      }
    }
  }

  private static List<String> handled(String prefix) {
    return LaneHandler.HANDLED.stream().filter(n -> n.startsWith(prefix)).toList();
  }

  private static long batchesStartingWith(String note) {
    return LaneHandler.BATCHES.stream().filter(b -> !b.isEmpty() && b.get(0).equals(note)).count();
  }

  /** Polls until {@code count} notes with {@code prefix} were handled. */
  private static void drain(StreamPoller poller, int count, String prefix) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (handled(prefix).size() < count && System.nanoTime() < deadline) {
      poller.pollOnce();
    }
    assertThat(handled(prefix)).hasSizeGreaterThanOrEqualTo(count);
  }

  private StreamPoller poller(String table, Path data) {
    String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    StreamPoller poller = new StreamPoller(new StreamPoller.Config("LanesFunction", "Lanes" + table.hashCode(), table,
        streamArn, "TRIM_HORIZON", BATCH_SIZE, -1, false, true, null, List.of(), FACTOR),
        cloud.functions().find("LanesFunction"), cloud.functions(), cloud.dynamo(), cloud.log(), cloud.clock(), data);
    pollers.add(poller);
    return poller;
  }

  private static String table(String name) {
    String table = "lanes-" + name;
    dynamo.createTable(b -> b.tableName(table)
        .attributeDefinitions(d -> d.attributeName("pk").attributeType(ScalarAttributeType.S),
            d -> d.attributeName("sk").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
        .billingMode("PAY_PER_REQUEST")
        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
    return table;
  }

  private static void put(String table, String key, int sk, String note) {
    dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(key),
        "sk", AttributeValue.fromN(Integer.toString(sk)), "note", AttributeValue.fromS(note))));
  }
}
