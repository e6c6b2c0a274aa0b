package dev.nudge.audiences;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The re-evaluation run of a segment's latest definition, one item per segment in the workflows
 * table ({@code id = segment:<id>}, {@code sk = EVALUATION}; no {@code kind}, so the byKind index
 * never lists it): the definition version evaluated, its state ({@code running}, {@code finished},
 * {@code superseded}, or {@code failed} when a page kept failing past the state machine's retries),
 * the attempt (a failed run is started again by saving it again), the pages done, the contacts evaluated, entered and exited, and when it
 * started and finished. A page records its counts only if the run is still at that page and
 * version, so a page that runs twice counts once and a superseded run counts nothing.
 */
public final class SegmentEvaluations {
  static final String SK = "EVALUATION";

  public record Evaluation(String segment, int version, String state, long pages, long contactsEvaluated, long entered,
      long exited, Instant startedAt, Instant finishedAt, int attempt) {}

  private final DynamoDbClient ddb;
  private final String table;

  public SegmentEvaluations(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** Starts the run of {@code version}, replacing an older version's; false if this or a newer one exists. */
  public boolean start(String segment, int version, Instant now) {
    try {
      ddb.putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS(SegmentStore.PREFIX + segment),
              "sk", AttributeValue.fromS(SK), "version", AttributeValue.fromN(Integer.toString(version)),
              "state", AttributeValue.fromS("running"), "pages", AttributeValue.fromN("0"),
              "evaluated", AttributeValue.fromN("0"), "entered", AttributeValue.fromN("0"),
              "exited", AttributeValue.fromN("0"), "startedAt", AttributeValue.fromS(Times.format(now))))
          .conditionExpression("attribute_not_exists(version) OR version < :v")
          .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Integer.toString(version)))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Records page {@code page}'s counts; false if the run moved on (a repeated page) or was superseded. */
  public boolean page(String segment, int version, int page, long evaluated, long entered, long exited) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":v", AttributeValue.fromN(Integer.toString(version)));
    values.put(":page", AttributeValue.fromN(Integer.toString(page)));
    values.put(":one", AttributeValue.fromN("1"));
    values.put(":evaluated", AttributeValue.fromN(Long.toString(evaluated)));
    values.put(":entered", AttributeValue.fromN(Long.toString(entered)));
    values.put(":exited", AttributeValue.fromN(Long.toString(exited)));
    values.put(":running", AttributeValue.fromS("running"));
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(segment))
          .updateExpression("ADD pages :one, evaluated :evaluated, entered :entered, exited :exited")
          .conditionExpression("version = :v AND pages = :page AND #state = :running")
          .expressionAttributeNames(Map.of("#state", "state"))
          .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Starts a failed run of {@code version} again from the beginning (counts reset, {@code attempt}
   * incremented); the new attempt's number, or empty if the run is not failed (running, finished,
   * or replaced).
   */
  public Optional<Integer> restart(String segment, int version, Instant now) {
    try {
      var updated = ddb.updateItem(b -> b.tableName(table).key(key(segment))
          .updateExpression("SET #state = :running, pages = :zero, evaluated = :zero, entered = :zero, exited = :zero, "
              + "startedAt = :now, attempt = if_not_exists(attempt, :zero) + :one REMOVE finishedAt")
          .conditionExpression("version = :v AND #state = :failed")
          .expressionAttributeNames(Map.of("#state", "state"))
          .expressionAttributeValues(Map.of(":running", AttributeValue.fromS("running"), ":failed",
              AttributeValue.fromS("failed"), ":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1"),
              ":now", AttributeValue.fromS(Times.format(now)), ":v", AttributeValue.fromN(Integer.toString(version))))
          .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.UPDATED_NEW));
      return Optional.of(Integer.parseInt(updated.attributes().get("attempt").n()));
    } catch (ConditionalCheckFailedException e) {
      return Optional.empty();
    }
  }

  /** Ends the run of {@code version} with {@code state}, unless a newer run replaced it. */
  public void finish(String segment, int version, String state, Instant now) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(segment))
          .updateExpression("SET #state = :state, finishedAt = :now")
          .conditionExpression("version = :v AND #state = :running")
          .expressionAttributeNames(Map.of("#state", "state"))
          .expressionAttributeValues(Map.of(":state", AttributeValue.fromS(state), ":now",
              AttributeValue.fromS(Times.format(now)), ":v", AttributeValue.fromN(Integer.toString(version)),
              ":running", AttributeValue.fromS("running"))));
    } catch (ConditionalCheckFailedException e) {
      // Finished already (a repeated last page), or replaced by a newer version's run.
    }
  }

  public Optional<Evaluation> find(String segment) {
    var item = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(segment))).item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Evaluation(segment, Integer.parseInt(item.get("version").n()), item.get("state").s(),
        number(item, "pages"), number(item, "evaluated"), number(item, "entered"), number(item, "exited"),
        Times.parse(item.get("startedAt").s()), item.containsKey("finishedAt") ? Times.parse(item.get("finishedAt").s()) : null,
        (int) number(item, "attempt")));
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    return item.containsKey(name) ? Long.parseLong(item.get(name).n()) : 0;
  }

  private static Map<String, AttributeValue> key(String segment) {
    return Map.of("id", AttributeValue.fromS(SegmentStore.PREFIX + segment), "sk", AttributeValue.fromS(SK));
  }
}
