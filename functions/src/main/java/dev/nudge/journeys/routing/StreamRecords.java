package dev.nudge.journeys.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * Reads the events table's stream records as Lambda delivers them: attribute values in
 * DynamoDB's JSON ({"S": ...}, {"N": ...}, {"M": ...}). Hand-written because the SDK's converter
 * works on SDK objects, not JSON, and aws-lambda-java-events would bring reflection to cold start.
 */
public final class StreamRecords {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StreamRecords() {}

  /** What a consumer does with one new event; an exception fails the batch from this record. */
  public interface EventConsumer {
    void accept(ObjectNode event, String sequence);
  }

  /**
   * The events stream's consumer loop, shared by the router and the contact-state consumer: each
   * INSERT record's event in order; on the first failure, the record is reported as the batch's
   * failure ({@code {"batchItemFailures": [{"itemIdentifier": <sequence number>}]}}) so the stream
   * retries from it, keeping per-contact order. The exception message may quote event
   * properties, so only its type and the ids are logged.
   */
  public static ObjectNode eachInsert(JsonNode streamEvent, dev.nudge.platform.Log log, String failure,
      EventConsumer consumer) {
    ObjectNode response = F.objectNode();
    ArrayNode failures = response.putArray("batchItemFailures");
    for (JsonNode record : streamEvent.path("Records")) {
      JsonNode dynamodb = record.path("dynamodb");
      String sequence = dynamodb.path("SequenceNumber").asText();
      if (!"INSERT".equals(record.path("eventName").asText()) || !dynamodb.has("NewImage")) {
        continue;
      }
      try {
        consumer.accept(event(dynamodb.get("NewImage")), sequence);
      } catch (RuntimeException e) {
        log.error(failure, java.util.Map.of("sequence", sequence, "exception", e.getClass().getName(),
            "eventId", dynamodb.path("Keys").path("eventId").path("S").asText()));
        failures.addObject().put("itemIdentifier", sequence);
        break;
      }
    }
    return response;
  }

  /** The event document the router routes, from a record's NewImage. */
  public static ObjectNode event(JsonNode newImage) {
    ObjectNode item = (ObjectNode) plain(F.objectNode().set("M", newImage));
    ObjectNode event = F.objectNode();
    event.put("id", item.path("eventId").asText());
    event.put("type", item.path("type").asText());
    event.put("contactId", item.path("contactId").asText());
    event.set("properties", item.path("properties").isObject() ? item.get("properties") : F.objectNode());
    if (item.hasNonNull("occurredAt")) {
      event.put("occurredAt", item.get("occurredAt").asText());
    }
    if (item.hasNonNull("source")) {
      event.put("source", item.get("source").asText());
    }
    return event;
  }

  /** One attribute value in DynamoDB JSON as plain JSON. */
  static JsonNode plain(JsonNode value) {
    if (value.has("S")) {
      return F.textNode(value.get("S").asText());
    }
    if (value.has("N")) {
      BigDecimal n = new BigDecimal(value.get("N").asText());
      return n.scale() <= 0 && n.precision() - n.scale() <= 18 ? F.numberNode(n.longValueExact()) : F.numberNode(n);
    }
    if (value.has("BOOL")) {
      return F.booleanNode(value.get("BOOL").asBoolean());
    }
    if (value.has("M")) {
      ObjectNode object = F.objectNode();
      value.get("M").fields().forEachRemaining(e -> object.set(e.getKey(), plain(e.getValue())));
      return object;
    }
    if (value.has("L")) {
      ArrayNode array = F.arrayNode();
      value.get("L").forEach(v -> array.add(plain(v)));
      return array;
    }
    if (value.has("SS")) {
      ArrayNode array = F.arrayNode();
      value.get("SS").forEach(v -> array.add(v.asText()));
      return array;
    }
    if (value.has("NS")) {
      ArrayNode array = F.arrayNode();
      value.get("NS").forEach(v -> array.add(plain(F.objectNode().put("N", v.asText()))));
      return array;
    }
    return F.nullNode();
  }
}
