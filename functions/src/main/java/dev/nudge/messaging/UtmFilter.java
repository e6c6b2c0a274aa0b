package dev.nudge.messaging;

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
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      return url;
    }
    String campaign = params.length > 0 && params[0] != null ? asString(params[0], context) : "";
    String medium = params.length > 1 && params[1] != null ? asString(params[1], context) : "email";
    int hash = url.indexOf('#');
    String fragment = hash < 0 ? "" : url.substring(hash);
    String base = hash < 0 ? url : url.substring(0, hash);
    String separator = base.contains("&amp;") ? "&amp;" : "&";
    StringBuilder out = new StringBuilder(base);
    append(out, base, separator, "utm_source", "nudge");
    append(out, base, separator, "utm_medium", medium);
    if (!campaign.isBlank()) {
      append(out, base, separator, "utm_campaign", campaign);
    }
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
