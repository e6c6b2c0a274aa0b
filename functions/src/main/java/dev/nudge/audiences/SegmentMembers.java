package dev.nudge.audiences;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Segment membership in the segments table: one item per segment and member ({@code segment},
 * {@code contactId}, {@code enteredAt}) and a size item per segment ({@code contactId = #size}),
 * changed in the same transaction as the member, conditionally, so a membership change counts once
 * and the size needs no count query. A segment's members are one query; a contact's memberships
 * one read per segment. ({@code segment} and {@code members} are DynamoDB reserved words: always
 * through expression attribute names.)
 */
public final class SegmentMembers {
  static final String SIZE = "#size";

  public record Page(List<String> contactIds, String next) {}

  private final DynamoDbClient ddb;
  private final String table;
  private final String contactsTable;

  /** For reading and leaving only: entering needs the contacts table ({@link #SegmentMembers(DynamoDbClient, String, String)}). */
  public SegmentMembers(DynamoDbClient ddb, String table) {
    this(ddb, table, null);
  }

  /**
   * {@code contactsTable}: entering checks, in the same transaction, that the contact's profile
   * exists and is not being erased, so an evaluation racing an erasure cannot put them back.
   */
  public SegmentMembers(DynamoDbClient ddb, String table, String contactsTable) {
    this.ddb = ddb;
    this.table = table;
    this.contactsTable = contactsTable;
  }

  public boolean isMember(String segment, String contactId) {
    var item = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(segment, contactId))).item();
    return item != null && !item.isEmpty();
  }

  /** True if the contact was not a member (and now is). */
  public boolean enter(String segment, String contactId, Instant at) {
    try {
      List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> items = new ArrayList<>();
      items.add(software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p.tableName(table)
          .item(Map.of("segment", AttributeValue.fromS(segment), "contactId", AttributeValue.fromS(contactId),
              "enteredAt", AttributeValue.fromS(Times.format(at))))
          .conditionExpression("attribute_not_exists(contactId)")).build());
      items.add(software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().update(u -> u.tableName(table)
          .key(key(segment, SIZE)).updateExpression("ADD #members :one")
          .expressionAttributeNames(Map.of("#members", "members"))
          .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build());
      if (contactsTable != null) {
        items.add(software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().conditionCheck(c -> c
            .tableName(contactsTable).key(Map.of("pk", AttributeValue.fromS(dev.nudge.contacts.ContactRepository.partition(
                contactId)), "sk", AttributeValue.fromS("PROFILE")))
            .conditionExpression("attribute_exists(pk) AND attribute_not_exists(erasingAt)")).build());
      }
      ddb.transactWriteItems(b -> b.transactItems(items));
      return true;
    } catch (TransactionCanceledException e) {
      return false;
    }
  }

  /** True if the contact was a member (and no longer is). */
  public boolean leave(String segment, String contactId) {
    try {
      ddb.transactWriteItems(b -> b.transactItems(
          t -> t.delete(d -> d.tableName(table).key(key(segment, contactId)).conditionExpression("attribute_exists(contactId)")),
          t -> t.update(u -> u.tableName(table).key(key(segment, SIZE)).updateExpression("ADD #members :minus")
              .expressionAttributeNames(Map.of("#members", "members")).expressionAttributeValues(Map.of(":minus", AttributeValue.fromN("-1"))))));
      return true;
    } catch (TransactionCanceledException e) {
      return false;
    }
  }

  public long size(String segment) {
    var item = ddb.getItem(b -> b.tableName(table).key(key(segment, SIZE))).item();
    return item == null || !item.containsKey("members") ? 0 : Long.parseLong(item.get("members").n());
  }

  /** Up to {@code limit} members after {@code after} (a contact id from the previous page), in id order. */
  public Page members(String segment, int limit, String after) {
    List<String> ids = new ArrayList<>();
    Map<String, AttributeValue> start = after == null ? null : key(segment, after);
    while (ids.size() < limit) {
      Map<String, AttributeValue> from = start;
      int want = limit - ids.size();
      QueryResponse page = ddb.query(b -> b.tableName(table).keyConditionExpression("#segment = :s")
          .expressionAttributeNames(Map.of("#segment", "segment")).expressionAttributeValues(Map.of(":s", AttributeValue.fromS(segment))).limit(want + 1).exclusiveStartKey(from));
      page.items().stream().map(i -> i.get("contactId").s()).filter(id -> !id.equals(SIZE)).limit(want).forEach(ids::add);
      if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
        return new Page(ids, null);
      }
      start = page.lastEvaluatedKey();
    }
    return new Page(ids, ids.isEmpty() ? null : ids.get(ids.size() - 1));
  }

  private static Map<String, AttributeValue> key(String segment, String contactId) {
    return Map.of("segment", AttributeValue.fromS(segment), "contactId", AttributeValue.fromS(contactId));
  }
}
