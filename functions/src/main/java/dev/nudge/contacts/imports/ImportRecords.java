package dev.nudge.contacts.imports;

import dev.nudge.platform.Items;
import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Imports in the workflows table (docs/data-model.md, "Contact imports"): the import
 * ({@code id = import:<sha-256>}, {@code sk = META}) with its checkpoint and counts, and one item per
 * bad row ({@code sk = E#<line, 10 digits>}), keyed by line so that a stretch of lines processed again
 * after a crash overwrites its own errors instead of adding to them.
 */
public final class ImportRecords {
  static final String PREFIX = "import:";
  private static final String META = "META";
  private static final String ERROR = "E#";

  private final DynamoDbClient ddb;
  private final String table;

  public ImportRecords(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String importId, String sk) {
    return Map.of("id", AttributeValue.fromS(PREFIX + importId), "sk", AttributeValue.fromS(sk));
  }

  public Optional<ImportStatus> find(String importId) {
    Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(key(importId, META)).consistentRead(true))
        .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ImportStatus(importId, Items.text(item, "key"), Items.text(item, "status"),
        Items.text(item, "format"), number(item, "rows"), number(item, "imported"), number(item, "unchanged"),
        number(item, "failed"), number(item, "line"), Items.instant(item, "startedAt"), Items.instant(item, "finishedAt"),
        Items.text(item, "report")));
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  /** Records a new import (running, nothing counted); false when it exists already. */
  public boolean create(String importId, String objectKey, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>(key(importId, META));
    item.put("key", AttributeValue.fromS(objectKey));
    item.put("status", AttributeValue.fromS(ImportStatus.RUNNING));
    item.put("startedAt", AttributeValue.fromS(Times.format(now)));
    for (String count : List.of("rows", "imported", "unchanged", "failed", "line")) {
      item.put(count, AttributeValue.fromN("0"));
    }
    try {
      ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(sk)"));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      return false;
    }
  }

  /**
   * Takes the import for one invocation until {@code until}: false when another invocation holds it
   * (a duplicate upload of the same content while the first runs). The lease ends with the
   * invocation's own deadline, so a crashed holder never blocks the import for long.
   */
  public boolean lease(String importId, String owner, Instant now, Instant until) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(importId, META))
          .updateExpression("SET leaseOwner = :owner, leaseUntil = :until")
          .conditionExpression("#s = :running AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)")
          .expressionAttributeNames(Map.of("#s", "status"))
          .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner),
              ":until", AttributeValue.fromS(Times.format(until)), ":now", AttributeValue.fromS(Times.format(now)),
              ":running", AttributeValue.fromS(ImportStatus.RUNNING))));
      return true;
    } catch (ConditionalCheckFailedException held) {
      return false;
    }
  }

  /** The counts and the line reached, written after the batch's rows and errors are. */
  public void checkpoint(ImportStatus progress, String format, boolean release) {
    ddb.updateItem(b -> b.tableName(table).key(key(progress.importId(), META))
        .updateExpression("SET #rows = :rows, imported = :imported, unchanged = :unchanged, failed = :failed, "
            + "line = :line, #format = :format" + (release ? " REMOVE leaseUntil, leaseOwner" : ""))
        .expressionAttributeNames(Map.of("#rows", "rows", "#format", "format"))
        .expressionAttributeValues(counts(progress, format)));
  }

  public void finish(ImportStatus progress, String format, String status, String report, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>(counts(progress, format));
    values.put(":status", AttributeValue.fromS(status));
    values.put(":finishedAt", AttributeValue.fromS(Times.format(now)));
    values.put(":report", report == null ? AttributeValue.fromNul(true) : AttributeValue.fromS(report));
    ddb.updateItem(b -> b.tableName(table).key(key(progress.importId(), META))
        .updateExpression("SET #rows = :rows, imported = :imported, unchanged = :unchanged, failed = :failed, "
            + "line = :line, #format = :format, #s = :status, finishedAt = :finishedAt, report = :report "
            + "REMOVE leaseUntil, leaseOwner")
        .expressionAttributeNames(Map.of("#rows", "rows", "#format", "format", "#s", "status"))
        .expressionAttributeValues(values));
  }

  private static Map<String, AttributeValue> counts(ImportStatus p, String format) {
    return Map.of(":rows", n(p.rows()), ":imported", n(p.imported()), ":unchanged", n(p.unchanged()),
        ":failed", n(p.failed()), ":line", n(p.line()), ":format", AttributeValue.fromS(format == null ? "" : format));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  /** Stores the errors of a batch (25 a request, unprocessed items sent again). */
  public void putErrors(String importId, List<RowError> errors) {
    List<WriteRequest> pending = new ArrayList<>();
    for (RowError error : errors) {
      Map<String, AttributeValue> item = new HashMap<>(key(importId, ERROR + String.format(Locale.ROOT, "%010d", error.line())));
      item.put("line", n(error.line()));
      item.put("field", AttributeValue.fromS(error.field() == null ? "" : error.field()));
      item.put("message", AttributeValue.fromS(error.message()));
      pending.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    for (int from = 0; from < pending.size(); from += 25) {
      List<WriteRequest> chunk = pending.subList(from, Math.min(pending.size(), from + 25));
      Map<String, List<WriteRequest>> request = Map.of(table, chunk);
      for (int attempt = 0; !request.isEmpty(); attempt++) {
        if (attempt > 0) {
          pause(attempt);
        }
        Map<String, List<WriteRequest>> current = request;
        BatchWriteItemResponse response = ddb.batchWriteItem(b -> b.requestItems(current));
        request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(Math.min(1000, 25L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The first {@code limit} errors, by line. */
  public List<RowError> errors(String importId, int limit) {
    List<RowError> errors = new ArrayList<>();
    forEachError(importId, limit, errors::add);
    return errors;
  }

  /** Every error by line (paginated), at most {@code limit}. */
  public void forEachError(String importId, long limit, Consumer<RowError> into) {
    Map<String, AttributeValue> start = null;
    long seen = 0;
    do {
      QueryRequest.Builder query = QueryRequest.builder().tableName(table)
          .keyConditionExpression("id = :id AND begins_with(sk, :e)")
          .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(PREFIX + importId), ":e", AttributeValue.fromS(ERROR)))
          .limit((int) Math.min(1000, limit - seen));
      if (start != null) {
        query.exclusiveStartKey(start);
      }
      QueryResponse page = ddb.query(query.build());
      for (Map<String, AttributeValue> item : page.items()) {
        into.accept(new RowError(number(item, "line"), Items.text(item, "field"), Items.text(item, "message")));
        seen++;
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null && seen < limit);
  }
}
