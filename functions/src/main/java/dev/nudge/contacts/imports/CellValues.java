package dev.nudge.contacts.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Typing and placing cell values in an identify body (CSV cells are all text). */
final class CellValues {
  /**
   * A number as a spreadsheet writes it. No leading zeros: a postal code or an account number such
   * as 01234 stays text, as it must.
   */
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,12})?");

  private CellValues() {}

  /** An attribute's value: a number, true/false, or text. */
  static JsonNode attribute(String cell) {
    if (NUMBER.matcher(cell).matches()) {
      return DecimalNode.valueOf(new BigDecimal(cell));
    }
    if (cell.equals("true") || cell.equals("false")) {
      return BooleanNode.valueOf(cell.equals("true"));
    }
    return TextNode.valueOf(cell);
  }

  /** A coordinate: a number when it parses, else the text (identify then names the field). */
  static JsonNode degrees(String cell) {
    try {
      return DecimalNode.valueOf(new BigDecimal(cell));
    } catch (NumberFormatException e) {
      return TextNode.valueOf(cell);
    }
  }

  static ObjectNode child(ObjectNode parent, String name) {
    JsonNode existing = parent.get(name);
    return existing instanceof ObjectNode object ? object : parent.putObject(name);
  }

  /** Adds {@code list} to lists.add (the file's list from the object metadata). */
  static void joinList(ObjectNode body, String list) {
    if (list == null) {
      return;
    }
    var add = child(body, "lists").withArray("add");
    for (JsonNode existing : add) {
      if (existing.asText().equals(list)) {
        return;
      }
    }
    add.add(list);
  }
}
