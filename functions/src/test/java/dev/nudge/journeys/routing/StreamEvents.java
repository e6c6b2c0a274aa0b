package dev.nudge.journeys.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds the JSON Lambda delivers for the events table's stream (INSERT records, NEW_IMAGE). */
public final class StreamEvents {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StreamEvents() {}

  /** One INSERT record per event document, sequence numbers from {@code firstSequence}. */
  public static ObjectNode inserts(long firstSequence, List<ObjectNode> events) {
    ObjectNode root = F.objectNode();
    ArrayNode records = root.putArray("Records");
    long sequence = firstSequence;
    for (ObjectNode event : events) {
      ObjectNode record = records.addObject();
      record.put("eventID", "e" + sequence);
      record.put("eventName", "INSERT");
      record.put("eventVersion", "1.1");
      record.put("eventSource", "aws:dynamodb");
      record.put("awsRegion", "us-east-1");
      ObjectNode dynamodb = record.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", 1.77E9);
      ObjectNode keys = dynamodb.putObject("Keys");
      keys.putObject("contactId").put("S", event.get("contactId").asText());
      keys.putObject("eventId").put("S", event.get("id").asText());
      ObjectNode image = dynamodb.putObject("NewImage");
      image.putObject("contactId").put("S", event.get("contactId").asText());
      image.putObject("eventId").put("S", event.get("id").asText());
      image.putObject("type").put("S", event.get("type").asText());
      if (event.path("properties").size() > 0) {
        image.set("properties", wire(event.get("properties")));
      }
      image.putObject("occurredAt").put("S", event.get("occurredAt").asText());
      image.putObject("receivedAt").put("S", event.get("occurredAt").asText());
      image.putObject("source").put("S", event.path("source").asText("server:test"));
      image.putObject("expiresAt").put("N", "1800000000");
      dynamodb.put("SequenceNumber", Long.toString(sequence++));
      dynamodb.put("SizeBytes", 200);
      dynamodb.put("StreamViewType", "NEW_IMAGE");
      record.put("eventSourceARN", "arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/2026-01-01T00:00:00.000");
    }
    return root;
  }

  /** A plain JSON value in DynamoDB's JSON. */
  static JsonNode wire(JsonNode value) {
    ObjectNode out = F.objectNode();
    if (value.isObject()) {
      ObjectNode m = out.putObject("M");
      value.fields().forEachRemaining(e -> m.set(e.getKey(), wire(e.getValue())));
    } else if (value.isArray()) {
      ArrayNode l = out.putArray("L");
      value.forEach(v -> l.add(wire(v)));
    } else if (value.isNumber()) {
      out.put("N", value.asText());
    } else if (value.isBoolean()) {
      out.put("BOOL", value.asBoolean());
    } else if (value.isNull()) {
      out.put("NULL", true);
    } else {
      out.put("S", value.asText());
    }
    return out;
  }
}
