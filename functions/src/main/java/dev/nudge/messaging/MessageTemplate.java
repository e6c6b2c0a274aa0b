package dev.nudge.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import dev.nudge.workflows.WorkflowParser;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A message template: per language a variant (e-mail: subject, preheader, html, text; SMS: body),
 * and the language used when the contact's locale has no variant. {@code version} is 0 for the
 * templates bundled in the jar and counts saves for stored ones.
 *
 * <p>The JSON form (API bodies, bundled YAML files, stored items) is
 * {@code {"defaultLocale": "en", "locales": {"en": {...}, "es": {...}}}}.
 */
public record MessageTemplate(String id, Channel channel, int version, String defaultLocale,
    Map<String, Content> locales, Utm utm) {

  /** E-mail parts, each ≤ this many characters: Gmail clips a message over 102 KB. */
  public static final int MAX_PART = 100_000;
  /** All variants together, in UTF-8 bytes: a DynamoDB item is at most 400 KB. */
  public static final int MAX_TOTAL = 300_000;
  public static final int MAX_SUBJECT = 200;
  /** SNS refuses SMS messages over 1,600 bytes (10 segments). */
  public static final int MAX_SMS = 1_600;

  private static final Set<String> LANGUAGES = Set.of(Locale.getISOLanguages());

  /** One language's content; the e-mail fields are null for SMS and {@code body} null for e-mail. */
  public record Content(String subject, String preheader, String html, String text, String body) {}

  /**
   * Automatic link tracking for this template ({@link LinkTracking}): {@code enabled} false
   * ({@code "utm": false}) leaves its links alone; {@code values} replace the defaults by name
   * ({@code source}, {@code medium}, {@code campaign}, {@code content}).
   */
  public record Utm(boolean enabled, Map<String, String> values) {
    public static final Utm DEFAULT = new Utm(true, Map.of());
    static final Set<String> NAMES = Set.of("source", "medium", "campaign", "content");
    private static final java.util.regex.Pattern VALUE = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public Utm {
      values = Map.copyOf(values);
    }

    static Utm fromJson(JsonNode node) {
      if (node == null || node.isNull() || node.isMissingNode()) {
        return DEFAULT;
      }
      if (node.isBoolean()) {
        return node.booleanValue() ? DEFAULT : new Utm(false, Map.of());
      }
      if (!node.isObject()) {
        throw ApiException.invalid("utm", "utm is false (no link tracking) or an object of source, medium, campaign, content");
      }
      Map<String, String> values = new java.util.TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!NAMES.contains(e.getKey())) {
          throw ApiException.invalid("utm." + e.getKey(), "utm has source, medium, campaign and content");
        }
        if (!e.getValue().isTextual() || !VALUE.matcher(e.getValue().asText()).matches()) {
          throw ApiException.invalid("utm." + e.getKey(), "a utm value is 1 to 100 of letters, digits, '.', '_' and '-'");
        }
        values.put(e.getKey(), e.getValue().asText());
      }
      return new Utm(true, values);
    }
  }

  public MessageTemplate {
    locales = Map.copyOf(locales);
    utm = utm == null ? Utm.DEFAULT : utm;
  }

  public MessageTemplate(String id, Channel channel, int version, String defaultLocale, Map<String, Content> locales) {
    this(id, channel, version, defaultLocale, locales, Utm.DEFAULT);
  }

  /** The variant for a contact locale such as {@code es-MX} (its language), else the default. */
  public Map.Entry<String, Content> variantFor(String contactLocale) {
    if (contactLocale != null && !contactLocale.isBlank()) {
      String language = Locale.forLanguageTag(contactLocale.replace('_', '-')).getLanguage();
      Content content = locales.get(language);
      if (content != null) {
        return Map.entry(language, content);
      }
    }
    return Map.entry(defaultLocale, locales.get(defaultLocale));
  }

  /** SMS segments of each variant's body as written (variables change the real count). */
  public Map<String, SmsSegments.Count> segments() {
    Map<String, SmsSegments.Count> out = new LinkedHashMap<>();
    if (channel == Channel.SMS) {
      locales.forEach((language, c) -> out.put(language, SmsSegments.count(c.body())));
    }
    return out;
  }

  /**
   * Reads and checks the JSON form. Refusals are {@link ApiException}s naming the field
   * ({@code locales.es.html}); every Liquid part is parsed and rendered once, so a template that
   * passes cannot fail at send time for its syntax or an unknown filter.
   */
  public static MessageTemplate fromJson(String id, JsonNode body, int version) {
    return fromJson(id, body, version, true);
  }

  /** {@code checkLiquid} false: content read back from the table, checked when it was saved. */
  static MessageTemplate fromJson(String id, JsonNode body, int version, boolean checkLiquid) {
    if (id == null || !WorkflowParser.ID.matcher(id).matches()) {
      throw ApiException.invalid("id", "a template id is 1 to 60 of a-z, 0-9 and -, starting with a letter or digit");
    }
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "the body must be a JSON object");
    }
    Channel channel = Channel.fromWire(body.path("channel").asText("")).orElseThrow(
        () -> ApiException.invalid("channel", "channel is \"email\" or \"sms\""));
    JsonNode localesNode = body.path("locales");
    if (!localesNode.isObject() || localesNode.isEmpty()) {
      throw ApiException.invalid("locales", "locales is an object with one variant per language, e.g. {\"en\": {...}}");
    }
    Map<String, Content> locales = new LinkedHashMap<>();
    int total = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = localesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String language = e.getKey();
      String field = "locales." + language;
      if (!LANGUAGES.contains(language)) {
        throw ApiException.invalid(field, "\"" + language + "\" is not an ISO 639 language code (en, es, pl...)");
      }
      if (!e.getValue().isObject()) {
        throw ApiException.invalid(field, "a variant is an object");
      }
      Content content = channel == Channel.EMAIL ? email(e.getValue(), field, checkLiquid)
          : sms(e.getValue(), field, checkLiquid);
      total += bytes(content.subject()) + bytes(content.preheader()) + bytes(content.html())
          + bytes(content.text()) + bytes(content.body());
      locales.put(language, content);
    }
    if (total > MAX_TOTAL) {
      throw ApiException.invalid("locales", "all variants together are at most " + MAX_TOTAL + " bytes of UTF-8 (they have "
          + total + ")");
    }
    String defaultLocale = body.path("defaultLocale").asText(locales.containsKey("en") ? "en" : locales.keySet().iterator().next());
    if (!locales.containsKey(defaultLocale)) {
      throw ApiException.invalid("defaultLocale", "defaultLocale must be one of the variants: " + locales.keySet());
    }
    return new MessageTemplate(id, channel, version, defaultLocale, locales, Utm.fromJson(body.get("utm")));
  }

  private static Content email(JsonNode v, String field, boolean check) {
    for (String name : new String[] {"body"}) {
      if (v.has(name)) {
        throw ApiException.invalid(field + "." + name, "an e-mail variant has subject, preheader, html and text");
      }
    }
    String subject = part(v, field, "subject", MAX_SUBJECT, check);
    if (subject == null || subject.isBlank()) {
      throw ApiException.invalid(field + ".subject", "an e-mail needs a subject");
    }
    String html = part(v, field, "html", MAX_PART, check);
    String text = part(v, field, "text", MAX_PART, check);
    if (html == null && text == null) {
      throw ApiException.invalid(field + ".html", "an e-mail needs html or text (text is generated from html when absent)");
    }
    return new Content(subject, part(v, field, "preheader", MAX_SUBJECT, check), html, text, null);
  }

  private static Content sms(JsonNode v, String field, boolean check) {
    for (String name : new String[] {"subject", "preheader", "html", "text"}) {
      if (v.has(name)) {
        throw ApiException.invalid(field + "." + name, "an SMS variant has only a body");
      }
    }
    String body = part(v, field, "body", MAX_SMS, check);
    if (body == null || body.isBlank()) {
      throw ApiException.invalid(field + ".body", "an SMS needs a body");
    }
    return new Content(null, null, null, null, body);
  }

  private static String part(JsonNode v, String field, String name, int max, boolean check) {
    JsonNode node = v.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    String path = field + "." + name;
    if (!node.isTextual()) {
      throw ApiException.invalid(path, name + " must be a string");
    }
    String source = node.asText();
    if (source.length() > max) {
      throw ApiException.invalid(path, name + " is at most " + max + " characters (it has " + source.length() + ")");
    }
    if (!check) {
      return source;
    }
    try {
      Liquid.check(source);
    } catch (Liquid.TemplateError e) {
      throw ApiException.invalid(path, "not a valid Liquid template: " + e.getMessage());
    }
    return source;
  }

  private static int bytes(String s) {
    return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /** The JSON form, as accepted by {@link #fromJson} (plus id, channel and version). */
  public ObjectNode toJson() {
    ObjectNode out = Json.object();
    out.put("id", id);
    out.put("channel", channel.wireName());
    out.put("version", version);
    out.put("defaultLocale", defaultLocale);
    if (!utm.enabled()) {
      out.put("utm", false);
    } else if (!utm.values().isEmpty()) {
      ObjectNode u = out.putObject("utm");
      utm.values().forEach(u::put);
    }
    ObjectNode ls = out.putObject("locales");
    locales.forEach((language, c) -> {
      ObjectNode o = ls.putObject(language);
      if (c.subject() != null) o.put("subject", c.subject());
      if (c.preheader() != null) o.put("preheader", c.preheader());
      if (c.html() != null) o.put("html", c.html());
      if (c.text() != null) o.put("text", c.text());
      if (c.body() != null) o.put("body", c.body());
    });
    return out;
  }
}
