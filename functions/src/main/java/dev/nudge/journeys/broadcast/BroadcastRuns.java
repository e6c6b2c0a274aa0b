package dev.nudge.journeys.broadcast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Broadcast runs in the workflows table: the run ({@code id = broadcast:<workflow>}, {@code sk = <run>},
 * with its audience: {@code segment} or {@code list}, and {@code where} as JSON text) and one item per page done ({@code sk = <run>#page#<nnnnnn>}) holding that page's counts. A page
 * retried after a crash overwrites its own item, so the totals (the sum of the pages) count each
 * contact once however often a page ran.
 */
public final class BroadcastRuns {
  static final String PREFIX = "broadcast:";

  /** {@code segment} or {@code list} (the other null), {@code where} the filter (null when none). */
  public record Run(String workflow, String run, String segment, String list, JsonNode where, String status,
      Instant startedAt, Instant finishedAt, long pages, long reached, long skipped, Map<String, Long> skippedBy) {}

  private final DynamoDbClient ddb;
  private final String table;

  public BroadcastRuns(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** A run to a segment; false if a run of that id exists (a repeated request). */
  public boolean create(String workflow, String run, String segment, Instant now) {
    return create(workflow, run, BroadcastAudience.segment(segment), now);
  }

  /** False if a run of that id exists (a repeated request): the first request's audience stays. */
  public boolean create(String workflow, String run, BroadcastAudience audience, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", AttributeValue.fromS(PREFIX + workflow));
    item.put("sk", AttributeValue.fromS(run));
    if (audience.segment() != null) {
      item.put("segment", AttributeValue.fromS(audience.segment()));
    } else {
      item.put("list", AttributeValue.fromS(audience.list()));
    }
    if (audience.where() != null) {
      item.put("where", AttributeValue.fromS(Json.write(audience.where())));
    }
    item.put("status", AttributeValue.fromS("running"));
    item.put("startedAt", AttributeValue.fromS(Times.format(now)));
    try {
      ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(sk)"));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  public void page(String workflow, String run, int page, long reached, Map<String, Long> skipped) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", AttributeValue.fromS(PREFIX + workflow));
    item.put("sk", AttributeValue.fromS(run + "#page#" + String.format(java.util.Locale.ROOT, "%06d", page)));
    item.put("reached", AttributeValue.fromN(Long.toString(reached)));
    Map<String, AttributeValue> by = new HashMap<>();
    skipped.forEach((k, v) -> by.put(k, AttributeValue.fromN(Long.toString(v))));
    item.put("skipped", AttributeValue.fromM(by));
    ddb.putItem(b -> b.tableName(table).item(item));
  }

  public void finish(String workflow, String run, String status, Instant now) {
    ddb.updateItem(b -> b.tableName(table).key(key(workflow, run))
        .updateExpression("SET #status = :s, finishedAt = :now")
        .expressionAttributeNames(Map.of("#status", "status"))
        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status), ":now", AttributeValue.fromS(Times.format(now)))));
  }

  /** The run with its totals (one query: the run and its pages). */
  public Optional<Run> find(String workflow, String run) {
    Map<String, AttributeValue> head = null;
    long pages = 0;
    long reached = 0;
    Map<String, Long> skippedBy = new java.util.TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = ddb.query(b -> b.tableName(table).consistentRead(true)
          .keyConditionExpression("id = :id AND begins_with(sk, :run)")
          .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(PREFIX + workflow), ":run", AttributeValue.fromS(run)))
          .exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        String sk = item.get("sk").s();
        if (sk.equals(run)) {
          head = item;
        } else if (sk.startsWith(run + "#page#")) {
          pages++;
          reached += Long.parseLong(item.get("reached").n());
          item.get("skipped").m().forEach((k, v) -> skippedBy.merge(k, Long.parseLong(v.n()), Long::sum));
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    if (head == null) {
      return Optional.empty();
    }
    long skipped = skippedBy.values().stream().mapToLong(Long::longValue).sum();
    Map<String, AttributeValue> h = head;
    return Optional.of(new Run(workflow, run, text(h, "segment"), text(h, "list"),
        h.containsKey("where") ? readTree(h.get("where").s()) : null, h.get("status").s(),
        Times.parse(h.get("startedAt").s()), h.containsKey("finishedAt") ? Times.parse(h.get("finishedAt").s()) : null,
        pages, reached, skipped, skippedBy));
  }

  private static JsonNode readTree(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a stored broadcast filter that is not JSON", e);
    }
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    return item.containsKey(name) ? item.get(name).s() : null;
  }

  private static Map<String, AttributeValue> key(String workflow, String run) {
    return Map.of("id", AttributeValue.fromS(PREFIX + workflow), "sk", AttributeValue.fromS(run));
  }
}
