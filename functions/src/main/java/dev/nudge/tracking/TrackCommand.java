package dev.nudge.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Identity;
import dev.nudge.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One validated event of a POST /v1/track request. {@code occurredAt} defaults to the time received. */
public record TrackCommand(String eventId, String type, Identity identity, ObjectNode properties, Instant occurredAt) {
  static final Set<String> FIELDS =
      Set.of("id", "type", "contactId", "email", "phone", "anonymousId", "properties", "occurredAt");

  /**
   * Parses a single event or {@code {"batch":[...]}} (1 to 100 events). The whole request is
   * validated before anything is written: one bad event refuses the batch, naming it.
   */
  public static List<TrackCommand> parse(JsonNode body, Caller caller, Instant now, Duration retention) {
    var root = Validation.object(body, null);
    if (!root.has("batch")) {
      return List.of(parseOne(root, "", caller, now, retention));
    }
    Validation.onlyFields(root, "", Set.of("batch"));
    JsonNode batch = root.get("batch");
    if (!batch.isArray() || batch.isEmpty() || batch.size() > Validation.MAX_BATCH) {
      throw ApiException.invalid("batch", "batch must be an array of 1 to " + Validation.MAX_BATCH + " events");
    }
    List<TrackCommand> commands = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String prefix = "batch[" + i + "]";
      commands.add(parseOne(Validation.object(batch.get(i), prefix), prefix + ".", caller, now, retention));
    }
    return commands;
  }

  private static TrackCommand parseOne(ObjectNode event, String prefix, Caller caller, Instant now, Duration retention) {
    Validation.onlyFields(event, prefix, FIELDS);
    String id = Validation.id(event, "id", prefix);
    if (id == null) {
      throw ApiException.invalid(prefix + "id", prefix + "id is required (it makes retries safe)");
    }
    String type = Validation.matching(event, "type", prefix, Validation.EVENT_TYPE,
        EventTypes.DESCRIPTION);
    if (type == null) {
      throw ApiException.invalid(prefix + "type", prefix + "type is required");
    }
    if (type.length() > 64) {
      throw ApiException.invalid(prefix + "type", prefix + "type must be at most 64 characters");
    }
    if (caller instanceof Caller.Browser && !isBrowserEvent(type)) {
      throw ApiException.forbidden(prefix + "type", "a write key may only send page and form events");
    }
    Identity identity = IdentityFields.parse(event, prefix, caller);
    ObjectNode properties = Validation.properties(event.get("properties"), prefix + "properties");
    Instant occurredAt = Validation.timestamp(event, "occurredAt", prefix, now, retention);
    return new TrackCommand(id, type, identity, properties, occurredAt == null ? now : occurredAt);
  }

  static boolean isBrowserEvent(String type) {
    return type.equals("page") || type.startsWith("page.") || type.equals("form") || type.startsWith("form.");
  }
}
