package dev.nudge.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Times;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Day buckets of a contact's events, so that "10 orders within 180 days" or "spent over 500 in a
 * year" reads one small item per day instead of the contact's events (issue 11). Per contact, per
 * event type, per UTC day, one item in the contacts table, in a partition of its own
 * ({@code pk = W#<contactId>}, {@code sk = <type>#<yyyy-MM-dd>}, so reading a profile never reads
 * them): {@code count}, the sums of the event's top-level numeric properties ({@code s.<name>}),
 * {@code firstAt}/{@code lastAt} (by occurred-at), {@code seq} (the padded stream sequence number
 * applied last: exactly once per event) and {@code expiresAt} (the table's TTL: the day's end plus
 * the event retention, so a bucket outlives every event it counts and then cleans itself).
 *
 * <p>Written by the events-stream consumer for every new event; read by event conditions whose
 * window is whole days (see {@link #firstDay}). Costs are in docs/data-model.md.
 */
public final class WindowCounters {
  static final String PARTITION_PREFIX = "W#";
  static final String SUM_PREFIX = "s.";
  /** Numeric properties summed per event at most: keeps a bucket near 300 bytes (1 WCU). */
  static final int MAX_SUMS = 20;
  private static final String LAST_DAY = "9999-12-31";

  public enum Result { COUNTED, DUPLICATE, NOT_COUNTED }

  /**
   * One day of one event type: how many events, the sums of their numeric top-level properties,
   * and {@code sumsCut}: an event of that day had more than {@link #MAX_SUMS} of them, so a
   * property missing from {@code sums} may have been left out rather than absent.
   */
  public record Day(LocalDate day, long count, Map<String, BigDecimal> sums, boolean sumsCut, Instant firstAt,
      Instant lastAt) {
    public Day {
      sums = Map.copyOf(sums);
    }
  }

  /**
   * What reads a contact's buckets: the days of a type from a day on (null: every day kept),
   * oldest first, and from when the buckets hold every stored event ({@link #since}).
   */
  public interface Reader {
    List<Day> days(String type, LocalDate first);

    Optional<Instant> since();
  }

  /**
   * The deployment's first bucket write (pk {@code W#}, sk {@code SINCE}; no contact id is empty).
   * Events stored before it (an upgrade from a version without buckets) have none, and a window
   * reaching back before it reads the timeline instead (see {@link #since}).
   */
  static final Map<String, AttributeValue> SINCE_KEY = Map.of("pk", AttributeValue.fromS(PARTITION_PREFIX),
      "sk", AttributeValue.fromS("SINCE"));
  /**
   * Events stored a little after the first bucket write may still have been taken by a consumer of
   * the previous version (a deployment switches over while batches run): at most a Lambda's
   * 15 minutes, so the buckets are trusted from then on.
   */
  static final Duration SWITCH_OVER = Duration.ofMinutes(15);

  private final DynamoDbClient ddb;
  private final String table;
  private final Duration retention;
  private final Clock clock;
  private volatile boolean marked;
  private volatile Instant since;

  /** {@code retention}: the event retention (EVENT_RETENTION_DAYS); buckets expire a day after their last event could. */
  public WindowCounters(DynamoDbClient ddb, String table, Duration retention, Clock clock) {
    this.ddb = ddb;
    this.table = table;
    this.retention = retention;
    this.clock = clock;
  }

  public static String partition(String contactId) {
    return PARTITION_PREFIX + contactId;
  }

  /**
   * Counts one event of the events stream ({@code id}, {@code type}, {@code contactId},
   * {@code occurredAt}, {@code properties}) in its day's bucket, exactly once: the update is
   * conditioned on the bucket's {@code seq} being older than this record's, and a contact's records
   * come in stream order, so a redelivered record is refused.
   */
  public Result record(JsonNode event, String sequence) {
    String contactId = event.path("contactId").asText();
    String type = event.path("type").asText();
    Instant at = event.hasNonNull("occurredAt") ? Times.parse(event.get("occurredAt").asText()) : null;
    if (contactId.isEmpty() || type.isEmpty() || at == null) {
      // Every stored event has them; failing would hold the contact's stream back for nothing.
      return Result.NOT_COUNTED;
    }
    String seq = EventCounters.padded(sequence);
    markSince();
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    long expires = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(retention).getEpochSecond();
    Map<String, String> names = new HashMap<>(Map.of("#c", "count"));
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":one", AttributeValue.fromN("1"));
    values.put(":seq", AttributeValue.fromS(seq));
    values.put(":exp", AttributeValue.fromN(Long.toString(expires)));
    values.put(":at", AttributeValue.fromS(Times.format(at)));
    StringBuilder set = new StringBuilder("SET seq = :seq, expiresAt = :exp, firstAt = if_not_exists(firstAt, :at), lastAt = :at");
    StringBuilder add = new StringBuilder(" ADD #c :one");
    int n = 0;
    boolean cut = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = event.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      if (!property.getValue().isNumber()) {
        continue;
      }
      if (n == MAX_SUMS) {
        cut = true;
        break;
      }
      names.put("#s" + n, SUM_PREFIX + property.getKey());
      values.put(":s" + n, AttributeValue.fromN(property.getValue().decimalValue().toPlainString()));
      add.append(", #s").append(n).append(" :s").append(n);
      n++;
    }
    if (cut) {
      set.append(", sumsCut = :cut");
      values.put(":cut", AttributeValue.fromBool(true));
    }
    Map<String, AttributeValue> key = key(contactId, type, day);
    Map<String, AttributeValue> old;
    try {
      old = count(key, set.toString() + add, names, values);
    } catch (ConditionalCheckFailedException applied) {
      return Result.DUPLICATE;
    } catch (DynamoDbException e) {
      if (n == 0 || !"ValidationException".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
        throw e;
      }
      // A sum past what a DynamoDB number holds (38 digits): counted without sums, the day marked
      // so a sum over it reads the timeline, rather than a record failing on every retry.
      Map<String, String> countNames = Map.of("#c", "count");
      Map<String, AttributeValue> countValues = new HashMap<>(values);
      countValues.keySet().removeIf(name -> name.matches(":s\\d+"));
      countValues.put(":cut", AttributeValue.fromBool(true));
      try {
        old = count(key, "SET seq = :seq, expiresAt = :exp, firstAt = if_not_exists(firstAt, :at), lastAt = :at, "
            + "sumsCut = :cut ADD #c :one", countNames, countValues);
      } catch (ConditionalCheckFailedException applied) {
        return Result.DUPLICATE;
      }
    }
    // In stream order lastAt = :at is right; an event older than the day's last one (a backfill, or
    // clocks apart) takes a second write putting back the day's earliest and latest instants.
    // (A stop between the two writes leaves them a little off: they are informational, the window
    // is by day.)
    if (old != null && old.containsKey("lastAt")) {
      String first = old.get("firstAt").s();
      String last = old.get("lastAt").s();
      String now = Times.format(at);
      if (last.compareTo(now) > 0 || first.compareTo(now) > 0) {
        String firstAt = first.compareTo(now) < 0 ? first : now;
        String lastAt = last.compareTo(now) > 0 ? last : now;
        ddb.updateItem(b -> b.tableName(table).key(key)
            .updateExpression("SET firstAt = :f, lastAt = :l").conditionExpression("seq = :seq")
            .expressionAttributeValues(Map.of(":f", AttributeValue.fromS(firstAt), ":l", AttributeValue.fromS(lastAt),
                ":seq", AttributeValue.fromS(seq))));
      }
    }
    return Result.COUNTED;
  }

  private Map<String, AttributeValue> count(Map<String, AttributeValue> key, String update, Map<String, String> names,
      Map<String, AttributeValue> values) {
    return ddb.updateItem(b -> b.tableName(table).key(key).returnValues(ReturnValue.ALL_OLD)
        .updateExpression(update)
        .conditionExpression("attribute_not_exists(seq) OR seq < :seq")
        .expressionAttributeNames(names).expressionAttributeValues(values)).attributes();
  }

  /**
   * Records the deployment's first bucket write time: once per instance (a container), an update
   * that keeps the first value written ({@code if_not_exists}; an update, which the consumer may
   * do already, rather than a put), 1 WCU per cold start.
   */
  private void markSince() {
    if (marked) {
      return;
    }
    ddb.updateItem(b -> b.tableName(table).key(SINCE_KEY).updateExpression("SET since = if_not_exists(since, :now)")
        .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(Times.format(clock.instant())))));
    marked = true;
  }

  /**
   * From when every stored event is counted in the buckets: the first bucket write plus
   * {@link #SWITCH_OVER}. Empty while nothing was ever counted. Read once per instance, then kept
   * (it never changes).
   */
  public Optional<Instant> since() {
    if (since == null) {
      Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(SINCE_KEY).consistentRead(true)).item();
      if (item == null || !item.containsKey("since")) {
        return Optional.empty();
      }
      since = Times.parse(item.get("since").s()).plus(SWITCH_OVER);
    }
    return Optional.of(since);
  }

  /** The buckets of the contact's ids (the contact, then the anonymous ids merged into it). */
  public Reader reader(List<String> contactIds) {
    List<String> ids = List.copyOf(contactIds);
    return new Reader() {
      @Override
      public List<Day> days(String type, LocalDate first) {
        return WindowCounters.this.days(ids, type, first);
      }

      @Override
      public Optional<Instant> since() {
        return WindowCounters.this.since();
      }
    };
  }

  /**
   * As {@link #reader(List)}, also counting {@code trigger} (a journey's triggering event, as
   * {@link ContactRepository.Including} holds it: its source contact id, type and stream position;
   * {@code properties}: its properties, for the sums) where its day's bucket of its contact id has
   * not applied it yet: a branch that runs before the contact-state consumer has counted the
   * trigger still sees it. Nothing is written; whether the bucket applied it is read once.
   */
  public Reader reader(List<String> contactIds, ContactRepository.Including trigger, JsonNode properties) {
    if (trigger == null || trigger.pending().isEmpty()) {
      return reader(contactIds);
    }
    List<String> ids = List.copyOf(contactIds);
    String source = trigger.sourceId();
    String type = trigger.type();
    String seq = trigger.pending().lastKey();
    Instant at = trigger.pending().lastEntry().getValue();
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    return new Reader() {
      private Boolean applied;

      @Override
      public List<Day> days(String wanted, LocalDate first) {
        List<Day> stored = WindowCounters.this.days(ids, wanted, first);
        if (!wanted.equals(type) || first != null && day.isBefore(first)) {
          return stored;
        }
        if (applied == null) {
          applied = applied(source, type, day, seq);
        }
        if (applied) {
          return stored;
        }
        Map<String, BigDecimal> sums = new HashMap<>();
        properties.fields().forEachRemaining(p -> {
          if (p.getValue().isNumber() && sums.size() < MAX_SUMS) {
            sums.put(p.getKey(), p.getValue().decimalValue());
          }
        });
        TreeMap<LocalDate, Day> days = new TreeMap<>();
        stored.forEach(d -> days.put(d.day(), d));
        days.merge(day, new Day(day, 1, sums, false, at, at), WindowCounters::plus);
        return List.copyOf(days.values());
      }

      @Override
      public Optional<Instant> since() {
        return WindowCounters.this.since();
      }
    };
  }

  /** Whether the bucket of the contact id's {@code type} on {@code day} has applied the record at {@code seq}. */
  private boolean applied(String contactId, String type, LocalDate day, String seq) {
    Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(key(contactId, type, day))
        .consistentRead(true).projectionExpression("seq")).item();
    return item != null && item.containsKey("seq") && item.get("seq").s().compareTo(seq) >= 0;
  }

  /**
   * The buckets of {@code type} from {@code first} on (null: all of them, as far back as the
   * retention keeps), across the given ids (a contact and the anonymous ids merged into it, whose
   * buckets stay under their own id like their events), added up per day, oldest first. One
   * strongly consistent Query per id: the stream consumer evaluates right after counting.
   */
  public List<Day> days(List<String> contactIds, String type, LocalDate first) {
    TreeMap<LocalDate, Day> days = new TreeMap<>();
    String from = type + "#" + (first == null ? "0000-00-00" : first.toString());
    String to = type + "#" + LAST_DAY;
    for (String id : contactIds) {
      QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
          .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition(id)),
              ":from", AttributeValue.fromS(from), ":to", AttributeValue.fromS(to)))
          .build();
      ddb.queryPaginator(request).items().forEach(item -> {
        Day day = day(item);
        days.merge(day.day(), day, WindowCounters::plus);
      });
    }
    return List.copyOf(days.values());
  }

  /** Deletes the buckets of each id (erasure); returns how many. */
  public int erase(List<String> contactIds) {
    int deleted = 0;
    for (String id : contactIds) {
      List<WriteRequest> deletes = new ArrayList<>();
      ddb.queryPaginator(b -> b.tableName(table).consistentRead(true).projectionExpression("pk, sk")
              .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition(id)))))
          .items().forEach(k -> deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(k)).build()));
      BatchWriter.write(ddb, table, deletes);
      deleted += deletes.size();
    }
    return deleted;
  }

  /**
   * A window of whole days ({@code P90D}, or {@code PT48H} which is the same duration) covers the
   * current UTC day and the days before it, {@code n} days in all: {@code within: P90D} at
   * 2026-04-10T15:00Z counts the events of 2026-01-11 to 2026-04-10 (UTC). This returns its first
   * day; empty for a window that is not whole days (it stays a rolling {@code now - within}).
   */
  public static Optional<LocalDate> firstDay(Duration within, Instant now) {
    if (!wholeDays(within)) {
      return Optional.empty();
    }
    return Optional.of(LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(within.toDays() - 1));
  }

  public static boolean wholeDays(Duration within) {
    return within != null && within.compareTo(Duration.ofDays(1)) >= 0 && within.toSeconds() % 86_400 == 0
        && within.toNanosPart() == 0;
  }

  /** When a day leaves a window of {@code within} whole days: the start (UTC) of the day {@code within} after it. */
  public static Instant leaves(LocalDate day, Duration within) {
    return day.plusDays(within.toDays()).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The property a sum path names, when buckets keep its sums: {@code properties.total} → total. */
  public static Optional<String> summed(String path) {
    if (path == null || !path.startsWith("properties.")) {
      return Optional.empty();
    }
    String name = path.substring("properties.".length());
    return name.isEmpty() || name.contains(".") || name.contains("[") ? Optional.empty() : Optional.of(name);
  }

  private static Day day(Map<String, AttributeValue> item) {
    String sk = item.get("sk").s();
    LocalDate day = LocalDate.parse(sk.substring(sk.length() - 10));
    Map<String, BigDecimal> sums = new HashMap<>();
    item.forEach((name, value) -> {
      if (name.startsWith(SUM_PREFIX) && value.n() != null) {
        sums.put(name.substring(SUM_PREFIX.length()), new BigDecimal(value.n()));
      }
    });
    AttributeValue cut = item.get("sumsCut");
    return new Day(day, Long.parseLong(item.get("count").n()), sums, cut != null && Boolean.TRUE.equals(cut.bool()),
        instant(item, "firstAt"), instant(item, "lastAt"));
  }

  private static Day plus(Day a, Day b) {
    Map<String, BigDecimal> sums = new HashMap<>(a.sums());
    b.sums().forEach((name, value) -> sums.merge(name, value, BigDecimal::add));
    return new Day(a.day(), a.count() + b.count(), sums, a.sumsCut() || b.sumsCut(), min(a.firstAt(), b.firstAt()),
        max(a.lastAt(), b.lastAt()));
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    return item.containsKey(name) ? Times.parse(item.get(name).s()) : null;
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static Map<String, AttributeValue> key(String contactId, String type, LocalDate day) {
    return Map.of("pk", AttributeValue.fromS(partition(contactId)), "sk", AttributeValue.fromS(type + "#" + day));
  }
}
