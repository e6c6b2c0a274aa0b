package dev.nudge.workflows.admin;

import static dev.nudge.platform.Items.text;
import static dev.nudge.platform.Items.instant;

import dev.nudge.platform.Times;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The workflows table: per workflow (pk {@code id}) a {@code META} item (status, draft, the live
 * version and its definition, state machine and alias ARNs) and one {@code V#<nnnnnn>} item per
 * published version. Only META items carry {@code kind}, the key of the sparse index
 * {@code byKind} through which the router and the scheduler list workflows without a scan.
 */
public final class WorkflowStore {
  public static final String KIND_INDEX = "byKind";
  static final String META = "META";
  static final String VERSION_PREFIX = "V#";

  public enum Status {
    DRAFT, ACTIVE, PAUSED, ARCHIVED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A workflow's META item. {@code liveVersion} is 0 and the ARNs null until it is published.
   * {@code waitedEvents}: the event types any of its published versions waits for ({@code waitFor}
   * steps), so journeys of an older version may be waiting for them; null when not known (versions
   * published before META kept them: see {@link #recordPublished}).
   */
  public record Meta(String id, Status status, String draft, Instant draftUpdatedAt, int liveVersion,
      String liveDefinition, String stateMachineArn, String aliasArn, Instant createdAt, Instant updatedAt,
      java.util.Set<String> waitedEvents) {

    public Meta(String id, Status status, String draft, Instant draftUpdatedAt, int liveVersion, String liveDefinition,
        String stateMachineArn, String aliasArn, Instant createdAt, Instant updatedAt) {
      this(id, status, draft, draftUpdatedAt, liveVersion, liveDefinition, stateMachineArn, aliasArn, createdAt, updatedAt,
          null);
    }

    /** The published definition (valid: it passed validation when published). */
    public Workflow live() {
      return WorkflowParser.parse(liveDefinition).workflow();
    }

    public boolean published() {
      return liveVersion > 0;
    }
  }

  public record Version(int version, String definition, String versionArn, Instant publishedAt, String description) {}

  private final DynamoDbClient ddb;
  private final String table;

  /**
   * The revision stamp: one item, bumped in the same transaction as every publish and status
   * change, so the router can see in one strongly consistent GetItem per batch whether its cached
   * workflows are stale. It has no {@code kind}, so listing through the byKind index never sees it.
   */
  static final String REVISION_ID = "_revision";
  static final String REVISION_SK = "STAMP";

  public WorkflowStore(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String id, String sk) {
    return Map.of("id", AttributeValue.fromS(id), "sk", AttributeValue.fromS(sk));
  }

  public Optional<Meta> find(String id) {
    var item = ddb.getItem(b -> b.tableName(table).key(key(id, META)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toMeta(item));
  }

  /** Creates the workflow as a draft, or replaces its draft. An archived workflow is read-only. */
  public Meta saveDraft(String id, String definition, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":d", AttributeValue.fromS(definition));
    values.put(":now", AttributeValue.fromS(Times.format(now)));
    values.put(":kind", AttributeValue.fromS("workflow"));
    values.put(":draft", AttributeValue.fromS(Status.DRAFT.wireName()));
    values.put(":archived", AttributeValue.fromS(Status.ARCHIVED.wireName()));
    ddb.updateItem(b -> b.tableName(table).key(key(id, META))
        .updateExpression("SET draft = :d, draftUpdatedAt = :now, updatedAt = :now, kind = :kind, "
            + "createdAt = if_not_exists(createdAt, :now), #st = if_not_exists(#st, :draft)")
        .conditionExpression("attribute_not_exists(#st) OR #st <> :archived")
        .expressionAttributeNames(Map.of("#st", "status"))
        .expressionAttributeValues(values));
    return find(id).orElseThrow();
  }

  /**
   * Records a published version and makes it live, in one transaction conditional on the live
   * version still being {@code expectedLive}: two concurrent publishes cannot both claim a number.
   * {@code waited}: the event types the version's {@code waitFor} steps wait for
   * ({@link Workflow#waitedEvents()}), added to the workflow's {@code waitedEvents}.
   *
   * @return false if another publish won
   */
  public boolean recordPublished(String id, int expectedLive, Version version, java.util.Set<String> waited,
      String stateMachineArn, String aliasArn, boolean keepPaused) {
    Map<String, AttributeValue> item = new HashMap<>(key(id, versionKey(version.version())));
    item.put("version", AttributeValue.fromN(Integer.toString(version.version())));
    item.put("definition", AttributeValue.fromS(version.definition()));
    item.put("versionArn", AttributeValue.fromS(version.versionArn()));
    item.put("publishedAt", AttributeValue.fromS(Times.format(version.publishedAt())));
    if (version.description() != null) {
      item.put("description", AttributeValue.fromS(version.description()));
    }
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":v", AttributeValue.fromN(Integer.toString(version.version())));
    if (expectedLive > 0) {
      values.put(":expected", AttributeValue.fromN(Integer.toString(expectedLive)));
    }
    values.put(":def", AttributeValue.fromS(version.definition()));
    values.put(":sm", AttributeValue.fromS(stateMachineArn));
    values.put(":alias", AttributeValue.fromS(aliasArn));
    values.put(":now", AttributeValue.fromS(Times.format(version.publishedAt())));
    values.put(":status", AttributeValue.fromS((keepPaused ? Status.PAUSED : Status.ACTIVE).wireName()));
    // The union of every version's waited event types, from the first version this code published
    // (waitsFrom): the router skips an event no version can be waiting for without a Query.
    values.put(":first", AttributeValue.fromN(Integer.toString(version.version())));
    if (!waited.isEmpty()) {
      values.put(":waited", AttributeValue.fromSs(List.copyOf(waited)));
    }
    String addWaited = waited.isEmpty() ? "" : " ADD waitedEvents :waited";
    try {
      ddb.transactWriteItems(b -> b.transactItems(
          TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
              .conditionExpression("attribute_not_exists(sk)").build()).build(),
          TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(id, META))
              .updateExpression("SET liveVersion = :v, liveDefinition = :def, stateMachineArn = :sm, aliasArn = :alias, "
                  + "updatedAt = :now, #st = :status, waitsFrom = if_not_exists(waitsFrom, :first)" + addWaited)
              .conditionExpression(expectedLive == 0
                  ? "attribute_exists(sk) AND attribute_not_exists(liveVersion)"
                  : "attribute_exists(sk) AND liveVersion = :expected")
              .expressionAttributeNames(Map.of("#st", "status"))
              .expressionAttributeValues(values).build()).build(),
          bumpRevision()));
      return true;
    } catch (TransactionCanceledException e) {
      return false;
    }
  }

  /** The current revision stamp (0 before the first publish), read strongly consistently. */
  public long revision() {
    var item = ddb.getItem(b -> b.tableName(table).key(key(REVISION_ID, REVISION_SK)).consistentRead(true)
        .projectionExpression("rev")).item();
    return item == null || !item.containsKey("rev") ? 0 : Long.parseLong(item.get("rev").n());
  }

  private TransactWriteItem bumpRevision() {
    return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(REVISION_ID, REVISION_SK))
        .updateExpression("ADD rev :one")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build();
  }

  /** Moves the status from one of {@code from} to {@code to}; false if the workflow was in none of them. */
  public boolean transition(String id, List<Status> from, Status to, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":to", AttributeValue.fromS(to.wireName()));
    values.put(":now", AttributeValue.fromS(Times.format(now)));
    List<String> placeholders = new ArrayList<>();
    for (int i = 0; i < from.size(); i++) {
      values.put(":f" + i, AttributeValue.fromS(from.get(i).wireName()));
      placeholders.add(":f" + i);
    }
    try {
      ddb.transactWriteItems(b -> b.transactItems(
          TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(id, META))
              .updateExpression("SET #st = :to, updatedAt = :now")
              .conditionExpression("#st IN (" + String.join(", ", placeholders) + ")")
              .expressionAttributeNames(Map.of("#st", "status"))
              .expressionAttributeValues(values).build()).build(),
          bumpRevision()));
      return true;
    } catch (TransactionCanceledException e) {
      return false;
    }
  }

  /** Every workflow's META item, through the sparse index (no scan). */
  public List<Meta> list() {
    List<Meta> result = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(KIND_INDEX)
        .keyConditionExpression("kind = :k")
        .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("workflow")));
    ddb.queryPaginator(q.build()).items().forEach(i -> result.add(toMeta(i)));
    return result;
  }

  /** Published versions, oldest first. */
  public List<Version> versions(String id) {
    List<Version> result = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("id = :id AND begins_with(sk, :v)")
        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(id), ":v", AttributeValue.fromS(VERSION_PREFIX)));
    for (var i : ddb.queryPaginator(q.build()).items()) {
      result.add(new Version(Integer.parseInt(i.get("version").n()), i.get("definition").s(), i.get("versionArn").s(),
          Times.parse(i.get("publishedAt").s()), text(i, "description")));
    }
    return result;
  }

  static String versionKey(int version) {
    return VERSION_PREFIX + String.format(Locale.ROOT, "%06d", version);
  }

  private static Meta toMeta(Map<String, AttributeValue> item) {
    return new Meta(item.get("id").s(),
        Status.valueOf(item.get("status").s().toUpperCase(Locale.ROOT)),
        text(item, "draft"),
        instant(item, "draftUpdatedAt"),
        item.containsKey("liveVersion") ? Integer.parseInt(item.get("liveVersion").n()) : 0,
        text(item, "liveDefinition"),
        text(item, "stateMachineArn"),
        text(item, "aliasArn"),
        instant(item, "createdAt"),
        instant(item, "updatedAt"),
        waitedEvents(item));
  }

  /** Known only when this code recorded every published version (from version 1 on). */
  private static java.util.Set<String> waitedEvents(Map<String, AttributeValue> item) {
    AttributeValue from = item.get("waitsFrom");
    if (from == null || !from.n().equals("1")) {
      return null;
    }
    AttributeValue waited = item.get("waitedEvents");
    return waited == null ? java.util.Set.of() : java.util.Set.copyOf(waited.ss());
  }

}
