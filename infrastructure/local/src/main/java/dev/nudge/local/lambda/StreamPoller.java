package dev.nudge.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.dynamodb.DynamoDbServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One DynamoDB stream event source mapping, run as Lambda runs it: poll the stream (four times
 * a second when idle), hand the function batches of up to BatchSize records in Lambda's event
 * shape, retry a failed batch (MaximumRetryAttempts; -1 retries until the record would expire),
 * bisect a failing batch when BisectBatchOnFunctionError is set, honour ReportBatchItemFailures,
 * and when retries are exhausted record the batch's failure record (Lambda's OnFailure shape)
 * in {@code failures/<function>.jsonl} of the data folder (in memory with --in-memory): SQS and
 * SNS are not emulated, so the destination is named in the record, not delivered to.
 * Shards are read parents first; the position reached is kept in {@code checkpoints/} so a
 * restart does not replay the stream.
 *
 * <p>ParallelizationFactor N (1–10) is honoured as Lambda does: a page of up to BatchSize × N
 * records is split into N lanes by the hash of each record's partition key (the table's HASH key),
 * each lane delivered in stream order as batches of up to BatchSize on its own thread, with its own
 * retries, bisection and item failures; the page is checkpointed once every lane is done. A key's
 * records therefore keep their order, and a lane still retrying holds the checkpoint before the
 * page, so a restart replays it rather than skipping it. With N = 1 the poller thread delivers the
 * page (of up to BatchSize records) itself, as one batch.
 */
public final class StreamPoller implements AutoCloseable {
  public record Config(String functionLogicalId, String eventName, String tableName, String streamArn,
      String startingPosition, int batchSize, int maximumRetryAttempts, boolean bisect, boolean reportItemFailures,
      String onFailureDestination, List<dev.nudge.local.events.EventPattern> filters, int parallelizationFactor) {

    /** The mapping as Lambda's defaults have it for what the template leaves out: one batch at a time. */
    public Config(String functionLogicalId, String eventName, String tableName, String streamArn,
        String startingPosition, int batchSize, int maximumRetryAttempts, boolean bisect, boolean reportItemFailures,
        String onFailureDestination, List<dev.nudge.local.events.EventPattern> filters) {
      this(functionLogicalId, eventName, tableName, streamArn, startingPosition, batchSize, maximumRetryAttempts, bisect,
          reportItemFailures, onFailureDestination, filters, 1);
    }
  }

  /** GetRecords returns at most 1,000 records a call. */
  private static final int MAX_PAGE = 1000;

  private final Config config;
  private final LocalFunction function;
  private final Functions functions;
  private final DynamoDbServer dynamo;
  private final EventLog log;
  private final Clock clock;
  private final Path dataDir;
  private final List<JsonNode> failures = new CopyOnWriteArrayList<>();
  private final Map<String, String> checkpoints = new HashMap<>();
  private final Set<String> finishedShards = new HashSet<>();
  private final Map<String, String> iterators = new LinkedHashMap<>();
  private volatile boolean closed;
  private volatile long processedRecords;
  private Thread thread;
  /** The lanes' threads when ParallelizationFactor is above 1; null otherwise. */
  private final ExecutorService lanes;
  /** The table's partition (HASH) key attribute, read once by DescribeTable when there are lanes. */
  private volatile String partitionKey;
  // Idle detection (LocalCloud.awaitIdle): polls are numbered as they start; a poll is clean when it
  // read every open shard to its end and found nothing (no record, no stale cursor, no shard closed).
  private final Object idleLock = new Object();
  private long pollsStarted;
  private long lastCleanPoll;
  private boolean wakeRequested;
  private boolean pollUnclean;
  /** Set by {@link #requestCleanPoll} until a clean poll: polls start at once, unpaced, meanwhile. */
  private boolean cleanPollRequested;
  /** Whether the last poll read a full page from some shard (more is waiting: read again at once). */
  private volatile boolean lastPageFull;
  /**
   * The shortest time between two reads of the stream while records trickle in. Without it a
   * consumer that keeps up re-reads the stream after every few records (each read a DescribeStream
   * and a GetRecords, which DynamoDB Local makes costly), taking the CPU the writes need. Lambda
   * reads a shard about four times a second; 50 ms keeps event to first e-mail short.
   */
  static final long MIN_POLL_INTERVAL_MILLIS = 50;

  private static final Set<String> STALE_ITERATOR = Set.of("TrimmedDataAccessException", "ExpiredIteratorException");

  public StreamPoller(Config config, LocalFunction function, Functions functions, DynamoDbServer dynamo, EventLog log,
      Clock clock, Path dataDir) {
    this.config = config;
    this.function = function;
    this.functions = functions;
    this.dynamo = dynamo;
    this.log = log;
    this.clock = clock;
    this.dataDir = dataDir;
    loadCheckpoints();
    if (config.parallelizationFactor() > 1) {
      AtomicInteger lane = new AtomicInteger();
      this.lanes = Executors.newFixedThreadPool(config.parallelizationFactor(), task -> {
        Thread t = new Thread(task, "nudge-stream-" + function.logicalId() + "-lane-" + lane.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    } else {
      this.lanes = null;
    }
  }

  public Config config() {
    return config;
  }

  public List<JsonNode> failures() {
    return List.copyOf(failures);
  }

  public long processedRecords() {
    return processedRecords;
  }

  /** The mapping's name as its checkpoint file has it: {@code <function name>.<event name>}. */
  public String consumerName() {
    return function.name() + "." + config.eventName();
  }

  /** How many times the stream has been read (each poll reads every open shard once). */
  public long pollsStarted() {
    synchronized (idleLock) {
      return pollsStarted;
    }
  }

  public void start() {
    dynamo.addWriteListener(this::wake);
    thread = new Thread(this::run, "nudge-stream-" + function.logicalId());
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long backoff = 0;
    long lastPollStarted = System.nanoTime() - 2 * MIN_POLL_INTERVAL_MILLIS * 1_000_000;
    while (!closed) {
      long poll;
      try {
        synchronized (idleLock) {
          // Paced unless the last read filled a page or a clean poll is awaited (tests, awaitIdle).
          long due = lastPollStarted + MIN_POLL_INTERVAL_MILLIS * 1_000_000;
          while (!closed && !lastPageFull && !cleanPollRequested) {
            long left = (due - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
              break;
            }
            idleLock.wait(left); // a write's wake does not end it: only a clean-poll request does
          }
          poll = ++pollsStarted;
        }
        lastPollStarted = System.nanoTime();
        pollUnclean = false;
        boolean worked = pollOnce();
        backoff = 0;
        synchronized (idleLock) {
          if (!worked && !pollUnclean) {
            lastCleanPoll = poll;
            cleanPollRequested = false; // the awaited clean poll happened: pace again
          }
          idleLock.notifyAll();
          // A write (the listener registered in the constructor) or a clean-poll request wakes it at
          // once, instead of a fixed quarter-second sleep when the stream was empty.
          if (!worked && !wakeRequested) {
            idleLock.wait(250);
          }
          wakeRequested = false;
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        synchronized (idleLock) {
          idleLock.notifyAll();
        }
        if (closed) {
          return;
        }
        log.add("error", "stream " + config.tableName() + " → " + function.logicalId() + ": " + e.getMessage(), null);
        backoff = Math.min(5000, backoff == 0 ? 250 : backoff * 2);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** A write somewhere: poll again now rather than after the idle wait. */
  private void wake() {
    synchronized (idleLock) {
      wakeRequested = true;
      idleLock.notifyAll();
    }
  }

  /**
   * Asks for a clean poll (see {@link #awaitCleanPoll}): wakes the poller rather than letting it
   * finish its idle sleep, and returns the number of the last poll started before the request.
   */
  public long requestCleanPoll() {
    synchronized (idleLock) {
      wakeRequested = true;
      cleanPollRequested = true;
      idleLock.notifyAll();
      return pollsStarted;
    }
  }

  /**
   * Waits until a poll numbered after {@code after} ({@link #requestCleanPoll}) read every shard to
   * its end and found nothing: every record written before the request has then been delivered and
   * its batch has returned. False when {@code timeoutMillis} passed first or the poller stopped.
   */
  public boolean awaitCleanPoll(long after, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    synchronized (idleLock) {
      while (lastCleanPoll <= after) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || closed || thread == null || !thread.isAlive()) {
          return false;
        }
        idleLock.wait(Math.min(left, 100));
      }
      return true;
    }
  }

  /** Reads each open shard once; true when any records were processed. */
  boolean pollOnce() throws InterruptedException {
    lastPageFull = false;
    List<JsonNode> shards = new ArrayList<>();
    String startAfter = null;
    do {
      ObjectNode request = Json.object().put("StreamArn", config.streamArn());
      if (startAfter != null) {
        request.put("ExclusiveStartShardId", startAfter);
      }
      JsonNode description = dynamo.call("DynamoDBStreams_20120810.DescribeStream", request).path("StreamDescription");
      description.path("Shards").forEach(shards::add);
      startAfter = description.path("LastEvaluatedShardId").asText(null);
    } while (startAfter != null);
    Set<String> known = new HashSet<>();
    shards.forEach(s -> known.add(s.path("ShardId").asText()));
    boolean worked = false;
    for (JsonNode shard : shards) {
      String shardId = shard.path("ShardId").asText();
      String parent = shard.path("ParentShardId").asText(null);
      if (finishedShards.contains(shardId) || (parent != null && known.contains(parent) && !finishedShards.contains(parent))) {
        continue;
      }
      String iterator = iterators.computeIfAbsent(shardId, this::iteratorFor);
      if (iterator == null) {
        finishedShards.add(shardId);
        pollUnclean = true;
        continue;
      }
      JsonNode page;
      try {
        page = dynamo.call("DynamoDBStreams_20120810.GetRecords",
            Json.object().put("ShardIterator", iterator).put("Limit", pageSize()));
      } catch (DynamoDbServer.DynamoDbError e) {
        if (!STALE_ITERATOR.contains(e.type())) {
          throw e;
        }
        // DynamoDB Local answers TrimmedDataAccessException to an iterator taken on an empty shard
        // once the first record arrives (aws-sdk-java#2923), and iterators expire after 15 minutes.
        // Both mean only "this cursor is stale": take a new one from the checkpoint next time.
        iterators.remove(shardId);
        pollUnclean = true;
        continue;
      }
      List<JsonNode> records = new ArrayList<>();
      page.path("Records").forEach(records::add);
      if (!records.isEmpty()) {
        worked = true;
        lastPageFull |= records.size() >= pageSize();
        deliver(shardId, records);
        if (closed) {
          // Stopped while a batch was still being retried: what it held is not done, so the
          // checkpoint stays before the page and the next start delivers it again.
          return worked;
        }
        checkpoint(shardId, records.get(records.size() - 1).path("dynamodb").path("SequenceNumber").asText());
      }
      String next = page.path("NextShardIterator").asText(null);
      if (next == null) {
        // A closed shard: its children are read from the next poll on, so this one is not clean.
        finishedShards.add(shardId);
        iterators.remove(shardId);
        pollUnclean = true;
      } else {
        iterators.put(shardId, next);
      }
    }
    return worked;
  }

  private String iteratorFor(String shardId) {
    ObjectNode request = Json.object().put("StreamArn", config.streamArn()).put("ShardId", shardId);
    String checkpoint = checkpoints.get(shardId);
    if (checkpoint != null) {
      request.put("ShardIteratorType", "AFTER_SEQUENCE_NUMBER").put("SequenceNumber", checkpoint);
    } else {
      request.put("ShardIteratorType", config.startingPosition().equals("LATEST") ? "LATEST" : "TRIM_HORIZON");
    }
    try {
      return dynamo.call("DynamoDBStreams_20120810.GetShardIterator", request).path("ShardIterator").asText(null);
    } catch (DynamoDbServer.DynamoDbError e) {
      if (e.type().equals("TrimmedDataAccessException") || e.type().equals("ResourceNotFoundException")) {
        return null;
      }
      throw e;
    }
  }

  private void deliver(String shardId, List<JsonNode> raw) throws InterruptedException {
    List<JsonNode> records = new ArrayList<>();
    for (JsonNode record : raw) {
      ObjectNode copy = record.deepCopy();
      copy.put("eventSourceARN", config.streamArn());
      if (config.filters().isEmpty() || config.filters().stream().anyMatch(f -> f.matches(copy))) {
        records.add(copy);
      }
    }
    if (!records.isEmpty()) {
      if (lanes == null) {
        process(shardId, records, 0);
      } else {
        deliverInLanes(shardId, records);
      }
    }
    processedRecords += raw.size();
  }

  /** A page's records: BatchSize with one lane (as before lanes), BatchSize × N with N, at most 1,000. */
  private int pageSize() {
    int factor = config.parallelizationFactor();
    return factor <= 1 ? config.batchSize() : (int) Math.min(MAX_PAGE, (long) config.batchSize() * factor);
  }

  /**
   * Splits the page by partition key into the lanes and delivers each lane's records in order, as
   * batches of up to BatchSize, all lanes at once; returns when every lane is done (delivered or
   * given up), so the caller's checkpoint never passes a record still being retried.
   */
  private void deliverInLanes(String shardId, List<JsonNode> records) throws InterruptedException {
    int factor = config.parallelizationFactor();
    String key = partitionKey();
    List<List<JsonNode>> byLane = new ArrayList<>();
    for (int i = 0; i < factor; i++) {
      byLane.add(new ArrayList<>());
    }
    for (JsonNode record : records) {
      byLane.get(lane(record.path("dynamodb").path("Keys").path(key), factor)).add(record);
    }
    List<Future<?>> running = new ArrayList<>();
    for (List<JsonNode> lane : byLane) {
      if (lane.isEmpty()) {
        continue;
      }
      running.add(lanes.submit(() -> {
        for (int from = 0; from < lane.size() && !closed; from += config.batchSize()) {
          process(shardId, new ArrayList<>(lane.subList(from, Math.min(lane.size(), from + config.batchSize()))), 0);
        }
        return null;
      }));
    }
    RuntimeException failed = null;
    try {
      for (Future<?> lane : running) {
        try {
          lane.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof InterruptedException interrupted) {
            throw interrupted;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          // Every lane is awaited before the error is raised: the page is read again from the
          // last checkpoint, and a lane still running must not overlap its own redelivery.
          failed = failed == null ? (RuntimeException) e.getCause() : failed;
        }
      }
    } catch (InterruptedException e) {
      running.forEach(lane -> lane.cancel(true));
      throw e;
    }
    if (failed != null) {
      throw failed;
    }
  }

  /**
   * The lane of a record by its partition key value (its attribute value as JSON, e.g.
   * {@code {"S":"c-1"}}): one key always maps to one lane, so its records keep their order.
   */
  public static int lane(JsonNode partitionKeyValue, int lanes) {
    int h = partitionKeyValue.toString().hashCode();
    // Spread the bits: String.hashCode of ids that differ in their last character differ by little.
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    h ^= h >>> 16;
    return Math.floorMod(h, lanes);
  }

  private String partitionKey() {
    String key = partitionKey;
    if (key == null) {
      JsonNode schema = dynamo.call("DynamoDB_20120810.DescribeTable", Json.object().put("TableName", config.tableName()))
          .path("Table").path("KeySchema");
      for (JsonNode element : schema) {
        if (element.path("KeyType").asText().equals("HASH")) {
          key = element.path("AttributeName").asText();
        }
      }
      if (key == null) {
        throw new IllegalStateException("table " + config.tableName() + " has no HASH key");
      }
      partitionKey = key;
    }
    return key;
  }

  /** Delivers {@code records}, retrying and bisecting until they succeed or are given up. */
  private void process(String shardId, List<JsonNode> records, int attemptsSoFar) throws InterruptedException {
    int attempts = attemptsSoFar;
    List<JsonNode> pending = records;
    long backoff = 500;
    while (!closed) {
      ObjectNode event = Json.object();
      ArrayNode list = event.putArray("Records");
      pending.forEach(list::add);
      Invocation invocation = invokeOrFail(event);
      attempts++;
      String failedFrom = null;
      if (!invocation.failed()) {
        if (!config.reportItemFailures()) {
          return;
        }
        failedFrom = firstReportedFailure(invocation.payload(), pending);
        if (failedFrom == null) {
          return;
        }
        // Lambda retries from the lowest reported failure onwards.
        List<JsonNode> rest = new ArrayList<>();
        boolean from = false;
        for (JsonNode record : pending) {
          from |= record.path("dynamodb").path("SequenceNumber").asText().equals(failedFrom);
          if (from) {
            rest.add(record);
          }
        }
        pending = rest;
      }
      log.add("error", "stream batch of " + pending.size() + " to " + function.logicalId() + " failed (attempt "
          + attempts + ")", invocation.requestId());
      boolean exhausted = config.maximumRetryAttempts() >= 0 && attempts > config.maximumRetryAttempts();
      if (config.bisect() && pending.size() > 1 && invocation.failed()) {
        int half = pending.size() / 2;
        process(shardId, new ArrayList<>(pending.subList(0, half)), attempts);
        process(shardId, new ArrayList<>(pending.subList(half, pending.size())), attempts);
        return;
      }
      if (exhausted) {
        recordFailure(shardId, pending, invocation, attempts);
        return;
      }
      Thread.sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }

  /**
   * Invokes the function with a batch, unless a {@code streams} fault fails it: before the
   * function runs (nothing done) or after (the function's work done, the batch reported failed),
   * as a function error, so the mapping retries and bisects as it does for a real one.
   */
  private Invocation invokeOrFail(ObjectNode event) {
    dev.nudge.local.faults.Faults faults = functions.faults();
    dev.nudge.local.faults.Faults.Hit hit = faults == null ? null : faults.streamBatch(function.logicalId());
    if (hit != null) {
      hit.delay();
    }
    if (hit == null || !hit.fails()) {
      return functions.invoke(function, Json.bytes(event));
    }
    boolean before = hit.failure().at() == dev.nudge.local.faults.Fault.At.BEFORE;
    Invocation ran = before ? null : functions.invoke(function, Json.bytes(event));
    String requestId = ran == null ? UUID.randomUUID().toString() : ran.requestId();
    String message = "stream batch failed by fault " + hit.failure().id() + (before ? " before " : " after ")
        + function.logicalId() + " ran";
    log.add("error", message, requestId);
    ObjectNode error = Json.object().put("errorMessage", message).put("errorType", "InjectedBatchFailure");
    error.putArray("stackTrace");
    return new Invocation(requestId, Json.bytes(error), "InjectedBatchFailure", message, ran == null ? 0 : ran.durationMillis());
  }

  private static String firstReportedFailure(byte[] payload, List<JsonNode> records) {
    JsonNode response;
    try {
      response = payload.length == 0 ? null : Json.parse(payload);
    } catch (IllegalArgumentException e) {
      return records.get(0).path("dynamodb").path("SequenceNumber").asText();
    }
    if (response == null || !response.path("batchItemFailures").isArray() || response.path("batchItemFailures").isEmpty()) {
      return null;
    }
    // The lowest sequence number reported (sequence numbers are decimal strings of equal meaning).
    String lowest = null;
    for (JsonNode failure : response.path("batchItemFailures")) {
      String id = failure.path("itemIdentifier").asText(null);
      if (id == null || id.isEmpty()) {
        return records.get(0).path("dynamodb").path("SequenceNumber").asText();
      }
      if (lowest == null || new java.math.BigInteger(id).compareTo(new java.math.BigInteger(lowest)) < 0) {
        lowest = id;
      }
    }
    return lowest;
  }

  private synchronized void recordFailure(String shardId, List<JsonNode> records, Invocation invocation, int attempts) {
    ObjectNode failure = Json.object();
    ObjectNode requestContext = failure.putObject("requestContext");
    requestContext.put("requestId", UUID.randomUUID().toString());
    requestContext.put("functionArn", function.arn());
    requestContext.put("condition", "RetryAttemptsExhausted");
    requestContext.put("approximateInvokeCount", attempts);
    ObjectNode responseContext = failure.putObject("responseContext");
    responseContext.put("statusCode", 200);
    responseContext.put("executedVersion", "$LATEST");
    responseContext.put("functionError", invocation.failed() ? "Unhandled" : "");
    failure.put("version", "1.0");
    failure.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
    ObjectNode batch = failure.putObject("DDBStreamBatchInfo");
    batch.put("shardId", shardId);
    batch.put("startSequenceNumber", records.get(0).path("dynamodb").path("SequenceNumber").asText());
    batch.put("endSequenceNumber", records.get(records.size() - 1).path("dynamodb").path("SequenceNumber").asText());
    batch.put("approximateArrivalOfFirstRecord", records.get(0).path("dynamodb").path("ApproximateCreationDateTime").asText());
    batch.put("approximateArrivalOfLastRecord",
        records.get(records.size() - 1).path("dynamodb").path("ApproximateCreationDateTime").asText());
    batch.put("batchSize", records.size());
    batch.put("streamArn", config.streamArn());
    failure.put("destination", config.onFailureDestination());
    failures.add(failure);
    log.add("error", "gave up on " + records.size() + " stream record(s) for " + function.logicalId()
        + (config.onFailureDestination() == null ? " (no OnFailure destination: dropped)"
            : " → failure record for " + config.onFailureDestination()), null);
    if (dataDir != null) {
      try {
        Path dir = Files.createDirectories(dataDir.resolve("failures"));
        Files.writeString(dir.resolve(function.name() + ".jsonl"), failure + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Path checkpointFile() {
    return dataDir == null ? null
        : dataDir.resolve("checkpoints").resolve(function.name() + "." + config.eventName() + ".json");
  }

  private void loadCheckpoints() {
    Path file = checkpointFile();
    if (file != null && Files.exists(file)) {
      try {
        Json.parse(Files.readAllBytes(file)).fields().forEachRemaining(e -> checkpoints.put(e.getKey(), e.getValue().asText()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void checkpoint(String shardId, String sequenceNumber) {
    checkpoints.put(shardId, sequenceNumber);
    Path file = checkpointFile();
    if (file != null) {
      ObjectNode json = Json.object();
      checkpoints.forEach(json::put);
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
    if (lanes != null) {
      lanes.shutdownNow();
    }
    synchronized (idleLock) {
      idleLock.notifyAll();
    }
  }
}
