package dev.nudge.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * One page of a segment's re-evaluation after a save, as the segment-evaluation state machine
 * calls it in a loop (the pattern of broadcast runs): the contacts table is read from the cursor
 * (a paginated Scan, the one way to reach every contact: membership is otherwise kept by events)
 * until {@code pageSize} profiles or {@code budget} of wall time, each profile is evaluated against
 * the saved definition through {@link Segments#evaluate} (the path events take, so
 * {@code segment.entered}/{@code segment.exited} are written once per change, named by the run),
 * and the answer carries the next cursor. A run whose condition was changed again meanwhile stops
 * ({@code superseded}); that save started its own run. The time budget is wall time on purpose:
 * it bounds one invocation, whatever the clock the evaluation reads.
 */
public final class SegmentEvaluation {
  private static final Log LOG = new Log("segment-evaluation");

  private final DynamoDbClient ddb;
  private final String contactsTable;
  private final SegmentStore store;
  private final Supplier<List<Segment>> definitions;
  private final Segments segments;
  private final SegmentEvaluations runs;
  private final Clock clock;
  private final int pageSize;
  private final Duration budget;
  private final int concurrency;

  /**
   * {@code definitions}: every segment (for the contact's one timer over all windows);
   * {@code concurrency}: contacts evaluated at once within a page (each is a few round trips).
   */
  public SegmentEvaluation(DynamoDbClient ddb, String contactsTable, SegmentStore store,
      Supplier<List<Segment>> definitions, Segments segments, SegmentEvaluations runs, Clock clock, int pageSize,
      Duration budget, int concurrency) {
    this.ddb = ddb;
    this.contactsTable = contactsTable;
    this.store = store;
    this.definitions = definitions;
    this.segments = segments;
    this.runs = runs;
    this.clock = clock;
    this.pageSize = pageSize;
    this.budget = budget;
    this.concurrency = concurrency;
  }

  /** The cause naming the events a run writes: one per segment, version and contact. */
  static String cause(int version) {
    return "evaluation-v" + version;
  }

  /** {@code state}: {segment, version, cursor, page}; the answer is the next state plus done. */
  public ObjectNode page(JsonNode state) {
    String id = state.path("segment").asText();
    int version = state.path("version").asInt();
    int page = state.path("page").asInt(0);
    ObjectNode next = state.deepCopy();
    if (state.has("error")) {
      // The state machine's Catch: a page failed past its retries. Saving the segment again restarts the run.
      LOG.error("run failed", Map.of("segment", id, "version", version, "page", page,
          "error", state.path("error").path("Error").asText("unknown")));
      runs.finish(id, version, "failed", clock.instant());
      return next.put("done", true);
    }
    // The run record changes only when the condition does (a renamed segment keeps its run).
    SegmentEvaluations.Evaluation run = runs.find(id).orElse(null);
    SegmentStore.Stored stored = store.find(id).orElse(null);
    Segment segment = stored == null ? null : Segment.parse(stored.definition(), id).segment();
    if (run == null || run.version() != version || !run.state().equals("running") || segment == null) {
      runs.finish(id, version, "superseded", clock.instant());
      return next.put("done", true);
    }
    List<Segment> all = new ArrayList<>(definitions.get().stream().filter(s -> !s.id().equals(id)).toList());
    // The index that lists segments may lag a save: the run's own definition is the one just read.
    all.add(segment);
    Map<String, AttributeValue> cursor = cursor(state.path("cursor"));
    long started = System.nanoTime();
    List<String> contacts = new ArrayList<>();
    do {
      Map<String, AttributeValue> from = cursor;
      ScanResponse scanned = ddb.scan(b -> b.tableName(contactsTable).exclusiveStartKey(from).limit(pageSize)
          .filterExpression("sk = :profile AND attribute_not_exists(mergedInto) AND attribute_not_exists(erasingAt)")
          .projectionExpression("#id").expressionAttributeNames(Map.of("#id", "id"))
          .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS("PROFILE"))));
      scanned.items().forEach(item -> contacts.add(item.get("id").s()));
      cursor = scanned.hasLastEvaluatedKey() && !scanned.lastEvaluatedKey().isEmpty() ? scanned.lastEvaluatedKey() : null;
    } while (cursor != null && contacts.size() < pageSize && System.nanoTime() - started < budget.toNanos());
    AtomicLong entered = new AtomicLong();
    AtomicLong exited = new AtomicLong();
    evaluate(all, id, version, contacts, entered, exited);
    runs.page(id, version, page, contacts.size(), entered.get(), exited.get());
    boolean done = cursor == null;
    if (done) {
      runs.finish(id, version, "finished", clock.instant());
    }
    LOG.info("page", Map.of("segment", id, "version", version, "page", page, "evaluated", contacts.size(),
        "entered", entered.get(), "exited", exited.get()));
    next.put("page", page + 1).put("done", done);
    if (cursor == null) {
      next.putNull("cursor");
    } else {
      ObjectNode c = next.putObject("cursor");
      cursor.forEach((k, v) -> c.put(k, v.s()));
    }
    return next;
  }

  private void evaluate(List<Segment> all, String id, int version, List<String> contacts, AtomicLong entered,
      AtomicLong exited) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, contacts.size())));
    try {
      List<Future<?>> work = new ArrayList<>();
      for (String contactId : contacts) {
        work.add(pool.submit(() -> segments.evaluate(all, id, contactId, cause(version)).forEach(change ->
            (change.entered() ? entered : exited).incrementAndGet())));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while evaluating a page", e);
    } catch (java.util.concurrent.ExecutionException e) {
      // The page fails whole and runs again: what it changed already is not changed twice.
      throw new IllegalStateException("a contact's evaluation failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The scan's key ({@code pk}, {@code sk}: strings) from the state, or null to start at the beginning. */
  private static Map<String, AttributeValue> cursor(JsonNode node) {
    if (node == null || !node.isObject() || node.isEmpty()) {
      return null;
    }
    Map<String, AttributeValue> key = new HashMap<>();
    node.fields().forEachRemaining(e -> key.put(e.getKey(), AttributeValue.fromS(e.getValue().asText())));
    return key;
  }
}
