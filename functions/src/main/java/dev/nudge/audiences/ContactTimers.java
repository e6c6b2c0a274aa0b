package dev.nudge.audiences;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Per-contact timers for conditions that become true with time alone (a score decaying below a
 * threshold; later, "no order for 90 days"): one item per contact and timer in the timers table
 * ({@code contactId}, {@code timer}), found when due through the {@code byDue} index (partition:
 * one of {@link #SHARDS} shards by contact; sort: the due time), read by a frequent schedule.
 * Never a scan: a run queries each shard for {@code dueAt <= now}, which returns only the timers
 * due, however late the run (fired timers are deleted, so nothing is read twice). The shards
 * spread index writes (about 1,000 per second per partition) to 10,000 timers armed per second.
 * Arming again replaces the timer; a fired timer is deleted only if it was not re-armed meanwhile.
 */
public final class ContactTimers {
  static final int SHARDS = 10;

  public record Timer(String contactId, String name, Instant dueAt) {}

  private final DynamoDbClient ddb;
  private final String table;

  public ContactTimers(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  public void arm(String contactId, String name, Instant dueAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("contactId", AttributeValue.fromS(contactId));
    item.put("timer", AttributeValue.fromS(name));
    item.put("due", AttributeValue.fromS(bucket(contactId, dueAt)));
    item.put("dueAt", AttributeValue.fromS(Times.format(dueAt)));
    ddb.putItem(b -> b.tableName(table).item(item));
  }

  public void disarm(String contactId, String name) {
    ddb.deleteItem(b -> b.tableName(table).key(key(contactId, name)));
  }

  /** Timers due at or before {@code now}. */
  public List<Timer> due(Instant now) {
    List<Timer> due = new ArrayList<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      String partition = "shard#" + shard;
      Map<String, AttributeValue> start = null;
      do {
        Map<String, AttributeValue> from = start;
        QueryResponse page = ddb.query(b -> b.tableName(table).indexName("byDue")
            .keyConditionExpression("#due = :due AND dueAt <= :now")
            .expressionAttributeNames(Map.of("#due", "due"))
            .expressionAttributeValues(Map.of(":due", AttributeValue.fromS(partition),
                ":now", AttributeValue.fromS(Times.format(now))))
            .exclusiveStartKey(from));
        page.items().forEach(i -> due.add(new Timer(i.get("contactId").s(), i.get("timer").s(),
            Times.parse(i.get("dueAt").s()))));
        start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      } while (start != null);
    }
    return due;
  }

  /** Deletes a fired timer unless it was armed again for another time meanwhile. */
  public void fired(Timer timer) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(key(timer.contactId(), timer.name()))
          .conditionExpression("dueAt = :at")
          .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(Times.format(timer.dueAt())))));
    } catch (ConditionalCheckFailedException rearmed) {
      // Armed again (or already deleted): the new timer stands.
    }
  }

  static String bucket(String contactId, Instant dueAt) {
    // Times.format is fixed-width ISO-8601 UTC, so dueAt compares as text in the sort key.
    return "shard#" + Math.floorMod(contactId.hashCode(), SHARDS);
  }

  private static Map<String, AttributeValue> key(String contactId, String name) {
    return Map.of("contactId", AttributeValue.fromS(contactId), "timer", AttributeValue.fromS(name));
  }
}
