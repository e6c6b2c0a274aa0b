package dev.nudge.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Automatic link tracking: every web link of a journey e-mail's HTML gets {@code utm_source=nudge},
 * {@code utm_medium=email}, {@code utm_campaign=<workflow id>} and {@code utm_content=<step>}, so
 * web analytics attribute the visit without the author writing the {@code utm} filter on each link.
 * A parameter the link already has wins (an author's own {@code utm_campaign} stays). The
 * unsubscribe, preferences and confirmation links are never rewritten: they are Nudge's own
 * signed links, not marketing destinations. A template may replace any of the four values or
 * turn tracking off ({@code "utm": {"campaign": "spring-2027"}}, {@code "utm": false}).
 *
 * <p>Hand-written (a pattern over {@code href} attributes) rather than jsoup: jsoup would parse and
 * re-serialise the whole document, changing the table-layout markup the author wrote for old mail
 * clients, and add its classes to the cold start of every send; only quoted {@code href} values
 * of web links are touched here, everything else stays byte for byte.
 */
public final class LinkTracking {
  private static final Pattern HREF = Pattern.compile("(?i)(\\bhref\\s*=\\s*)([\"'])(https?://[^\"']*)\\2");
  /** Context values that hold Nudge's own links. */
  static final Set<String> OWN_LINKS = Set.of("unsubscribe_url", "preferences_url", "confirm_url");

  private LinkTracking() {}

  /**
   * The UTM parameters for a rendered context, or an empty map when the message is not part of a
   * workflow (previews, test sends, the double opt-in confirmation): {@code workflow.id} is the
   * campaign, {@code step.id} the content.
   */
  static Map<String, String> parameters(JsonNode context, String medium, MessageTemplate.Utm settings) {
    String workflow = context.path("workflow").path("id").asText("");
    if (workflow.isBlank() || !settings.enabled()) {
      return Map.of();
    }
    Map<String, String> values = settings.values();
    Map<String, String> utm = new LinkedHashMap<>();
    utm.put("utm_source", values.getOrDefault("source", "nudge"));
    utm.put("utm_medium", values.getOrDefault("medium", medium));
    utm.put("utm_campaign", values.getOrDefault("campaign", workflow));
    utm.put("utm_content", values.getOrDefault("content", context.path("step").path("id").asText("")));
    return utm;
  }

  /** Adds {@code utm} to each {@code href} web link of {@code html} except Nudge's own links in {@code context}. */
  static String tag(String html, Map<String, String> utm, JsonNode context) {
    if (html == null || utm.isEmpty()) {
      return html;
    }
    Set<String> own = new java.util.HashSet<>();
    for (String name : OWN_LINKS) {
      String url = context.path(name).asText("");
      if (!url.isEmpty()) {
        own.add(url);
        own.add(Liquid.escapeHtml(url)); // as it appears when the HTML part's context escaped it
      }
    }
    Matcher m = HREF.matcher(html);
    StringBuilder out = new StringBuilder(html.length() + 64);
    while (m.find()) {
      String url = m.group(3);
      String tagged = own.contains(url) ? url : UtmFilter.tag(url, utm);
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + tagged + m.group(2)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
