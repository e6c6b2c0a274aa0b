package dev.nudge.audiences;

import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The published scoring rules: one item in the workflows table ({@code id = _scoring},
 * {@code sk = CURRENT}: the definition as written, its version and when it was saved). It has no
 * {@code kind}, so the workflow list (a query of the sparse {@code byKind} index) never sees it.
 */
public final class ScoringStore {
  static final String ID = "_scoring";
  static final String SK = "CURRENT";

  public record Stored(String definition, int version, Instant savedAt) {}

  private final DynamoDbClient ddb;
  private final String table;

  public ScoringStore(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** Strongly consistent: read once per stream batch, so a publish applies to the next batch. */
  public Optional<Stored> current() {
    Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key())).item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Stored(item.get("definition").s(), Integer.parseInt(item.get("version").n()),
        Times.parse(item.get("savedAt").s())));
  }

  /** Saves version {@code expected + 1}; false when another save took that number first. */
  public boolean save(String definition, int expected, Instant now) {
    try {
      ddb.putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS(ID), "sk", AttributeValue.fromS(SK),
              "definition", AttributeValue.fromS(definition), "version", AttributeValue.fromN(Integer.toString(expected + 1)),
              "savedAt", AttributeValue.fromS(Times.format(now))))
          .conditionExpression(expected == 0 ? "attribute_not_exists(id)" : "version = :v")
          .expressionAttributeValues(expected == 0 ? null : Map.of(":v", AttributeValue.fromN(Integer.toString(expected)))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static Map<String, AttributeValue> key() {
    return Map.of("id", AttributeValue.fromS(ID), "sk", AttributeValue.fromS(SK));
  }
}
