package dev.nudge.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ContactService.ConsentRequest;
import dev.nudge.contacts.ContactService.IdentifyCommand;
import dev.nudge.contacts.Identity;
import dev.nudge.contacts.Location;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.platform.ApiException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parses and validates a POST /v1/identify body into an {@link IdentifyCommand}. */
public final class IdentifyRequest {
  static final Set<String> FIELDS = Set.of("contactId", "email", "phone", "anonymousId", "attributes",
      "timezone", "locale", "lists", "leadScore", "consent", "location");
  static final int MAX_ATTRIBUTES = 100;
  static final int MAX_LISTS = 50;

  private IdentifyRequest() {}

  public static IdentifyCommand parse(JsonNode body, Caller caller) {
    ObjectNode root = Validation.object(body, null);
    Validation.onlyFields(root, "", FIELDS);
    Identity identity = IdentityFields.parse(root, "", caller);
    Map<String, Optional<Attribute>> attributes = attributes(root.get("attributes"));
    String timezone = Validation.timezone(root, "timezone", "");
    String locale = Validation.locale(root, "locale", "");
    Location location = location(root.get("location"));
    Set<String> add = new LinkedHashSet<>();
    Set<String> remove = new LinkedHashSet<>();
    JsonNode lists = root.get("lists");
    if (lists != null && !lists.isNull()) {
      ObjectNode l = Validation.object(lists, "lists");
      Validation.onlyFields(l, "lists.", Set.of("add", "remove"));
      listNames(l.get("add"), "lists.add", add);
      listNames(l.get("remove"), "lists.remove", remove);
      for (String name : add) {
        if (remove.contains(name)) {
          throw ApiException.invalid("lists.remove", "list " + name + " is both added and removed");
        }
      }
    }
    Long leadScore = null;
    JsonNode score = root.get("leadScore");
    if (score != null && !score.isNull()) {
      if (caller instanceof Caller.Browser) {
        throw ApiException.forbidden("leadScore", "a write key may not set the lead score");
      }
      if (!score.isIntegralNumber() || !score.canConvertToLong()) {
        throw ApiException.invalid("leadScore", "leadScore must be an integer");
      }
      leadScore = score.longValue();
    }
    Map<Channel, ConsentRequest> consent = consent(root.get("consent"), caller);
    return new IdentifyCommand(identity, new ProfileUpdate(identity.email(), identity.phone(), attributes, timezone,
        locale, add, remove, leadScore, Map.of(), location), consent);
  }

  private static Map<String, Optional<Attribute>> attributes(JsonNode node) {
    Map<String, Optional<Attribute>> result = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return result;
    }
    ObjectNode object = Validation.object(node, "attributes");
    if (object.size() > MAX_ATTRIBUTES) {
      throw ApiException.invalid("attributes", "attributes may have at most " + MAX_ATTRIBUTES + " entries");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      var entry = it.next();
      String field = "attributes." + entry.getKey();
      if (!Validation.ATTRIBUTE_NAME.matcher(entry.getKey()).matches()) {
        throw ApiException.invalid(field, "attribute names are 1 to 64 letters, digits, '_' or '-', not starting with a digit");
      }
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        result.put(entry.getKey(), Optional.empty());
      } else if (value.isTextual()) {
        if (value.asText().length() > Validation.MAX_STRING) {
          throw ApiException.invalid(field, field + " is longer than " + Validation.MAX_STRING + " characters");
        }
        result.put(entry.getKey(), Optional.of(new Attribute.Text(value.asText())));
      } else if (value.isNumber()) {
        result.put(entry.getKey(), Optional.of(new Attribute.Number(Validation.number(value, field))));
      } else if (value.isBoolean()) {
        result.put(entry.getKey(), Optional.of(new Attribute.Flag(value.booleanValue())));
      } else {
        throw ApiException.invalid(field, field + " must be a string, number, boolean or null (null removes it)");
      }
    }
    return result;
  }

  /** {@code location: {country, region, city, lat, lon}}, every part optional, lat and lon together. */
  private static Location location(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    ObjectNode l = Validation.object(node, "location");
    Validation.onlyFields(l, "location.", Set.of("country", "region", "city", "lat", "lon"));
    String country = Validation.country(l, "country", "location.");
    String region = Validation.text(l, "region", "location.", MAX_PLACE);
    String city = Validation.text(l, "city", "location.", MAX_PLACE);
    Double lat = Validation.degrees(l, "lat", "location.", 90);
    Double lon = Validation.degrees(l, "lon", "location.", 180);
    if ((lat == null) != (lon == null)) {
      String missing = lat == null ? "lat" : "lon";
      throw ApiException.invalid("location." + missing, "location.lat and location.lon go together: give both or neither");
    }
    Location location = new Location(country, region, city, lat, lon);
    if (location.isEmpty()) {
      throw ApiException.invalid("location", "location needs at least one of country, region, city or lat and lon");
    }
    return location;
  }

  static final int MAX_PLACE = 128;

  private static void listNames(JsonNode node, String field, Set<String> into) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isArray() || node.size() > MAX_LISTS) {
      throw ApiException.invalid(field, field + " must be an array of at most " + MAX_LISTS + " list names");
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode name = node.get(i);
      if (!name.isTextual() || !Validation.LIST_NAME.matcher(name.asText()).matches()) {
        throw ApiException.invalid(field + "[" + i + "]", "list names are 1 to 64 lower-case letters, digits, '_' or '-'");
      }
      into.add(name.asText());
    }
  }

  private static Map<Channel, ConsentRequest> consent(JsonNode node, Caller caller) {
    Map<Channel, ConsentRequest> result = new EnumMap<>(Channel.class);
    if (node == null || node.isNull()) {
      return result;
    }
    ObjectNode object = Validation.object(node, "consent");
    Validation.onlyFields(object, "consent.", Set.of("email", "sms"));
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      var entry = it.next();
      String prefix = "consent." + entry.getKey() + ".";
      ObjectNode c = Validation.object(entry.getValue(), "consent." + entry.getKey());
      Validation.onlyFields(c, prefix, Set.of("status", "source", "doubleOptIn"));
      String status = Validation.text(c, "status", prefix, 32);
      ConsentStatus parsed = status == null ? null : ConsentStatus.fromWire(status).orElse(null);
      if (parsed == null || parsed == ConsentStatus.PENDING) {
        throw ApiException.invalid(prefix + "status",
            prefix + "status must be subscribed or unsubscribed (doubleOptIn: true leaves it pending)");
      }
      String source = Validation.text(c, "source", prefix, 128);
      JsonNode doubleOptIn = c.get("doubleOptIn");
      if (doubleOptIn != null && !doubleOptIn.isNull() && !doubleOptIn.isBoolean()) {
        throw ApiException.invalid(prefix + "doubleOptIn", prefix + "doubleOptIn must be a boolean");
      }
      boolean confirm = doubleOptIn != null && doubleOptIn.asBoolean(false);
      if (caller instanceof Caller.Browser) {
        if (parsed != ConsentStatus.SUBSCRIBED) {
          throw ApiException.forbidden(prefix + "status",
              "a write key may only ask to subscribe; unsubscribing goes through the signed links in messages");
        }
        // Anyone can type anyone's address into a web form: only the address owner may confirm.
        confirm = true;
      }
      result.put(Channel.fromWire(entry.getKey()).orElseThrow(),
          new ConsentRequest(parsed, source != null ? source : caller instanceof Caller.Browser ? "browser" : "api",
              confirm));
    }
    return result;
  }
}
