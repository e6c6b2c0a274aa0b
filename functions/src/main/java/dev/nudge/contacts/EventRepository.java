package dev.nudge.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.DynamoJson;
import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The events table: one item per event, key (contactId, eventId). Its stream (NEW_IMAGE) is the
 * outbox the router reads; an item is written once, so each event yields one INSERT record.
 */
public final class EventRepository {
  private final DynamoDbClient ddb;
  private final String table;

  public EventRepository(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /**
   * Stores the event unless one with its id exists for the contact. The condition makes the check
   * and the write one atomic step: a retried request writes nothing and emits no stream record.
   *
   * @return true if stored, false if it was a duplicate
   */
  public boolean putIfAbsent(TrackedEvent event, Instant expiresAt) {
    return putIfAbsent(event, expiresAt, null);
  }

  /**
   * As {@link #putIfAbsent(TrackedEvent, Instant)}, with where the contact was first seen
   * ({@code firstSeenAt}, may be null): tracking by an unchecked contact id does not create the
   * profile itself, and whichever stream consumer first finds it missing creates it with this.
   */
  public boolean putIfAbsent(TrackedEvent event, Instant expiresAt, Location firstSeenAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    if (firstSeenAt != null && !firstSeenAt.isEmpty()) {
      item.put("firstSeenAt", ContactRepository.location(firstSeenAt));
    }
    item.put("contactId", AttributeValue.fromS(event.contactId()));
    item.put("eventId", AttributeValue.fromS(event.eventId()));
    item.put("type", AttributeValue.fromS(event.type()));
    if (event.properties() != null && !event.properties().isEmpty()) {
      item.put("properties", DynamoJson.toAttribute(event.properties()));
    }
    item.put("occurredAt", AttributeValue.fromS(Times.format(event.occurredAt())));
    item.put("receivedAt", AttributeValue.fromS(Times.format(event.receivedAt())));
    item.put("source", AttributeValue.fromS(event.source()));
    item.put("expiresAt", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
    try {
      ddb.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(eventId)")
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE));
      return true;
    } catch (ConditionalCheckFailedException duplicate) {
      return false;
    }
  }

  /** What a stored event says about its contact's first sighting: when it arrived, and where from (may be null). */
  public record Sighting(Instant receivedAt, Location firstSeenAt) {}

  /** The event's sighting, read strongly consistently; empty if the event is not stored (never, or erased). */
  public java.util.Optional<Sighting> sighting(String contactId, String eventId) {
    var item = ddb.getItem(b -> b.tableName(table).consistentRead(true)
        .key(Map.of("contactId", AttributeValue.fromS(contactId), "eventId", AttributeValue.fromS(eventId)))
        .projectionExpression("receivedAt, firstSeenAt")).item();
    if (item == null || !item.containsKey("receivedAt")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Sighting(Times.parse(item.get("receivedAt").s()),
        item.containsKey("firstSeenAt") ? ContactRepository.location(item.get("firstSeenAt").m()) : null));
  }

  /** The contact's events across the given ids (a contact and the anonymous ids merged into it), newest first. */
  public List<TrackedEvent> timeline(List<String> contactIds, int limit) {
    List<TrackedEvent> events = new ArrayList<>();
    for (String id : contactIds) {
      for (var item : query(id, null)) {
        events.add(toEvent(item));
      }
    }
    events.sort(Comparator.comparing(TrackedEvent::occurredAt).reversed().thenComparing(TrackedEvent::eventId));
    return events.size() > limit ? List.copyOf(events.subList(0, limit)) : events;
  }

  /** Deletes every event of the contact id; returns how many. */
  public int deleteAll(String contactId) {
    List<Map<String, AttributeValue>> keys = query(contactId, "contactId, eventId");
    List<WriteRequest> deletes = new ArrayList<>();
    for (var key : keys) {
      deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(key)).build());
    }
    BatchWriter.write(ddb, table, deletes);
    return keys.size();
  }

  public int count(String contactId) {
    return query(contactId, "eventId").size();
  }

  private List<Map<String, AttributeValue>> query(String contactId, String projection) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("contactId = :c")
        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contactId)));
    if (projection != null) {
      q.projectionExpression(projection);
    }
    ddb.queryPaginator(q.build()).items().forEach(items::add);
    return items;
  }

  private static TrackedEvent toEvent(Map<String, AttributeValue> item) {
    AttributeValue properties = item.get("properties");
    return new TrackedEvent(item.get("contactId").s(), item.get("eventId").s(), item.get("type").s(),
        properties == null ? dev.nudge.platform.Json.object() : (ObjectNode) DynamoJson.toJson(properties),
        Times.parse(item.get("occurredAt").s()), Times.parse(item.get("receivedAt").s()), item.get("source").s());
  }
}
