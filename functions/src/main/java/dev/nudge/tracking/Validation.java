package dev.nudge.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.nudge.platform.ApiException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field checks shared by the request parsers. Every failure names the field as a path
 * ({@code batch[3].properties.plan}). The limits are documented in docs/openapi.yaml.
 */
final class Validation {
  static final int MAX_BODY_BYTES = 256 * 1024;
  static final int MAX_BATCH = 100;
  static final int MAX_PROPERTY_KEYS = 100;
  static final int MAX_PROPERTY_DEPTH = 5;
  static final int MAX_ARRAY_ITEMS = 100;
  static final int MAX_STRING = 2048;
  static final int MAX_KEY = 128;
  static final Duration MAX_FUTURE = Duration.ofMinutes(5);

  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
  static final Pattern EVENT_TYPE = EventTypes.PATTERN;
  static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]{0,63}");
  static final Pattern LIST_NAME = Pattern.compile("[a-z0-9][a-z0-9_\\-]{0,63}");
  // The HTML standard's "valid e-mail address" (what browsers accept in <input type=email>), plus a
  // dot in the domain: hand-written because the usual library (commons-validator) pulls in four
  // more jars for one regular expression.
  private static final Pattern EMAIL = Pattern.compile(
      "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
          + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+");

  /**
   * libphonenumber (and the java.util.logging it initialises) loads on the first phone number, not
   * with this class: most tracked events carry none, and a cold start would pay ~15 ms for nothing.
   * TrackHandler's SnapStart priming parses a phone number, so a restored snapshot has it loaded.
   */
  private static final class Phones {
    static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  }

  private Validation() {}

  static ObjectNode object(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      // The whole body names the field "body", as a malformed body does (Json.parseBody): every
      // 400 names what to fix (found by ParserFuzzTest: an empty or `null` body named nothing).
      throw ApiException.invalid(field == null ? "body" : field, (field == null ? "the body" : field) + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Unknown fields are refused: ignoring a misspelt field would silently lose what it carried. */
  static void onlyFields(ObjectNode node, String prefix, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        // An empty or blank key is shown in quotes so the 400 still names a field (found by
        // ParserFuzzTest: {"":[]} and {" ":""}).
        String field = prefix + (name.isBlank() ? "\"" + name + "\"" : name);
        throw ApiException.invalid(field, "unknown field " + field);
      }
    }
  }

  static String text(ObjectNode node, String name, String prefix, int maxLength) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be a string");
    }
    String text = value.asText();
    if (text.isEmpty() || text.length() > maxLength) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be 1 to " + maxLength + " characters");
    }
    return text;
  }

  static String matching(ObjectNode node, String name, String prefix, Pattern pattern, String description) {
    String text = text(node, name, prefix, 128);
    if (text != null && !pattern.matcher(text).matches()) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be " + description);
    }
    return text;
  }

  static String id(ObjectNode node, String name, String prefix) {
    return matching(node, name, prefix, ID,
        "1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit");
  }

  /** A normalised (lower-case) e-mail address. */
  static String email(ObjectNode node, String name, String prefix) {
    String text = text(node, name, prefix, 254);
    if (text == null) {
      return null;
    }
    int at = text.lastIndexOf('@');
    String local = at > 0 ? text.substring(0, at) : "";
    if (!EMAIL.matcher(text).matches() || local.length() > 64 || local.startsWith(".") || local.endsWith(".")
        || local.contains("..")) {
      throw ApiException.invalid(prefix + name, prefix + name + " is not a valid e-mail address");
    }
    return text.toLowerCase(Locale.ROOT);
  }

  /** A phone number in international form, normalised to E.164 by libphonenumber. */
  static String phone(ObjectNode node, String name, String prefix) {
    String text = text(node, name, prefix, 32);
    if (text == null) {
      return null;
    }
    if (!text.trim().startsWith("+")) {
      throw ApiException.invalid(prefix + name, prefix + name + " must start with + and the country code");
    }
    try {
      Phonenumber.PhoneNumber number = Phones.UTIL.parse(text, null);
      if (!Phones.UTIL.isValidNumber(number)) {
        throw ApiException.invalid(prefix + name, prefix + name + " is not a valid phone number");
      }
      return Phones.UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      throw ApiException.invalid(prefix + name, prefix + name + " is not a valid phone number");
    }
  }

  /** An IANA time zone name such as Europe/Madrid (not an offset, not an abbreviation). */
  static String timezone(ObjectNode node, String name, String prefix) {
    String text = text(node, name, prefix, 64);
    if (text == null) {
      return null;
    }
    if (!text.contains("/") && !text.equals("UTC") || !ZoneId.getAvailableZoneIds().contains(text)) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be an IANA time zone such as Europe/Madrid");
    }
    return text;
  }

  /** A BCP 47 language tag, normalised (es-ES, pl, pt-BR). */
  static String locale(ObjectNode node, String name, String prefix) {
    String text = text(node, name, prefix, 35);
    if (text == null) {
      return null;
    }
    try {
      Locale locale = new Locale.Builder().setLanguageTag(text).build();
      if (locale.getLanguage().isEmpty()) {
        throw new java.util.IllformedLocaleException("no language");
      }
      return locale.toLanguageTag();
    } catch (java.util.IllformedLocaleException e) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be a BCP 47 language tag such as es-ES");
    }
  }

  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  static boolean isCountry(String upperCaseCode) {
    return COUNTRIES.contains(upperCaseCode);
  }

  /** An ISO 3166-1 alpha-2 country code, upper-cased (es becomes ES). */
  static String country(ObjectNode node, String name, String prefix) {
    String text = text(node, name, prefix, 64);
    if (text == null) {
      return null;
    }
    String code = text.toUpperCase(Locale.ROOT);
    if (!COUNTRIES.contains(code)) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be an ISO 3166-1 alpha-2 country code such as ES");
    }
    return code;
  }

  /** Degrees of latitude ({@code limit} 90) or longitude (180): a finite number from -limit to limit. */
  static Double degrees(ObjectNode node, String name, String prefix, int limit) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    double degrees = value.asDouble();
    if (!value.isNumber() || !Double.isFinite(degrees) || Math.abs(degrees) > limit) {
      throw ApiException.invalid(prefix + name, prefix + name + " must be a number from -" + limit + " to " + limit);
    }
    return degrees;
  }

  /** An ISO-8601 timestamp with an offset, at most {@link #MAX_FUTURE} ahead and not older than {@code maxAge}. */
  static Instant timestamp(ObjectNode node, String name, String prefix, Instant now, Duration maxAge) {
    String text = text(node, name, prefix, 40);
    if (text == null) {
      return null;
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(prefix + name,
          prefix + name + " must be an ISO-8601 timestamp with an offset, such as 2026-03-01T10:15:30Z");
    }
    if (instant.isAfter(now.plus(MAX_FUTURE))) {
      throw ApiException.invalid(prefix + name, prefix + name + " is more than 5 minutes in the future");
    }
    if (instant.isBefore(now.minus(maxAge))) {
      throw ApiException.invalid(prefix + name, prefix + name + " is older than the event retention ("
          + maxAge.toDays() + " days)");
    }
    return instant;
  }

  /** Free-form event properties: bounded key count, depth, key and string lengths, array sizes. */
  static ObjectNode properties(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return dev.nudge.platform.Json.object();
    }
    ObjectNode object = object(node, field);
    int[] keys = {0};
    checkValue(object, field, 1, keys);
    return object;
  }

  private static void checkValue(JsonNode value, String path, int depth, int[] keys) {
    if (value.isObject() || value.isArray()) {
      if (depth > MAX_PROPERTY_DEPTH) {
        throw ApiException.invalid(path, path + " nests deeper than " + MAX_PROPERTY_DEPTH + " levels");
      }
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        var entry = it.next();
        String child = path + "." + entry.getKey();
        if (++keys[0] > MAX_PROPERTY_KEYS) {
          throw ApiException.invalid(child, "properties may have at most " + MAX_PROPERTY_KEYS + " keys in all");
        }
        if (entry.getKey().isEmpty() || entry.getKey().length() > MAX_KEY) {
          throw ApiException.invalid(child, "property names must be 1 to " + MAX_KEY + " characters");
        }
        checkValue(entry.getValue(), child, depth + 1, keys);
      }
    } else if (value.isArray()) {
      if (value.size() > MAX_ARRAY_ITEMS) {
        throw ApiException.invalid(path, path + " has more than " + MAX_ARRAY_ITEMS + " items");
      }
      for (int i = 0; i < value.size(); i++) {
        checkValue(value.get(i), path + "[" + i + "]", depth + 1, keys);
      }
    } else if (value.isTextual()) {
      if (value.asText().length() > MAX_STRING) {
        throw ApiException.invalid(path, path + " is longer than " + MAX_STRING + " characters");
      }
    } else if (value.isNumber()) {
      number(value, path);
    }
  }

  /** A number DynamoDB can store exactly (38 significant digits, magnitude 1e-130 to 1e126). */
  static BigDecimal number(JsonNode value, String path) {
    BigDecimal n = value.decimalValue().stripTrailingZeros();
    int magnitude = n.precision() - n.scale() - 1;
    if (n.precision() > 38 || (n.signum() != 0 && (magnitude > 125 || magnitude < -130))) {
      throw ApiException.invalid(path, path + " is outside the stored number range (38 digits, 1e-130 to 1e126)");
    }
    return n;
  }
}
