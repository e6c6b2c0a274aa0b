package dev.nudge.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Per-workflow, per-version, per-step counters in the statistics table, counted exactly once.
 *
 * <p>Each count is one transaction of two writes: a put of a marker keyed by what is counted (the
 * execution and state of a step entry, the message and kind of a feedback event), conditional on
 * the marker not existing, and an ADD on the counter. A retried Task or a redelivered event finds
 * its marker and the whole transaction is refused, so it counts nothing; a crash between the two
 * cannot happen. Cost: 4 WCU per count (transactions write each item twice); see docs/data-model.md.
 *
 * <p>A broadcast to many contacts would make one counter item hot, so each counter is split into
 * {@link #SHARDS} items (the shard is picked from the marker key) and summed when read.
 *
 * <p>Items: counter pk {@code W#<workflow>}, sk {@code C#<version>#<step>#<counter>#<shard>} with
 * {@code n}, {@code firstAt}, {@code lastAt}; marker pk {@code D#<key>}, sk {@code D}, expiring
 * (TTL) after {@link #MARKER_TTL}, longer than any redelivery or Task retry.
 */
public final class StepStats {
  public static final int SHARDS = 8;
  static final Duration MARKER_TTL = Duration.ofDays(35);
  /** The step of journey-level counters (started, converted, exited, completed). */
  public static final String JOURNEY = "_journey";

  private final DynamoDbClient ddb;
  private final String table;

  public StepStats(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /**
   * Counts {@code counter} once for {@code dedupeKey}. Returns false when it was counted before.
   *
   * @param version the published version, or "?" when the caller does not know it
   */
  public boolean count(String workflow, String version, String step, String counter, String dedupeKey, Instant at) {
    int shard = Math.floorMod(dedupeKey.hashCode(), SHARDS);
    String time = at.toString();
    TransactWriteItem marker = TransactWriteItem.builder().put(p -> p.tableName(table)
        .item(Map.of("pk", AttributeValue.fromS("D#" + counter + "#" + dedupeKey), "sk", AttributeValue.fromS("D"),
            "expiresAt", AttributeValue.fromN(Long.toString(at.plus(MARKER_TTL).getEpochSecond()))))
        .conditionExpression("attribute_not_exists(pk)")).build();
    TransactWriteItem add = TransactWriteItem.builder().update(u -> u.tableName(table)
        .key(Map.of("pk", AttributeValue.fromS("W#" + workflow),
            "sk", AttributeValue.fromS("C#" + version + "#" + step + "#" + counter + "#" + shard)))
        .updateExpression("ADD n :one SET firstAt = if_not_exists(firstAt, :t), lastAt = :t")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":t", AttributeValue.fromS(time)))).build();
    try {
      ddb.transactWriteItems(t -> t.transactItems(marker, add));
      return true;
    } catch (TransactionCanceledException e) {
      if (e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The dedupe key of a journey's {@code started} count: the execution name, which is a hash of
   * workflow, contact and trigger, so no statistics row carries a contact id (erasure need not
   * find them).
   */
  public static String journeyStartKey(String workflow, String contactId, String triggerId) {
    return dev.nudge.journeys.ExecutionNames.of(workflow, contactId, triggerId);
  }

  /**
   * Erasure: deletes the {@code started} marker an older router wrote under the contact's id in
   * clear ({@code <workflow>/<contact>/<trigger>}; markers expire after {@link #MARKER_TTL}, and
   * current ones are keyed by {@link #journeyStartKey}). The counters keep their totals: they name
   * no one. Deleting a marker that is not there costs one write and is not an error.
   */
  public void forgetJourneyStart(String workflow, String contactId, String triggerId) {
    ddb.deleteItem(b -> b.tableName(table).key(Map.of(
        "pk", AttributeValue.fromS("D#started#" + workflow + "/" + contactId + "/" + triggerId),
        "sk", AttributeValue.fromS("D"))));
  }

  /** One counter of one step, summed over its shards. */
  public record Counter(long count, Instant firstAt, Instant lastAt) {
    Counter plus(long n, Instant first, Instant last) {
      return new Counter(count + n, firstAt == null || first.isBefore(firstAt) ? first : firstAt,
          lastAt == null || last.isAfter(lastAt) ? last : lastAt);
    }
  }

  /** version → step → counter → totals, in key order. */
  public Map<String, Map<String, Map<String, Counter>>> read(String workflow) {
    Map<String, Map<String, Map<String, Counter>>> result = new TreeMap<>();
    QueryRequest query = QueryRequest.builder().tableName(table)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :c)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("W#" + workflow), ":c", AttributeValue.fromS("C#")))
        .build();
    ddb.queryPaginator(query).items().forEach(item -> {
      List<String> parts = List.of(item.get("sk").s().split("#"));
      // C # version # step # counter # shard: step ids and counters never contain '#'.
      String version = parts.get(1);
      String step = parts.get(2);
      String counter = parts.get(3);
      long n = Long.parseLong(item.get("n").n());
      Instant first = Instant.parse(item.get("firstAt").s());
      Instant last = Instant.parse(item.get("lastAt").s());
      result.computeIfAbsent(version, v -> new TreeMap<>()).computeIfAbsent(step, s -> new LinkedHashMap<>())
          .merge(counter, new Counter(n, first, last), (a, b) -> a.plus(b.count(), b.firstAt(), b.lastAt()));
    });
    return result;
  }

}
