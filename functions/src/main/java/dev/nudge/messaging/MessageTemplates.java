package dev.nudge.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import liqp.Template;

/**
 * Renders a message: finds the template (stored first, then bundled), picks the variant for the
 * contact's locale, renders its Liquid parts and wraps e-mail HTML in the brand layout.
 *
 * <p>The context templates see: {@code contact} (the profile's fields with its attributes beside
 * them, so {@code contact.firstName}), the legacy top-level fields ({@code attributes.firstName}),
 * {@code trigger} (the event that started the journey), {@code brand} (the brand name),
 * {@code locale} (the variant's language), {@code unsubscribe_url} when the sender provides it, and
 * for journey sends {@code workflow.id} and {@code step.id}, from which every web link of the HTML
 * part gets UTM parameters ({@link LinkTracking}).
 * A missing value renders empty (or its {@code default:}) and is listed in {@link Rendered#missing}.
 */
public final class MessageTemplates {
  private static final String LAYOUT_SOURCE = resource("templates/layout/email.html");
  private static final Template LAYOUT = Liquid.check(LAYOUT_SOURCE);
  private static final int CACHE_LIMIT = 2_000;

  /**
   * {@code templateVersion}: 0 for a bundled template, else the stored version that was used;
   * {@code locale}: the variant rendered; {@code missing}: variables the template read and the
   * context lacked.
   */
  public record Rendered(String subject, String text, String html, String preheader, String templateId,
      int templateVersion, String locale, List<String> missing) {}

  private final TemplateSource source;
  private final Brand brand;
  /** Parsed Liquid by language and source text: a template version never changes, so its text is its key. */
  private final Map<String, Template> parsed = new ConcurrentHashMap<>();

  /** Bundled templates, no brand. */
  public MessageTemplates() {
    this(new BundledMessageTemplates(), Brand.none());
  }

  /** Bundled templates; {@code brand} is the name {@code {{ brand }}} renders as, or null. */
  public MessageTemplates(String brand) {
    this(new BundledMessageTemplates(), new Brand(brand, null, null, null));
  }

  public MessageTemplates(TemplateSource source, Brand brand) {
    this.source = source;
    this.brand = brand;
  }

  /**
   * Renders a bundled template once, in English and Spanish, touching no network: liqp, its ANTLR
   * runtime and the YAML reader load at init, which SnapStart snapshots, instead of on the first
   * send (about half a second in a fresh JVM; docs/benchmarks.md).
   */
  public MessageTemplates prime() {
    try {
      MessageTemplates bundledOnly = new MessageTemplates(new BundledMessageTemplates(), brand);
      ObjectNode sample = Json.object();
      sample.putObject("attributes").put("firstName", "Prime");
      sample.putObject("trigger").putObject("properties").putArray("items").addObject().put("name", "x").put("price", 1);
      bundledOnly.render(Channel.EMAIL, "cart-reminder", sample);
      sample.put("locale", "es");
      bundledOnly.render(Channel.SMS, "cart-sms", sample);
    } catch (RuntimeException e) {
      // Priming is an optimisation: a failure here must not stop the function from starting.
    }
    return this;
  }

  public TemplateSource source() {
    return source;
  }

  /** @throws IllegalArgumentException if there is no such template for the channel */
  public Rendered render(Channel channel, String templateId, JsonNode contactContext) {
    MessageTemplate template = source.find(channel, templateId).orElseThrow(
        () -> new IllegalArgumentException("no " + channel.wireName() + " template " + templateId));
    return render(template, contactContext);
  }

  public Rendered render(MessageTemplate template, JsonNode contactContext) {
    String contactLocale = contactContext == null ? null : contactContext.path("locale").asText(null);
    Map.Entry<String, MessageTemplate.Content> variant = template.variantFor(contactLocale);
    MessageTemplate.Content content = variant.getValue();
    ObjectNode context = context(contactContext, variant.getKey());
    Set<String> missing = Liquid.missingSet();
    if (template.channel() == Channel.SMS) {
      return new Rendered(null, part(content.body(), context, false, missing), null, null, template.id(),
          template.version(), variant.getKey(), List.copyOf(missing));
    }
    String subject = part(content.subject(), context, false, missing).strip();
    String preheader = content.preheader() == null ? null : part(content.preheader(), context, false, missing).strip();
    String html = null;
    if (content.html() != null) {
      // Tracking before the layout: the footer's unsubscribe link is never a campaign link.
      String body = LinkTracking.tag(part(content.html(), context, true, missing),
          LinkTracking.parameters(context, "email", template.utm()), context);
      html = layout(body, subject, preheader, variant.getKey(), context.path("unsubscribe_url").asText(""));
    }
    String text = content.text() == null ? HtmlText.from(html)
        : html == null ? part(content.text(), context, false, missing)
        : part(content.text(), context, false, missing).stripTrailing() + "\n\n"
            + textFooter(variant.getKey(), context.path("unsubscribe_url").asText(""));
    return new Rendered(subject, text, html, preheader, template.id(), template.version(), variant.getKey(),
        List.copyOf(missing));
  }

  private ObjectNode context(JsonNode contactContext, String locale) {
    ObjectNode context = contactContext instanceof ObjectNode o ? o.deepCopy() : Json.object();
    if (!context.has("contact")) {
      ObjectNode contact = Json.object();
      context.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("trigger") && !e.getKey().equals("attributes")) {
          contact.set(e.getKey(), e.getValue());
        }
      });
      context.path("attributes").fields().forEachRemaining(e -> contact.set(e.getKey(), e.getValue()));
      context.set("contact", contact);
    }
    if (!context.has("brand") && !brand.name().isEmpty()) {
      context.put("brand", brand.name());
    }
    context.put("locale", locale);
    return context;
  }

  private String part(String liquid, JsonNode context, boolean html, Set<String> missing) {
    String language = context.path("locale").asText("en");
    String key = language + "\u0000" + liquid;
    Template template = parsed.get(key);
    if (template == null) {
      if (parsed.size() >= CACHE_LIMIT) {
        parsed.clear();
      }
      template = Liquid.parse(liquid, language);
      parsed.put(key, template);
    }
    return Liquid.render(template, context, html, missing);
  }

  private String layout(String content, String subject, String preheader, String locale, String unsubscribeUrl) {
    // The layout's own values are escaped here and the rendered body goes in as is: it was escaped
    // where the contact's data entered it.
    ObjectNode context = Json.object();
    context.put("content", content);
    context.put("subject", Liquid.escapeHtml(subject));
    context.put("preheader", preheader == null ? "" : Liquid.escapeHtml(preheader));
    context.put("locale", locale);
    context.put("unsubscribe_url", Liquid.escapeHtml(unsubscribeUrl));
    ObjectNode b = context.putObject("brand");
    b.put("name", Liquid.escapeHtml(brand.name()));
    b.put("logoUrl", Liquid.escapeHtml(brand.logoUrl()));
    b.put("color", brand.color());
    b.put("postalAddress", Liquid.escapeHtml(brand.postalAddress()));
    return Liquid.render(LAYOUT, context, false, null);
  }

  /**
   * The layout's footer for a hand-written text part (a generated one has it already): the postal
   * address and the way out belong in both parts.
   */
  private String textFooter(String locale, String unsubscribeUrl) {
    StringBuilder out = new StringBuilder("--\n");
    String sender = String.join(" · ", java.util.stream.Stream.of(brand.name(), brand.postalAddress())
        .filter(v -> !v.isEmpty()).toList());
    if (!sender.isEmpty()) {
      out.append(sender).append('\n');
    }
    boolean es = locale.equals("es");
    boolean pl = locale.equals("pl");
    if (!unsubscribeUrl.isEmpty()) {
      out.append(es ? "Darse de baja: " : pl ? "Wypisz się: " : "Unsubscribe: ").append(unsubscribeUrl);
    } else {
      out.append(es ? "Responde «baja» para no recibir más correos."
          : pl ? "Odpowiedz „wypisz”, aby nie otrzymywać wiadomości." : "Reply \"unsubscribe\" to stop these e-mails.");
    }
    return out.append('\n').toString();
  }

  private static String resource(String path) {
    try (InputStream in = MessageTemplates.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
