package dev.nudge.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nudge.contacts.Channel;
import dev.nudge.workflows.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundled message templates ({@code templates/<channel>/<id>.yaml}: subject, text, html) and
 * a plain rendering of {@code {{dotted.path}}} placeholders. Hand-written because it is a dozen
 * lines; the messaging issue replaces it with a real template engine and stored templates.
 */
public final class MessageTemplates {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

  public record Rendered(String subject, String text, String html) {}

  private final String brand;

  /** Templates without a configured brand: {@code {{brand}}} renders as nothing. */
  public MessageTemplates() {
    this(null);
  }

  /** @param brand what {@code {{brand}}} renders as (the stack's BrandName), or null */
  public MessageTemplates(String brand) {
    this.brand = brand;
  }

  public Rendered render(Channel channel, String templateId, JsonNode contactContext) {
    JsonNode template = load(channel, templateId);
    JsonNode context = contactContext;
    if (brand != null && contactContext instanceof ObjectNode object && !object.has("brand")) {
      context = object.deepCopy().put("brand", brand);
    }
    return new Rendered(
        template.has("subject") ? fill(template.get("subject").asText(), context, false) : null,
        fill(template.path("text").asText(""), context, false),
        template.has("html") ? fill(template.get("html").asText(), context, true) : null);
  }

  private static JsonNode load(Channel channel, String templateId) {
    String path = "templates/" + channel.wireName() + "/" + templateId + ".yaml";
    try (InputStream in = MessageTemplates.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no " + channel.wireName() + " template " + templateId);
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A missing value renders as nothing rather than failing the send. */
  static String fill(String text, JsonNode context, boolean html) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = Filter.resolve(context, m.group(1)).filter(v -> !v.isNull()).map(JsonNode::asText).orElse("");
      m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(value) : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
