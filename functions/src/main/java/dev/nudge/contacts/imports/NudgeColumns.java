package dev.nudge.contacts.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Nudge's own columns: {@code contactId}, {@code email}, {@code phone}, {@code firstName},
 * {@code lastName}, {@code locale}, {@code timezone}, {@code country}, {@code region}, {@code city},
 * {@code attributes.<name>}, {@code lists} (names separated by {@code ;}), {@code consent.email} and
 * {@code consent.sms} ({@code subscribed} or {@code unsubscribed}) and {@code consent.source}. Column
 * names are matched without regard to case, except the attribute's name. An empty cell changes nothing.
 */
final class NudgeColumns implements RowMapper {
  private static final Map<String, String> FIXED = Map.ofEntries(
      Map.entry("contactid", "contactId"), Map.entry("email", "email"), Map.entry("phone", "phone"),
      Map.entry("firstname", "firstName"), Map.entry("lastname", "lastName"), Map.entry("locale", "locale"),
      Map.entry("timezone", "timezone"), Map.entry("country", "country"), Map.entry("region", "region"),
      Map.entry("city", "city"), Map.entry("lists", "lists"), Map.entry("consent.email", "consent.email"),
      Map.entry("consent.sms", "consent.sms"), Map.entry("consent.source", "consent.source"));
  private static final String ATTRIBUTES = "attributes.";

  /** Each column's canonical name ("attributes.plan" keeps the attribute's case). */
  private final List<String> columns;

  private NudgeColumns(List<String> columns) {
    this.columns = columns;
  }

  static NudgeColumns of(List<String> header) {
    List<String> columns = new ArrayList<>();
    boolean names = false;
    for (String raw : header) {
      String name = raw.trim();
      String lower = name.toLowerCase(Locale.ROOT);
      String canonical = lower.startsWith(ATTRIBUTES) && name.length() > ATTRIBUTES.length()
          ? ATTRIBUTES + name.substring(ATTRIBUTES.length()) : FIXED.get(lower);
      if (canonical == null) {
        throw new HeaderException(name, "unknown column " + name + " (columns: contactId, email, phone, firstName, "
            + "lastName, locale, timezone, country, region, city, attributes.<name>, lists, consent.email, consent.sms, "
            + "consent.source; or Pinpoint's endpoint columns)");
      }
      if (columns.contains(canonical)) {
        throw new HeaderException(name, "column " + name + " appears twice");
      }
      names |= canonical.equals("contactId") || canonical.equals("email") || canonical.equals("phone");
      columns.add(canonical);
    }
    if (!names) {
      throw new HeaderException("contactId", "the header needs a column naming the contact: contactId, email or phone");
    }
    return new NudgeColumns(columns);
  }

  @Override
  public String format() {
    return "nudge";
  }

  @Override
  public ObjectNode map(List<String> cells, ImportOptions options) {
    ObjectNode body = Json.object();
    String source = null;
    for (int i = 0; i < columns.size() && i < cells.size(); i++) {
      String cell = cells.get(i).trim();
      if (cell.isEmpty()) {
        continue;
      }
      String column = columns.get(i);
      switch (column) {
        case "contactId", "email", "phone", "locale", "timezone" -> body.put(column, cell);
        case "firstName", "lastName" -> CellValues.child(body, "attributes").put(column, cell);
        case "country" -> CellValues.child(body, "location").put(column, cell.toUpperCase(Locale.ROOT));
        case "region", "city" -> CellValues.child(body, "location").put(column, cell);
        case "lists" -> {
          var add = CellValues.child(body, "lists").withArray("add");
          for (String list : cell.split(";")) {
            if (!list.isBlank()) {
              add.add(list.trim());
            }
          }
        }
        case "consent.email", "consent.sms" -> CellValues.child(CellValues.child(body, "consent"),
            column.substring("consent.".length())).put("status", cell.toLowerCase(Locale.ROOT));
        case "consent.source" -> source = cell;
        default -> CellValues.child(body, "attributes").set(column.substring(ATTRIBUTES.length()),
            CellValues.attribute(cell));
      }
    }
    CellValues.joinList(body, options.list());
    ConsentSources.apply(body, source, options);
    return body;
  }
}
