package dev.nudge.audiences;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Segment definitions in the workflows table: {@code id = segment:<id>}, {@code sk = CURRENT},
 * {@code kind = segment} (so the sparse {@code byKind} index lists them apart from workflows).
 */
public final class SegmentStore {
  static final String PREFIX = "segment:";
  static final String KIND = "segment";

  public record Stored(String id, String name, String definition, int version, Instant savedAt) {}

  private final DynamoDbClient ddb;
  private final String table;

  public SegmentStore(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  public void save(Segment segment, String definition, Instant now) {
    save(segment, definition, find(segment.id()).map(Stored::version).orElse(0), now);
  }

  /** Saves version {@code expected + 1}; false when another save took that number first. */
  public boolean save(Segment segment, String definition, int expected, Instant now) {
    try {
      ddb.putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS(PREFIX + segment.id()),
              "sk", AttributeValue.fromS("CURRENT"), "kind", AttributeValue.fromS(KIND),
              "name", AttributeValue.fromS(segment.name()), "definition", AttributeValue.fromS(definition),
              "version", AttributeValue.fromN(Integer.toString(expected + 1)), "savedAt", AttributeValue.fromS(Times.format(now))))
          .conditionExpression(expected == 0 ? "attribute_not_exists(id)" : "version = :v")
          .expressionAttributeValues(expected == 0 ? null : Map.of(":v", AttributeValue.fromN(Integer.toString(expected)))));
      return true;
    } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Whether two definitions have the same condition ({@code when}): only then is membership unchanged. */
  static boolean sameCondition(String a, String b) {
    Definitions.Read first = Definitions.read(a);
    Definitions.Read second = Definitions.read(b);
    return first.tree() != null && second.tree() != null && first.tree().path("when").equals(second.tree().path("when"));
  }

  public Optional<Stored> find(String id) {
    var item = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
        "id", AttributeValue.fromS(PREFIX + id), "sk", AttributeValue.fromS("CURRENT")))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(stored(item));
  }

  /** Every segment, through the byKind index (eventually consistent: a segment saved a moment ago may be missing). */
  public List<Stored> all() {
    List<Stored> all = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = ddb.query(b -> b.tableName(table).indexName("byKind").keyConditionExpression("kind = :k")
          .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(KIND))).exclusiveStartKey(from));
      page.items().forEach(i -> all.add(stored(i)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return all;
  }

  /** The segments that parse (a definition saved by an older version that no longer does is skipped). */
  public List<Segment> parsed() {
    return all().stream().map(s -> Segment.parse(s.definition(), s.id()).segment()).filter(java.util.Objects::nonNull)
        .toList();
  }

  private static Stored stored(Map<String, AttributeValue> item) {
    return new Stored(item.get("id").s().substring(PREFIX.length()), item.get("name").s(), item.get("definition").s(),
        Integer.parseInt(item.get("version").n()), Times.parse(item.get("savedAt").s()));
  }
}
