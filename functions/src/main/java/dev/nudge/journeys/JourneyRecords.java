package dev.nudge.journeys;

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
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The journeys table, partitioned by contact: journey records (sk {@code J#<workflow>#<execution
 * name>}) and wait registrations ({@link WaitRegistrations}, sk {@code W#...}). An active journey
 * also carries {@code activeWorkflow}, the key of the sparse index {@code activeByWorkflow} that
 * archiving a workflow uses to find the journeys it must stop; it is removed when the journey ends.
 */
public final class JourneyRecords {
  public static final String ACTIVE_INDEX = "activeByWorkflow";
  static final String JOURNEY_PREFIX = "J#";

  private final DynamoDbClient ddb;
  private final String table;

  public JourneyRecords(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  static Map<String, AttributeValue> key(String contactId, String workflowId, String executionName) {
    return Map.of("contactId", AttributeValue.fromS(contactId),
        "sk", AttributeValue.fromS(JOURNEY_PREFIX + workflowId + "#" + executionName));
  }

  /** Records a started journey; false if it was recorded already (a replayed start). */
  public boolean started(JourneyRecord journey) {
    Map<String, AttributeValue> item = new HashMap<>(key(journey.contactId(), journey.workflowId(), journey.executionName()));
    item.put("workflowId", AttributeValue.fromS(journey.workflowId()));
    item.put("version", AttributeValue.fromN(Integer.toString(journey.version())));
    item.put("executionArn", AttributeValue.fromS(journey.executionArn()));
    item.put("executionName", AttributeValue.fromS(journey.executionName()));
    item.put("triggerId", AttributeValue.fromS(journey.triggerId()));
    item.put("status", AttributeValue.fromS(JourneyRecord.Status.ACTIVE.wireName()));
    item.put("activeWorkflow", AttributeValue.fromS(journey.workflowId()));
    item.put("startedAt", AttributeValue.fromS(Times.format(journey.startedAt())));
    try {
      ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(sk)"));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Notes the step the journey is at (called by the step actions). Ignored once the journey ended. */
  public void atStep(String contactId, String workflowId, String executionName, String step) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(contactId, workflowId, executionName))
          .updateExpression("SET currentStep = :s")
          .conditionExpression("#st = :active")
          .expressionAttributeNames(Map.of("#st", "status"))
          .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(step),
              ":active", AttributeValue.fromS(JourneyRecord.Status.ACTIVE.wireName()))));
    } catch (ConditionalCheckFailedException ended) {
      // A journey stopped by its goal may still run a step already under way.
    }
  }

  /**
   * Ends an active journey with {@code outcome}; {@code convertedAt} only for a conversion,
   * {@code error} only for a failure. Only the first end counts: false if it had ended already.
   */
  public boolean ended(String contactId, String workflowId, String executionName, JourneyRecord.Outcome outcome,
      Instant at, Instant convertedAt, String error) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":ended", AttributeValue.fromS(JourneyRecord.Status.ENDED.wireName()));
    values.put(":active", AttributeValue.fromS(JourneyRecord.Status.ACTIVE.wireName()));
    values.put(":at", AttributeValue.fromS(Times.format(at)));
    values.put(":o", AttributeValue.fromS(outcome.wireName()));
    StringBuilder set = new StringBuilder("SET #st = :ended, endedAt = :at, outcome = :o");
    if (convertedAt != null) {
      set.append(", convertedAt = :c");
      values.put(":c", AttributeValue.fromS(Times.format(convertedAt)));
    }
    if (error != null) {
      set.append(", #err = :e");
      values.put(":e", AttributeValue.fromS(error));
    }
    Map<String, String> names = new HashMap<>(Map.of("#st", "status"));
    if (error != null) {
      names.put("#err", "error");
    }
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(contactId, workflowId, executionName))
          .updateExpression(set + " REMOVE activeWorkflow")
          .conditionExpression("#st = :active")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Every journey of the contact, in workflow order. */
  public List<JourneyRecord> forContact(String contactId) {
    return query(contactId, JOURNEY_PREFIX);
  }

  /** The contact's journeys through one workflow. */
  public List<JourneyRecord> forContact(String contactId, String workflowId) {
    return query(contactId, JOURNEY_PREFIX + workflowId + "#");
  }

  /** Active journeys of a workflow across all contacts, through the sparse index. */
  public List<JourneyRecord> activeIn(String workflowId) {
    List<JourneyRecord> result = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(ACTIVE_INDEX)
          .keyConditionExpression("activeWorkflow = :w")
          .expressionAttributeValues(Map.of(":w", AttributeValue.fromS(workflowId)));
      if (start != null) {
        q.exclusiveStartKey(start);
      }
      QueryResponse page = ddb.query(q.build());
      page.items().forEach(i -> result.add(toRecord(i)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return result;
  }

  private List<JourneyRecord> query(String contactId, String prefix) {
    List<JourneyRecord> result = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
          .keyConditionExpression("contactId = :c AND begins_with(sk, :p)")
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contactId), ":p", AttributeValue.fromS(prefix)));
      if (start != null) {
        q.exclusiveStartKey(start);
      }
      QueryResponse page = ddb.query(q.build());
      page.items().forEach(i -> result.add(toRecord(i)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return result;
  }

  private static JourneyRecord toRecord(Map<String, AttributeValue> item) {
    return new JourneyRecord(
        item.get("contactId").s(),
        item.get("workflowId").s(),
        Integer.parseInt(item.get("version").n()),
        item.get("executionArn").s(),
        item.get("executionName").s(),
        text(item, "triggerId"),
        JourneyRecord.Status.valueOf(item.get("status").s().toUpperCase(Locale.ROOT)),
        text(item, "currentStep"),
        Times.parse(item.get("startedAt").s()),
        instant(item, "endedAt"),
        item.containsKey("outcome") ? JourneyRecord.Outcome.valueOf(item.get("outcome").s().toUpperCase(Locale.ROOT)) : null,
        instant(item, "convertedAt"),
        text(item, "error"));
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    String v = text(item, name);
    return v == null ? null : Times.parse(v);
  }
}
