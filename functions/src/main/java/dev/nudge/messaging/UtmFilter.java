package dev.nudge.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import liqp.TemplateContext;
import liqp.filters.Filter;

/**
 * {@code {{ "https://shop.example.com/cart" | utm: "autumn-sale" }}} adds
 * {@code utm_source=nudge&utm_medium=email&utm_campaign=autumn-sale} to a link (a second argument
 * sets the medium: {@code utm: "autumn-sale", "sms"}), so web analytics attribute the visit. A
 * parameter the link already has is kept; the fragment stays last. A link from the HTML part's
 * context arrives HTML-escaped, so the separator follows the link's own ({@code &amp;} or {@code &}).
 */
final class UtmFilter extends Filter {
  UtmFilter() {
    super("utm");
  }

  @Override
  public Object apply(Object value, TemplateContext context, Object... params) {
    String url = value == null ? "" : asString(value, context);
    String campaign = params.length > 0 && params[0] != null ? asString(params[0], context) : "";
    String medium = params.length > 1 && params[1] != null ? asString(params[1], context) : "email";
    Map<String, String> utm = new LinkedHashMap<>();
    utm.put("utm_source", "nudge");
    utm.put("utm_medium", medium);
    if (!campaign.isBlank()) {
      utm.put("utm_campaign", campaign);
    }
    return tag(url, utm);
  }

  /**
   * Adds {@code utm} (name → value, in order) to a web link; a parameter the link already has is
   * kept, the fragment stays last, and an HTML-escaped link keeps {@code &amp;} as its separator.
   */
  static String tag(String url, Map<String, String> utm) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      return url;
    }
    int hash = url.indexOf('#');
    String fragment = hash < 0 ? "" : url.substring(hash);
    String base = hash < 0 ? url : url.substring(0, hash);
    String separator = base.contains("&amp;") ? "&amp;" : "&";
    StringBuilder out = new StringBuilder(base);
    utm.forEach((name, value) -> {
      if (value != null && !value.isBlank()) {
        append(out, base, separator, name, value);
      }
    });
    return out.append(fragment).toString();
  }

  private static void append(StringBuilder out, String base, String separator, String name, String value) {
    if (base.contains("?" + name + "=") || base.contains("&" + name + "=") || base.contains(";" + name + "=")) {
      return;
    }
    out.append(out.indexOf("?") < 0 ? "?" : separator).append(name).append('=')
        .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
  }
}
