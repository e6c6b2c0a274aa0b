package dev.nudge.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
 * <p>Each count is one transaction: a put of a marker keyed by what is counted (the
 * execution and state of a step entry, the message and kind of a feedback event), conditional on
 * the marker not existing, and ADDs on the counters. A retried Task or a redelivered event finds
 * its marker and the whole transaction is refused, so it counts nothing; a crash between the two
 * cannot happen. Transactions bill each item twice; see docs/data-model.md for the cost.
 *
 * <p>A broadcast to many contacts would make one counter item hot, so each counter is split into
 * {@link #SHARDS} items (the shard is picked from the marker key) and summed when read.
 *
 * <p>Each count also adds to the same counter of its UTC day (pk {@code W#<workflow>#<day>}), in
 * the same transaction, so a time range is read from the days it spans: the all-time items answer
 * the common question in one Query, the day items answer "last week" without a scan. That is one
 * more item per count (6 WCU instead of 4).
 *
 * <p>Items: counter pk {@code W#<workflow>} (all time) and {@code W#<workflow>#<yyyy-mm-dd>} (one
 * day), sk {@code C#<version>#<step>#<counter>#<shard>} with {@code n}, {@code firstAt},
 * {@code lastAt}; marker pk {@code D#<key>}, sk {@code D}, expiring (TTL) after
 * {@link #MARKER_TTL}, longer than any redelivery or Task retry.
 */
public final class StepStats {
  public static final int SHARDS = 8;
  static final Duration MARKER_TTL = Duration.ofDays(35);
  /** The step of journey-level counters (started, converted, exited, completed). */
  public static final String JOURNEY = "_journey";
  /** The longest range one stats read may span: one Query per day. */
  public static final int MAX_RANGE_DAYS = 366;

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
    String sk = "C#" + version + "#" + step + "#" + counter + "#" + shard;
    TransactWriteItem allTime = add("W#" + workflow, sk, time);
    TransactWriteItem day = add(dayKey(workflow, LocalDate.ofInstant(at, ZoneOffset.UTC)), sk, time);
    try {
      ddb.transactWriteItems(t -> t.transactItems(marker, allTime, day));
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

  private TransactWriteItem add(String pk, String sk, String time) {
    return TransactWriteItem.builder().update(u -> u.tableName(table)
        .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
        .updateExpression("ADD n :one SET firstAt = if_not_exists(firstAt, :t), lastAt = :t")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":t", AttributeValue.fromS(time)))).build();
  }

  private static String dayKey(String workflow, LocalDate day) {
    return "W#" + workflow + "#" + day;
  }

  /** One counter of one step, summed over its shards. */
  public record Counter(long count, Instant firstAt, Instant lastAt) {
    Counter plus(long n, Instant first, Instant last) {
      return new Counter(count + n, firstAt == null || first.isBefore(firstAt) ? first : firstAt,
          lastAt == null || last.isAfter(lastAt) ? last : lastAt);
    }
  }

  /** version → step → counter → totals since the first count, in key order. */
  public Map<String, Map<String, Map<String, Counter>>> read(String workflow) {
    Map<String, Map<String, Map<String, Counter>>> result = new TreeMap<>();
    readInto(result, "W#" + workflow);
    return result;
  }

  /**
   * The same, counting only what happened on the UTC days {@code from} to {@code to}, both
   * included: one Query per day. A count belongs to the day it happened (an open on Tuesday of a
   * message sent on Monday counts on Tuesday), so rates over a short range can exceed what one
   * day's sends explain.
   */
  public Map<String, Map<String, Map<String, Counter>>> read(String workflow, LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("to is before from");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
      throw new IllegalArgumentException("the range spans more than " + MAX_RANGE_DAYS + " days");
    }
    Map<String, Map<String, Map<String, Counter>>> result = new TreeMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      readInto(result, dayKey(workflow, day));
    }
    return result;
  }

  private void readInto(Map<String, Map<String, Map<String, Counter>>> result, String pk) {
    QueryRequest query = QueryRequest.builder().tableName(table)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :c)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":c", AttributeValue.fromS("C#")))
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
  }

}
