package dev.nudge.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the functions' DynamoDB calls would be billed on demand, as DynamoDB Local reports it:
 * each call passing through the local endpoint asks for {@code ReturnConsumedCapacity: INDEXES}
 * (unless it asked itself), and the units in the answer are added up per table and operation.
 * This is how docs/data-model.md's "WCU per journey" is measured rather than estimated: run a
 * journey, read {@code GET /_local/api/capacity}.
 *
 * <p>Transactions are computed from the request (see {@link #transaction}). Only the request
 * gains a field; the response goes back byte for byte (the SDK checks its
 * CRC32), so a function sees a {@code ConsumedCapacity} it did not ask for, which it ignores.
 *
 * <p>Opt-in: parsing and re-serialising every request (and parsing every answer) cost more CPU
 * than the rest of the local endpoint's hop, so the meter only runs once someone measures:
 * from the first {@link DynamoDbServer#capacity()} call (which {@code GET /_local/api/capacity}
 * makes), or from the start with {@code -Dnudge.local.capacity=true}. Units are counted from
 * then on.
 */
public final class CapacityMeter {
  private static final Set<String> METERED = Set.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
      "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems");

  /** Units and calls of one table and operation. */
  public record Usage(double readUnits, double writeUnits, long calls) {}

  private final Map<String, DoubleAdder[]> units = new ConcurrentHashMap<>();
  // Off until capacity is first asked for (or -Dnudge.local.capacity=true): metering parses and
  // rewrites every DynamoDB call on the local request path.
  private volatile boolean enabled = Boolean.getBoolean("nudge.local.capacity");
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  /** Starts metering the calls that follow (idempotent). */
  void enable() {
    enabled = true;
  }

  /** Whether calls are being metered. */
  public boolean enabled() {
    return enabled;
  }

  /** The request to send: {@code body} with ReturnConsumedCapacity added for a metered operation. */
  byte[] request(String operation, byte[] body) {
    if (!enabled || !METERED.contains(operation)) {
      return body;
    }
    try {
      JsonNode json = Json.parse(body);
      if (!(json instanceof ObjectNode object) || object.has("ReturnConsumedCapacity")) {
        return body;
      }
      object.put("ReturnConsumedCapacity", "INDEXES");
      return Json.bytes(object);
    } catch (RuntimeException e) {
      return body; // not JSON: DynamoDB Local answers the error itself
    }
  }

  /** Adds what a successful answer of {@code operation} (to {@code request}) costs. */
  void record(String operation, byte[] request, int status, byte[] response) {
    if (!enabled || !METERED.contains(operation) || status != 200) {
      return;
    }
    if (operation.startsWith("Transact")) {
      transaction(operation, request);
      return;
    }
    JsonNode consumed;
    try {
      consumed = Json.parse(response).path("ConsumedCapacity");
    } catch (RuntimeException e) {
      return;
    }
    if (consumed.isArray()) {
      consumed.forEach(c -> add(operation, c));
    } else if (consumed.isObject()) {
      add(operation, consumed);
    }
  }

  private void add(String operation, JsonNode capacity) {
    String table = capacity.path("TableName").asText("?");
    JsonNode tableUnits = capacity.path("Table");
    double read = capacity.path("ReadCapacityUnits").asDouble(tableUnits.path("ReadCapacityUnits").asDouble());
    double write = capacity.path("WriteCapacityUnits").asDouble(tableUnits.path("WriteCapacityUnits").asDouble());
    // With INDEXES, the table's own units are under Table and each index's apart; the totals
    // (ReadCapacityUnits/WriteCapacityUnits at the top, or CapacityUnits) include the indexes.
    if (capacity.has("CapacityUnits") && !capacity.has("ReadCapacityUnits") && !capacity.has("WriteCapacityUnits")) {
      double total = capacity.path("CapacityUnits").asDouble();
      if (operation.startsWith("Get") || operation.equals("Query") || operation.equals("Scan")
          || operation.equals("BatchGetItem") || operation.equals("TransactGetItems")) {
        read = total;
      } else {
        write = total;
      }
    }
    add(table, operation, read, write);
  }

  /**
   * DynamoDB bills each item of a transaction twice (prepare and commit: "Capacity unit
   * consumption for transactions"), 2 WCU per KB written or 2 RCU per 4 KB read. DynamoDB Local
   * reports a flat 2 units per table whatever the number of items, so the units are computed
   * from the request instead: a Put from its item's size, an Update, Delete or ConditionCheck (whose
   * stored item the request does not show) as one unit, which holds for Nudge's transactional
   * items (markers, counters, profiles, all under 1 KB). Index writes are not included.
   */
  private void transaction(String operation, byte[] request) {
    JsonNode items;
    try {
      items = Json.parse(request).path("TransactItems");
    } catch (RuntimeException e) {
      return;
    }
    boolean reads = operation.equals("TransactGetItems");
    Map<String, Double> byTable = new java.util.LinkedHashMap<>();
    for (JsonNode entry : items) {
      var fields = entry.fields();
      if (!fields.hasNext()) {
        continue;
      }
      var action = fields.next();
      JsonNode body = action.getValue();
      double units = 1;
      if (action.getKey().equals("Put")) {
        units = Math.max(1, Math.ceil(itemSize(body.path("Item")) / 1024.0));
      }
      byTable.merge(body.path("TableName").asText("?"), 2 * units, Double::sum);
    }
    byTable.forEach((table, units) -> add(table, operation, reads ? units : 0, reads ? 0 : units));
  }

  /** An item's size as DynamoDB counts it: attribute names plus values (approximate for numbers). */
  static long itemSize(JsonNode item) {
    long size = 0;
    var fields = item.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      size += field.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + valueSize(field.getValue());
    }
    return size;
  }

  private static long valueSize(JsonNode value) {
    var fields = value.fields();
    if (!fields.hasNext()) {
      return 1;
    }
    var typed = fields.next();
    JsonNode v = typed.getValue();
    return switch (typed.getKey()) {
      case "S", "B" -> v.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      case "N" -> v.asText().length() / 2 + 1;
      case "M" -> 3 + itemSize(v);
      case "L", "SS", "NS", "BS" -> {
        long total = 3;
        for (JsonNode element : v) {
          total += element.isTextual() ? element.asText().length() : valueSize(element) + 1;
        }
        yield total;
      }
      default -> 1;
    };
  }

  private void add(String table, String operation, double read, double write) {
    String key = table + "\u0000" + operation;
    DoubleAdder[] adders = units.computeIfAbsent(key, k -> new DoubleAdder[] {new DoubleAdder(), new DoubleAdder()});
    adders[0].add(read);
    adders[1].add(write);
    calls.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** table → operation → usage since the start or the last {@link #reset()}. */
  public Map<String, Map<String, Usage>> usage() {
    Map<String, Map<String, Usage>> result = new TreeMap<>();
    units.forEach((key, adders) -> {
      String[] parts = key.split("\u0000", 2);
      result.computeIfAbsent(parts[0], t -> new TreeMap<>()).put(parts[1],
          new Usage(adders[0].sum(), adders[1].sum(), calls.get(key).sum()));
    });
    return result;
  }

  /** The write units of {@code table} (all operations), since the start or the last reset. */
  public double writeUnits(String table) {
    return usage().getOrDefault(table, Map.of()).values().stream().mapToDouble(Usage::writeUnits).sum();
  }

  public void reset() {
    units.clear();
    calls.clear();
  }

  /** {@code {tables: {name: {readUnits, writeUnits, operations: {op: {...}}}}, readUnits, writeUnits}}. */
  public ObjectNode toJson() {
    ObjectNode body = Json.object();
    ObjectNode tables = body.putObject("tables");
    double[] totals = new double[2];
    usage().forEach((table, operations) -> {
      ObjectNode t = tables.putObject(table);
      ObjectNode ops = t.putObject("operations");
      double[] sums = new double[2];
      operations.forEach((op, u) -> {
        ops.putObject(op).put("calls", u.calls()).put("readUnits", u.readUnits()).put("writeUnits", u.writeUnits());
        sums[0] += u.readUnits();
        sums[1] += u.writeUnits();
      });
      t.put("readUnits", sums[0]).put("writeUnits", sums[1]);
      totals[0] += sums[0];
      totals[1] += sums[1];
    });
    body.put("readUnits", totals[0]).put("writeUnits", totals[1]);
    return body;
  }
}
