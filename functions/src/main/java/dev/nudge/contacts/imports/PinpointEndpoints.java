package dev.nudge.contacts.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Amazon Pinpoint's endpoint CSV (the segment import/export columns): one row per endpoint,
 * {@code ChannelType} + {@code Address}, {@code User.UserId}, {@code User.UserAttributes.*},
 * {@code Attributes.*}, {@code Demographic.*}, {@code Location.*}, {@code OptOut},
 * {@code EndpointStatus}... Mapped to contacts (docs/pinpoint.md, "Endpoints and segments"): the user
 * id is the contact id, an EMAIL endpoint's address the e-mail, an SMS or VOICE endpoint's the phone;
 * endpoints of the same user become one contact. Push and custom channels have no Nudge channel:
 * such a row is reported, not imported.
 */
final class PinpointEndpoints implements RowMapper {
  /** Columns that say something about the device or the export, nothing about the contact. */
  private static final Set<String> IGNORED = Set.of("Id", "EffectiveDate", "RequestId", "CohortId", "CreationDate",
      "Demographic.AppVersion", "Demographic.Make", "Demographic.Model", "Demographic.ModelVersion",
      "Demographic.Platform", "Demographic.PlatformVersion");
  private static final Set<String> KNOWN = Set.of("ChannelType", "Address", "EndpointStatus", "OptOut", "User.UserId",
      "Demographic.Locale", "Demographic.Timezone", "Location.City", "Location.Country", "Location.Region",
      "Location.Latitude", "Location.Longitude", "Location.PostalCode");
  private static final Set<String> PREFIXES = Set.of("Attributes.", "User.UserAttributes.", "Metrics.");
  private static final Set<String> NO_CHANNEL = Set.of("APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX",
      "GCM", "ADM", "BAIDU", "PUSH", "IN_APP", "CUSTOM");
  private static final Map<String, String> ALPHA3 = new HashMap<>();

  static {
    for (String alpha2 : Locale.getISOCountries()) {
      ALPHA3.put(new Locale("", alpha2).getISO3Country(), alpha2);
    }
  }

  private final List<String> columns;

  private PinpointEndpoints(List<String> columns) {
    this.columns = columns;
  }

  /** A header is Pinpoint's when it has ChannelType and Address, or any of its dotted column families. */
  static boolean isPinpointHeader(List<String> header) {
    boolean channel = false;
    boolean address = false;
    for (String raw : header) {
      String name = raw.trim();
      channel |= name.equals("ChannelType");
      address |= name.equals("Address");
      if (name.startsWith("User.") || name.startsWith("Demographic.") || name.startsWith("Location.")
          || name.startsWith("Attributes.") || name.startsWith("Metrics.")) {
        return true;
      }
    }
    return channel && address;
  }

  static PinpointEndpoints of(List<String> header) {
    List<String> columns = new ArrayList<>();
    for (String raw : header) {
      String name = raw.trim();
      boolean family = PREFIXES.stream().anyMatch(p -> name.startsWith(p) && name.length() > p.length());
      if (!KNOWN.contains(name) && !IGNORED.contains(name) && !family) {
        throw new HeaderException(name, "unknown Pinpoint endpoint column " + name);
      }
      if (columns.contains(name)) {
        throw new HeaderException(name, "column " + name + " appears twice");
      }
      columns.add(name);
    }
    boolean byAddress = columns.contains("ChannelType") && columns.contains("Address");
    if (!byAddress && !columns.contains("User.UserId")) {
      throw new HeaderException("Address", "a Pinpoint endpoint file needs ChannelType and Address, or User.UserId");
    }
    return new PinpointEndpoints(columns);
  }

  @Override
  public String format() {
    return "pinpoint";
  }

  @Override
  public ObjectNode map(List<String> cells, ImportOptions options) {
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < columns.size() && i < cells.size(); i++) {
      String cell = cells.get(i).trim();
      if (!cell.isEmpty()) {
        row.put(columns.get(i), cell);
      }
    }
    ObjectNode body = Json.object();
    if (row.containsKey("User.UserId")) {
      body.put("contactId", row.get("User.UserId"));
    }
    String channel = channel(row);
    if (channel != null) {
      body.put(channel.equals("email") ? "email" : "phone",
          channel.equals("email") ? row.get("Address") : e164(row.get("Address")));
    }
    // Endpoint attributes first, then the user's: a user attribute wins over an endpoint's of the same name.
    for (String prefix : List.of("Attributes.", "User.UserAttributes.")) {
      row.forEach((column, cell) -> {
        if (column.startsWith(prefix)) {
          CellValues.child(body, "attributes").set(column.substring(prefix.length()), CellValues.attribute(cell));
        }
      });
    }
    if (row.containsKey("Location.PostalCode")) {
      CellValues.child(body, "attributes").put("postalCode", row.get("Location.PostalCode"));
    }
    if (row.containsKey("Demographic.Locale")) {
      body.put("locale", row.get("Demographic.Locale").replace('_', '-'));
    }
    if (row.containsKey("Demographic.Timezone")) {
      body.put("timezone", row.get("Demographic.Timezone"));
    }
    location(row, body);
    if (channel != null) {
      consent(row, channel, body, options);
    }
    CellValues.joinList(body, options.list());
    ConsentSources.apply(body, null, options);
    return body;
  }

  /** "email", "sms", or null when the row names no address; refuses channels Nudge has no equivalent for. */
  private static String channel(Map<String, String> row) {
    String type = row.get("ChannelType");
    String address = row.get("Address");
    if (type == null && address == null) {
      return null;
    }
    if (type == null) {
      throw ApiException.invalid("ChannelType", "ChannelType is required with an Address");
    }
    if (address == null) {
      throw ApiException.invalid("Address", "Address is required with a ChannelType");
    }
    String upper = type.toUpperCase(Locale.ROOT);
    return switch (upper) {
      case "EMAIL" -> "email";
      case "SMS", "VOICE" -> "sms";
      default -> throw ApiException.invalid("ChannelType", NO_CHANNEL.contains(upper)
          ? upper + " endpoints have no Nudge channel (email and SMS only): not imported"
          : "ChannelType " + type + " is not a Pinpoint channel type");
    };
  }

  /**
   * OptOut ALL is an unsubscription. Pinpoint had no consent record: an active endpoint that did not
   * opt out is subscribed only when the uploader names the consent source for the file (object
   * metadata), and is imported without consent otherwise. An INACTIVE endpoint is never subscribed.
   */
  private static void consent(Map<String, String> row, String channel, ObjectNode body, ImportOptions options) {
    String optOut = row.getOrDefault("OptOut", "NONE").toUpperCase(Locale.ROOT);
    String status;
    if (optOut.equals("ALL")) {
      status = "unsubscribed";
    } else if (!optOut.equals("NONE")) {
      throw ApiException.invalid("OptOut", "OptOut must be ALL or NONE");
    } else if (options.consentSource() != null && !"INACTIVE".equalsIgnoreCase(row.get("EndpointStatus"))) {
      status = "subscribed";
    } else {
      return;
    }
    CellValues.child(CellValues.child(body, "consent"), channel).put("status", status);
  }

  private static void location(Map<String, String> row, ObjectNode body) {
    String country = row.get("Location.Country");
    if (country != null) {
      String upper = country.toUpperCase(Locale.ROOT);
      CellValues.child(body, "location").put("country", upper.length() == 3 ? ALPHA3.getOrDefault(upper, upper) : upper);
    }
    if (row.containsKey("Location.Region")) {
      CellValues.child(body, "location").put("region", row.get("Location.Region"));
    }
    if (row.containsKey("Location.City")) {
      CellValues.child(body, "location").put("city", row.get("Location.City"));
    }
    if (row.containsKey("Location.Latitude")) {
      CellValues.child(body, "location").set("lat", CellValues.degrees(row.get("Location.Latitude")));
    }
    if (row.containsKey("Location.Longitude")) {
      CellValues.child(body, "location").set("lon", CellValues.degrees(row.get("Location.Longitude")));
    }
  }

  /** Pinpoint's own files often hold E.164 numbers without the plus (12065550182). */
  private static String e164(String address) {
    String compact = address.replaceAll("[\\s()\\-.]", "");
    return compact.matches("[0-9]{8,15}") ? "+" + compact : address;
  }
}
