package dev.nudge.journeys;

import static dev.nudge.platform.Items.text;
import static dev.nudge.platform.Items.instant;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Journey records in the journeys table, partitioned by contact: pk {@code C#<contact>}, sk
 * {@code J#<workflow>#<execution ARN>}, with {@code status} {@code active} or the outcome
 * ({@code completed}, {@code exited}, {@code converted}, {@code failed}). The layout is shared with
 * the step actions (workflows branch, {@code JourneyStore}), which also write these items: the
 * {@code Enter} state records the start and {@code Complete}/{@code RecordFailure} the end.
 *
 * <p>The router adds {@code triggerId}, {@code convertedAt} and {@code activeWorkflow}: the key of
 * the sparse index {@code activeByWorkflow}, set while the journey is active, through which
 * archiving a workflow finds the journeys it must stop.
 */
public final class JourneyRecords {
  public static final String ACTIVE_INDEX = "activeByWorkflow";
  static final String JOURNEY_PREFIX = "J#";
  private static final String ACTIVE = "active";

  private final DynamoDbClient ddb;
  private final String table;

  public JourneyRecords(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  static String contactKey(String contactId) {
    return "C#" + contactId;
  }

  static Map<String, AttributeValue> key(String contactId, String workflowId, String executionArn) {
    return Map.of("pk", AttributeValue.fromS(contactKey(contactId)),
        "sk", AttributeValue.fromS(JOURNEY_PREFIX + workflowId + "#" + executionArn));
  }

  /**
   * Records a started journey. The Enter state may have recorded it first (it runs as soon as the
   * execution starts), so this merges: what Enter wrote stays, the router's own fields are added.
   *
   * @return false if the router had recorded this start already (a replayed start), or the
   *     journey already ended
   */
  public boolean started(JourneyRecord journey) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":c", AttributeValue.fromS(journey.contactId()));
    values.put(":w", AttributeValue.fromS(journey.workflowId()));
    values.put(":e", AttributeValue.fromS(journey.executionArn()));
    values.put(":v", AttributeValue.fromS(journey.version()));
    values.put(":active", AttributeValue.fromS(ACTIVE));
    values.put(":at", AttributeValue.fromS(Times.format(journey.startedAt())));
    values.put(":t", AttributeValue.fromS(journey.triggerId()));
    try {
      var old = ddb.updateItem(b -> b.tableName(table)
          .key(key(journey.contactId(), journey.workflowId(), journey.executionArn()))
          .updateExpression("SET contactId = :c, workflowId = :w, executionId = :e, version = if_not_exists(version, :v), "
              + "#st = if_not_exists(#st, :active), startedAt = if_not_exists(startedAt, :at), triggerId = :t, "
              + "activeWorkflow = :w")
          .conditionExpression("attribute_not_exists(pk) OR #st = :active")
          .expressionAttributeNames(Map.of("#st", "status"))
          .expressionAttributeValues(values)
          .returnValues(ReturnValue.ALL_OLD)).attributes();
      return old == null || !old.containsKey("triggerId");
    } catch (ConditionalCheckFailedException ended) {
      return false;
    }
  }

  /** Notes the step the journey is at. Ignored once the journey ended. */
  public void atStep(String contactId, String workflowId, String executionArn, String step) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(contactId, workflowId, executionArn))
          .updateExpression("SET currentStep = :s")
          .conditionExpression("#st = :active")
          .expressionAttributeNames(Map.of("#st", "status"))
          .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(step), ":active", AttributeValue.fromS(ACTIVE))));
    } catch (ConditionalCheckFailedException ended) {
      // A journey stopped by its goal may still run a step already under way.
    }
  }

  /**
   * Ends an active journey with {@code outcome}; {@code convertedAt} only for a conversion,
   * {@code error} only for a failure. Only the first end counts: false if it had ended already.
   */
  public boolean ended(String contactId, String workflowId, String executionArn, JourneyRecord.Outcome outcome,
      Instant at, Instant convertedAt, String error) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":active", AttributeValue.fromS(ACTIVE));
    values.put(":at", AttributeValue.fromS(Times.format(at)));
    values.put(":o", AttributeValue.fromS(outcome.wireName()));
    StringBuilder set = new StringBuilder("SET #st = :o, endedAt = :at");
    if (convertedAt != null) {
      set.append(", convertedAt = :c");
      values.put(":c", AttributeValue.fromS(Times.format(convertedAt)));
    }
    Map<String, String> names = new HashMap<>(Map.of("#st", "status"));
    if (error != null) {
      set.append(", #err = :e");
      values.put(":e", AttributeValue.fromS(error));
      names.put("#err", "error");
    }
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(contactId, workflowId, executionArn))
          .updateExpression(set + " REMOVE activeWorkflow")
          .conditionExpression("#st = :active")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Marks a journey that completed as converted afterwards ({@code convertedAt}; it stays
   * {@code completed}). Only once: false if it was marked before or did not complete.
   */
  public boolean convertedAfterCompletion(String contactId, String workflowId, String executionArn, Instant convertedAt) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(contactId, workflowId, executionArn))
          .updateExpression("SET convertedAt = :c")
          .conditionExpression("#st = :completed AND attribute_not_exists(convertedAt)")
          .expressionAttributeNames(Map.of("#st", "status"))
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(Times.format(convertedAt)),
              ":completed", AttributeValue.fromS(JourneyRecord.Outcome.COMPLETED.wireName()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Every journey of the contact, by workflow. */
  public List<JourneyRecord> forContact(String contactId) {
    return query(contactId, JOURNEY_PREFIX);
  }

  /** The contact's journeys through one workflow. */
  public List<JourneyRecord> forContact(String contactId, String workflowId) {
    return query(contactId, JOURNEY_PREFIX + workflowId + "#");
  }

  /**
   * Active journeys of a workflow across all contacts, through the sparse index. The filter on
   * status drops journeys whose end was recorded by a writer that left {@code activeWorkflow}.
   */
  public List<JourneyRecord> activeIn(String workflowId) {
    List<JourneyRecord> result = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(ACTIVE_INDEX)
        .keyConditionExpression("activeWorkflow = :w")
        .filterExpression("#st = :active")
        .expressionAttributeNames(Map.of("#st", "status"))
        .expressionAttributeValues(Map.of(":w", AttributeValue.fromS(workflowId), ":active", AttributeValue.fromS(ACTIVE)));
    ddb.queryPaginator(q.build()).items().forEach(i -> result.add(toRecord(i)));
    return result;
  }

  private List<JourneyRecord> query(String contactId, String prefix) {
    List<JourneyRecord> result = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(contactKey(contactId)),
            ":p", AttributeValue.fromS(prefix)));
    ddb.queryPaginator(q.build()).items().forEach(i -> result.add(toRecord(i)));
    return result;
  }

  private static JourneyRecord toRecord(Map<String, AttributeValue> item) {
    String status = item.get("status").s();
    boolean active = status.equals(ACTIVE);
    return new JourneyRecord(
        item.get("contactId").s(),
        item.get("workflowId").s(),
        text(item, "version"),
        item.get("executionId").s(),
        text(item, "triggerId"),
        active ? JourneyRecord.Status.ACTIVE : JourneyRecord.Status.ENDED,
        text(item, "currentStep"),
        Times.parse(item.get("startedAt").s()),
        instant(item, "endedAt"),
        active ? null : JourneyRecord.Outcome.valueOf(status.toUpperCase(Locale.ROOT)),
        instant(item, "convertedAt"),
        text(item, "error"));
  }

}
