package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/** What Choice comparisons share with their validation. */
final class Comparisons {

  /** Every data-test operator, including the Path forms. */
  static final Set<String> OPERATORS = Set.of(
      "StringEquals", "StringEqualsPath", "StringLessThan", "StringLessThanPath",
      "StringGreaterThan", "StringGreaterThanPath", "StringLessThanEquals", "StringLessThanEqualsPath",
      "StringGreaterThanEquals", "StringGreaterThanEqualsPath", "StringMatches",
      "NumericEquals", "NumericEqualsPath", "NumericLessThan", "NumericLessThanPath",
      "NumericGreaterThan", "NumericGreaterThanPath", "NumericLessThanEquals", "NumericLessThanEqualsPath",
      "NumericGreaterThanEquals", "NumericGreaterThanEqualsPath",
      "BooleanEquals", "BooleanEqualsPath",
      "TimestampEquals", "TimestampEqualsPath", "TimestampLessThan", "TimestampLessThanPath",
      "TimestampGreaterThan", "TimestampGreaterThanPath", "TimestampLessThanEquals", "TimestampLessThanEqualsPath",
      "TimestampGreaterThanEquals", "TimestampGreaterThanEqualsPath",
      "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");

  /** RFC 3339 with an uppercase T and Z (or a numeric offset), as the developer guide requires. */
  private static final Pattern TIMESTAMP = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

  private Comparisons() {}

  /** The instant a timestamp string denotes, or null if the node is not one. */
  static Instant timestamp(JsonNode node) {
    if (node == null || !node.isTextual() || !TIMESTAMP.matcher(node.textValue()).matches()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(node.textValue()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * StringMatches' pattern: "*" matches any run of characters, "\\*" a literal asterisk and
   * "\\\\" a literal backslash.
   */
  static Pattern wildcard(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        literal.append(pattern.charAt(++i));
      } else if (c == '*') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(".*");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
