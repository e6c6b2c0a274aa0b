package dev.nudge.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import liqp.Template;
import liqp.TemplateParser;

/**
 * Message templates are Liquid (the language of Shopify, Jekyll, Customer.io and Braze), rendered
 * by liqp. One parser for the process: it is immutable and its filters are registered once.
 *
 * <p>Two liqp behaviours shape this class. Unknown filters are only found when the template is
 * first rendered (liqp builds its nodes lazily), so {@link #check} renders once against an empty
 * context: a template that passes it cannot fail at send time for its syntax. And liqp has no
 * auto-escaping, so the HTML part is rendered against a copy of the context whose strings are
 * already HTML-escaped: a contact's {@code <script>} arrives as text, while the template author's
 * own markup (and literal {@code default:} strings) stays markup.
 */
public final class Liquid {
  /** One parser per language: liqp binds the locale of the date filter's month and day names at parse time. */
  private static final Map<String, TemplateParser> PARSERS = new ConcurrentHashMap<>();

  private static TemplateParser parser(String language) {
    return PARSERS.computeIfAbsent(language == null ? "en" : language, l -> new TemplateParser.Builder()
        .withStrictVariables(false) // a missing variable renders empty; we record it instead of failing the send
        .withErrorMode(TemplateParser.ErrorMode.STRICT)
        .withLocale(Locale.forLanguageTag(l))
        // A loop over a huge trigger payload must not hang the send. No render time limit: liqp
        // enforces it by running each render on a new executor thread, which doubled the cost of a
        // render (docs/benchmarks.md); the iteration limit bounds the time already.
        .withMaxIterations(10_000)
        .withFilter(new UtmFilter())
        .build());
  }

  private Liquid() {}

  /** A template that does not parse, or names a filter that does not exist. */
  public static final class TemplateError extends RuntimeException {
    TemplateError(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses {@code source}; throws {@link TemplateError} with liqp's line and position. */
  public static Template parse(String source) {
    return parse(source, "en");
  }

  /** {@code language}: the variant's, for the date filter's names of months and days. */
  public static Template parse(String source, String language) {
    try {
      return parser(language).parse(source);
    } catch (RuntimeException e) {
      throw new TemplateError(clean(e.getMessage()));
    }
  }

  /** Parses and renders once with an empty context: syntax errors and unknown filters surface here. */
  public static Template check(String source) {
    Template template = parse(source);
    try {
      template.render(new HashMap<>());
    } catch (RuntimeException e) {
      throw new TemplateError(clean(rootMessage(e)));
    }
    return template;
  }

  /**
   * Renders with {@code context}; names of missing variables (dotted paths) are added to
   * {@code missing}. {@code html}: strings from the context are HTML-escaped.
   */
  public static String render(Template template, JsonNode context, boolean html, Set<String> missing) {
    Map<String, Object> root = toMap(context, "", html, missing);
    String language = context == null ? "en" : context.path("locale").asText("en");
    try {
      // Rendered in a root context of our own: liqp copies a root map into its scope, so a missing
      // top-level name ({{ coupon }}) is only seen by overriding the context's lookup.
      return template.renderUnguarded(new RecordingContext(template, parser(language), root, missing));
    } catch (RuntimeException e) {
      // Only limits (iterations, time) and type errors get here: the template itself was checked.
      throw new TemplateError(clean(rootMessage(e)));
    }
  }

  public static String escapeHtml(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** liqp wraps a node's failure ("Oops, something unexpected happened"); the cause says what. */
  private static String rootMessage(Throwable e) {
    String message = e.getMessage();
    for (Throwable t = e.getCause(); t != null && t != e; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }

  private static String clean(String message) {
    if (message == null) {
      return "the template cannot be rendered";
    }
    // liqp writes "|name" for filters; the author wrote "name".
    return message.replace("named: |", "named: ");
  }

  private static Map<String, Object> toMap(JsonNode node, String prefix, boolean html, Set<String> missing) {
    Recording map = new Recording(prefix, missing);
    if (node != null) {
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toValue(e.getValue(), prefix + e.getKey() + ".", html, missing)));
    }
    return map;
  }

  private static Object toValue(JsonNode node, String prefix, boolean html, Set<String> missing) {
    if (node.isObject()) {
      return toMap(node, prefix, html, missing);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(n -> list.add(toValue(n, prefix, html, missing)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return null;
    }
    return html ? escapeHtml(node.asText()) : node.asText();
  }

  /**
   * A map that notes the keys looked up and not found, one level down and deeper
   * ({@code contact.firstName}, {@code trigger.properties.x}); top-level names are noted by
   * {@link RecordingContext}.
   */
  private static final class Recording extends HashMap<String, Object> {
    private final String prefix;
    private final transient Set<String> missing;

    Recording(String prefix, Set<String> missing) {
      this.prefix = prefix;
      this.missing = missing;
    }

    @Override
    public Object get(Object key) {
      Object value = super.get(key);
      if (value == null && missing != null) {
        missing.add(prefix + key);
      }
      return value;
    }
  }

  /**
   * The root scope of a render, noting top-level names looked up and not found. liqp's child
   * scopes (loops, captures) ask their parent for what they lack, so misses inside a loop arrive
   * here too, while the loop's own variable is found in its scope and is not a miss.
   */
  private static final class RecordingContext extends liqp.TemplateContext {
    private final Set<String> missing;

    RecordingContext(Template template, TemplateParser parser, Map<String, Object> root, Set<String> missing) {
      super(template, parser, root);
      this.missing = missing;
    }

    /** liqp's lookup asks this before {@link #get}, and does not call get for an absent name. */
    @Override
    public boolean containsKey(String key) {
      boolean found = super.containsKey(key);
      if (!found && missing != null && parent == null) {
        missing.add(key);
      }
      return found;
    }

    @Override
    public Object get(String key) {
      Object value = super.get(key);
      if (value == null && missing != null && parent == null) {
        missing.add(key);
      }
      return value;
    }
  }

  /** A fresh, ordered set for {@link #render}'s missing names. */
  public static Set<String> missingSet() {
    return new TreeSet<>();
  }
}
