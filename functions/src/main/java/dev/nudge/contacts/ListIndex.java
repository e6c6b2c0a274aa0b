package dev.nudge.contacts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The members of a static list, without scanning: a contact's list memberships live in the
 * profile's {@code lists} set (what journeys and filters read), and each membership also has a
 * small item in the contact's partition (sk {@code LIST#<list>}) carrying {@code listKey = <list>},
 * the partition key of the sparse, keys-only index {@code byList} (sort key {@code pk}), so a
 * broadcast pages a list's members in contact order with a cursor. Only these items have
 * {@code listKey}. Written after the profile change (not in a transaction: that would double the
 * profile write); a join names its list again idempotently, so a repeated join repairs an item a
 * crash left out, and readers check the profile. See docs/data-model.md.
 */
public final class ListIndex {
  public static final String INDEX = "byList";
  static final String PREFIX = "LIST#";

  /** Up to a page of member ids, and the cursor after them (null: no more). */
  public record Page(List<String> contactIds, String next) {}

  private final DynamoDbClient ddb;
  private final String table;

  public ListIndex(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String contactId, String list) {
    return Map.of("pk", AttributeValue.fromS(ContactRepository.partition(contactId)),
        "sk", AttributeValue.fromS(PREFIX + list));
  }

  /** Brings the items in line with lists {@code joined} and {@code left} (a list in both is left, as in the profile update). */
  public void sync(String contactId, Collection<String> joined, Collection<String> left) {
    for (String list : joined) {
      if (!left.contains(list)) {
        Map<String, AttributeValue> item = new HashMap<>(key(contactId, list));
        item.put("listKey", AttributeValue.fromS(list));
        ddb.putItem(b -> b.tableName(table).item(item));
      }
    }
    for (String list : left) {
      ddb.deleteItem(b -> b.tableName(table).key(key(contactId, list)));
    }
  }

  /** Up to {@code limit} members of {@code list} after the contact id {@code after} (null: from the start), in id order. */
  public Page members(String list, int limit, String after) {
    List<String> ids = new ArrayList<>();
    Map<String, AttributeValue> start = after == null ? null : Map.of("listKey", AttributeValue.fromS(list),
        "pk", AttributeValue.fromS(ContactRepository.partition(after)), "sk", AttributeValue.fromS(PREFIX + list));
    while (true) {
      Map<String, AttributeValue> from = start;
      // One more than wanted: a page that comes back full knows whether anything follows.
      int want = limit + 1 - ids.size();
      QueryResponse page = ddb.query(b -> b.tableName(table).indexName(INDEX).keyConditionExpression("listKey = :l")
          .expressionAttributeValues(Map.of(":l", AttributeValue.fromS(list))).limit(want).exclusiveStartKey(from));
      page.items().forEach(i -> ids.add(i.get("pk").s().substring(2)));
      boolean more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
      if (ids.size() > limit) {
        List<String> kept = List.copyOf(ids.subList(0, limit));
        return new Page(kept, kept.get(limit - 1));
      }
      if (!more) {
        return new Page(List.copyOf(ids), null);
      }
      start = page.lastEvaluatedKey();
    }
  }
}
