package dev.nudge.contacts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import java.util.List;
import java.util.TreeSet;

/** The JSON shapes of contacts and events in API responses (docs/openapi.yaml: Contact, Event). */
public final class ContactJson {
  private ContactJson() {}

  /**
   * The contact as the API and message templates show it: {@code leadScore} decayed to {@code now}
   * (the stored score is the score at its last change; it decays lazily, never by a write).
   */
  public static ObjectNode contact(Contact c, java.time.Instant now) {
    ObjectNode out = contact(c);
    out.put("leadScore", c.leadScore(now));
    return out;
  }

  public static ObjectNode contact(Contact c) {
    ObjectNode out = Json.object();
    out.put("id", c.id());
    out.put("email", c.email());
    out.put("phone", c.phone());
    ObjectNode attributes = out.putObject("attributes");
    c.attributes().forEach((k, v) -> {
      if (v instanceof Attribute.Text t) {
        attributes.put(k, t.value());
      } else if (v instanceof Attribute.Number n) {
        attributes.put(k, n.value());
      } else {
        attributes.put(k, ((Attribute.Flag) v).value());
      }
    });
    ObjectNode consent = out.putObject("consent");
    c.consent().forEach((ch, v) -> {
      ObjectNode o = consent.putObject(ch.wireName());
      o.put("status", v.status().wireName());
      o.put("source", v.source());
      o.put("at", Times.format(v.at()));
    });
    ObjectNode suppression = out.putObject("suppression");
    c.suppression().forEach((ch, v) -> {
      ObjectNode o = suppression.putObject(ch.wireName());
      o.put("reason", v.reason().wireName());
      o.put("at", Times.format(v.at()));
    });
    out.put("timezone", c.timezone());
    out.put("locale", c.locale());
    if (c.location() != null) {
      ObjectNode location = out.putObject("location");
      location.put("country", c.location().country());
      location.put("region", c.location().region());
      location.put("city", c.location().city());
      location.put("lat", c.location().lat());
      location.put("lon", c.location().lon());
    } else {
      out.putNull("location");
    }
    ArrayNode lists = out.putArray("lists");
    new TreeSet<>(c.lists()).forEach(lists::add);
    out.put("leadScore", c.leadScore());
    out.put("createdAt", Times.format(c.createdAt()));
    out.put("updatedAt", Times.format(c.updatedAt()));
    out.put("lastSeenAt", c.lastSeenAt().map(Times::format).orElse(null));
    ObjectNode events = out.putObject("events");
    c.events().values().stream().sorted(java.util.Comparator.comparing(EventStats::type)).forEach(s -> {
      ObjectNode o = events.putObject(s.type());
      o.put("count", s.count());
      o.put("firstAt", Times.format(s.firstAt()));
      o.put("lastAt", Times.format(s.lastAt()));
    });
    ArrayNode merged = out.putArray("mergedIds");
    new TreeSet<>(c.mergedIds()).forEach(merged::add);
    return out;
  }

  public static ArrayNode timeline(List<TrackedEvent> events) {
    ArrayNode out = Json.array();
    for (TrackedEvent e : events) {
      ObjectNode o = out.addObject();
      o.put("id", e.eventId());
      o.put("contactId", e.contactId());
      o.put("type", e.type());
      o.set("properties", e.properties());
      o.put("occurredAt", Times.format(e.occurredAt()));
      o.put("receivedAt", Times.format(e.receivedAt()));
      o.put("source", e.source());
    }
    return out;
  }
}
