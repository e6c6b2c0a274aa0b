package dev.nudge.messaging;

import static dev.nudge.platform.Items.instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.workflows.WorkflowParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The templates table: per template (pk {@code id}) one {@code V#<nnnnnn>} item per save, never
 * changed afterwards, and a {@code CURRENT} item holding a copy of the newest version (so a send
 * reads one item). A delete drops the CURRENT item out of the sparse {@code byKind} index (it
 * loses {@code kind}) but keeps the version counter and the versions: sends recorded against an
 * old version stay explainable. The content is stored as the API's JSON form in {@code content}.
 */
public final class TemplateStore implements TemplateSource {
  public static final String KIND_INDEX = "byKind";
  static final String CURRENT = "CURRENT";
  static final String VERSION_PREFIX = "V#";

  /** A stored template and when it was saved; {@code deleted} for a CURRENT item after DELETE. */
  public record Stored(MessageTemplate template, Instant savedAt, boolean deleted) {}

  /** A row of the list: no content, read from the index. */
  public record Summary(String id, Channel channel, int version, String defaultLocale, List<String> languages,
      Instant savedAt) {}

  private final DynamoDbClient ddb;
  private final String table;

  public TemplateStore(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String id, String sk) {
    return Map.of("id", AttributeValue.fromS(id), "sk", AttributeValue.fromS(sk));
  }

  /** The current version for sends: an eventually consistent read (a save shows within a second). */
  @Override
  public Optional<MessageTemplate> find(Channel channel, String id) {
    if (id == null || !WorkflowParser.ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return current(id, false).filter(s -> !s.deleted()).map(Stored::template).filter(t -> t.channel() == channel);
  }

  public Optional<Stored> current(String id, boolean consistent) {
    var item = ddb.getItem(b -> b.tableName(table).key(key(id, CURRENT)).consistentRead(consistent)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toStored(item));
  }

  public Optional<MessageTemplate> version(String id, int version) {
    var item = ddb.getItem(b -> b.tableName(table).key(key(id, versionKey(version)))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toStored(item).template());
  }

  /**
   * Saves {@code template} as version {@code expected + 1}, in one transaction conditional on the
   * current version still being {@code expected} (0: none yet).
   *
   * @return the saved template with its version, or empty if another save won
   */
  public Optional<MessageTemplate> save(MessageTemplate template, int expected, Instant now) {
    int next = expected + 1;
    MessageTemplate saved = new MessageTemplate(template.id(), template.channel(), next, template.defaultLocale(),
        template.locales(), template.utm());
    Map<String, AttributeValue> version = item(saved, versionKey(next), now);
    Map<String, AttributeValue> current = item(saved, CURRENT, now);
    current.put("kind", AttributeValue.fromS("template"));
    current.put("languages", AttributeValue.fromL(saved.locales().keySet().stream().sorted()
        .map(AttributeValue::fromS).toList()));
    Map<String, AttributeValue> values = new HashMap<>();
    String condition = "attribute_not_exists(sk)";
    if (expected > 0) {
      condition = "version = :expected";
      values.put(":expected", AttributeValue.fromN(Integer.toString(expected)));
    }
    Put.Builder putCurrent = Put.builder().tableName(table).item(current).conditionExpression(condition);
    if (!values.isEmpty()) {
      putCurrent.expressionAttributeValues(values);
    }
    try {
      ddb.transactWriteItems(b -> b.transactItems(
          TransactWriteItem.builder().put(Put.builder().tableName(table).item(version)
              .conditionExpression("attribute_not_exists(sk)").build()).build(),
          TransactWriteItem.builder().put(putCurrent.build()).build()));
      return Optional.of(saved);
    } catch (TransactionCanceledException e) {
      return Optional.empty();
    }
  }

  /** Removes the template from sends and the list; versions stay. False if there was none. */
  public boolean delete(String id, Instant now) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(id, CURRENT))
          .updateExpression("REMOVE kind SET deletedAt = :now")
          .conditionExpression("attribute_exists(kind)")
          .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(Times.format(now)))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Every live template, through the sparse index (no scan, no content). */
  public List<Summary> list() {
    List<Summary> result = new ArrayList<>();
    QueryRequest request = QueryRequest.builder().tableName(table).indexName(KIND_INDEX)
        .keyConditionExpression("kind = :k")
        .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("template"))).build();
    for (var i : ddb.queryPaginator(request).items()) {
      result.add(new Summary(i.get("id").s(), Channel.fromWire(i.get("channel").s()).orElseThrow(),
          Integer.parseInt(i.get("version").n()), i.get("defaultLocale").s(),
          i.containsKey("languages") ? i.get("languages").l().stream().map(AttributeValue::s).toList() : List.of(),
          instant(i, "savedAt")));
    }
    return result;
  }

  static String versionKey(int version) {
    return VERSION_PREFIX + String.format(Locale.ROOT, "%06d", version);
  }

  private static Map<String, AttributeValue> item(MessageTemplate t, String sk, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>(key(t.id(), sk));
    item.put("channel", AttributeValue.fromS(t.channel().wireName()));
    item.put("version", AttributeValue.fromN(Integer.toString(t.version())));
    item.put("defaultLocale", AttributeValue.fromS(t.defaultLocale()));
    item.put("content", AttributeValue.fromS(Json.write(t.toJson())));
    item.put("savedAt", AttributeValue.fromS(Times.format(now)));
    return item;
  }

  private static Stored toStored(Map<String, AttributeValue> item) {
    JsonNode content;
    try {
      content = Json.mapper().readTree(item.get("content").s());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int version = Integer.parseInt(item.get("version").n());
    // Stored content passed the Liquid checks when it was saved; a send does not repeat them.
    MessageTemplate template = MessageTemplate.fromJson(item.get("id").s(), (ObjectNode) content, version, false);
    return new Stored(template, instant(item, "savedAt"), item.containsKey("deletedAt") && !item.containsKey("kind"));
  }
}
