package dev.nudge.journeys;

import static dev.nudge.platform.Items.text;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Journey records in the journeys table (keys in template.yaml); the wait registrations beside
 * them are {@link WaitRegistrations}. Every write is safe to repeat: Step Functions retries Tasks,
 * and a retried Task must not restart a journey's clock or resurrect an ended one.
 */
public final class JourneyStore {
  public enum Status { ACTIVE, COMPLETED, EXITED, CONVERTED, FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public record Journey(String contactId, String workflowId, String executionId, String version, String status,
      String currentStep, Instant startedAt, Instant endedAt, String error) {}

  private final DynamoDbClient ddb;
  private final String table;

  public JourneyStore(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  static String contactKey(String contactId) {
    return "C#" + contactId;
  }

  private static Map<String, AttributeValue> journeyKey(String contactId, String workflowId, String executionId) {
    return Map.of("pk", AttributeValue.fromS(contactKey(contactId)),
        "sk", AttributeValue.fromS("J#" + workflowId + "#" + executionId));
  }

  /** Records the start; a repeated call (a retried Enter) changes nothing. */
  public void started(String contactId, String workflowId, String executionId, String version, Instant at) {
    Map<String, AttributeValue> item = new HashMap<>(journeyKey(contactId, workflowId, executionId));
    item.put("contactId", AttributeValue.fromS(contactId));
    item.put("workflowId", AttributeValue.fromS(workflowId));
    item.put("executionId", AttributeValue.fromS(executionId));
    item.put("version", AttributeValue.fromS(version == null ? "" : version));
    item.put("status", AttributeValue.fromS(Status.ACTIVE.wireName()));
    item.put("startedAt", AttributeValue.fromS(Times.format(at)));
    try {
      ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
    } catch (ConditionalCheckFailedException e) {
      // Already recorded by an earlier attempt.
    }
  }

  /** Notes the step the journey is in (shown by the contact API, and where a failure happened). */
  public void at(String contactId, String workflowId, String executionId, String step) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(journeyKey(contactId, workflowId, executionId))
          .updateExpression("SET currentStep = :s")
          .conditionExpression("#st = :active")
          .expressionAttributeNames(Map.of("#st", "status"))
          .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(step),
              ":active", AttributeValue.fromS(Status.ACTIVE.wireName()))));
    } catch (ConditionalCheckFailedException e) {
      // Not recorded or already ended: nothing to move.
    }
  }

  /** Ends an active journey; true if this call ended it (the first outcome wins). */
  public boolean ended(String contactId, String workflowId, String executionId, Status outcome, String error, Instant at) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":o", AttributeValue.fromS(outcome.wireName()));
    values.put(":at", AttributeValue.fromS(Times.format(at)));
    values.put(":active", AttributeValue.fromS(Status.ACTIVE.wireName()));
    String update = "SET #st = :o, endedAt = :at";
    if (error != null) {
      values.put(":e", AttributeValue.fromS(error.length() > 2000 ? error.substring(0, 2000) : error));
      update += ", #err = :e";
    }
    String expression = update;
    Map<String, String> names = error != null ? Map.of("#st", "status", "#err", "error") : Map.of("#st", "status");
    try {
      ddb.updateItem(b -> b.tableName(table).key(journeyKey(contactId, workflowId, executionId))
          .updateExpression(expression).conditionExpression("#st = :active")
          .expressionAttributeNames(names).expressionAttributeValues(values));
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
    releaseActive(contactId, workflowId, executionName(executionId));
    return true;
  }

  /** The last part of an execution ARN. */
  public static String executionName(String executionArn) {
    return executionArn.substring(executionArn.lastIndexOf(':') + 1);
  }

  private static Map<String, AttributeValue> activeKey(String contactId, String workflowId) {
    return Map.of("pk", AttributeValue.fromS(contactKey(contactId)), "sk", AttributeValue.fromS("A#" + workflowId));
  }

  /**
   * At most one active journey per contact and workflow: the router claims this marker before
   * starting an execution. The same execution name may claim again (a replayed event).
   */
  public boolean claimActive(String contactId, String workflowId, String executionName, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>(activeKey(contactId, workflowId));
    item.put("executionName", AttributeValue.fromS(executionName));
    item.put("claimedAt", AttributeValue.fromS(Times.format(now)));
    try {
      ddb.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(pk) OR executionName = :n")
          .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(executionName))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Frees the marker, only if it is still this execution's. */
  public void releaseActive(String contactId, String workflowId, String executionName) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(activeKey(contactId, workflowId))
          .conditionExpression("executionName = :n")
          .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(executionName))));
    } catch (ConditionalCheckFailedException e) {
      // Another journey holds it, or nobody.
    }
  }

  /** The journeys of one workflow for a contact, any status. */
  public List<Journey> forContact(String contactId, String workflowId) {
    List<Journey> journeys = new ArrayList<>();
    ddb.queryPaginator(b -> b.tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :j)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(contactKey(contactId)),
            ":j", AttributeValue.fromS("J#" + workflowId + "#"))))
        .items().forEach(i -> journeys.add(journey(i)));
    return journeys;
  }

  public Optional<Journey> find(String contactId, String workflowId, String executionId) {
    Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table)
        .key(journeyKey(contactId, workflowId, executionId)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(journey(item));
  }

  public List<Journey> forContact(String contactId) {
    List<Journey> journeys = new ArrayList<>();
    ddb.queryPaginator(b -> b.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :j)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(contactKey(contactId)), ":j", AttributeValue.fromS("J#"))))
        .items().forEach(i -> journeys.add(journey(i)));
    return journeys;
  }

  private static Journey journey(Map<String, AttributeValue> i) {
    return new Journey(i.get("contactId").s(), i.get("workflowId").s(), i.get("executionId").s(),
        i.get("version").s(), i.get("status").s(),
        text(i, "currentStep"),
        Times.parse(i.get("startedAt").s()),
        i.containsKey("endedAt") ? Times.parse(i.get("endedAt").s()) : null,
        text(i, "error"));
  }
}
