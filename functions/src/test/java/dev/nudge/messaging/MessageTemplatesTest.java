package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.Json;
import org.junit.jupiter.api.Test;

class MessageTemplatesTest {
  private final MessageTemplates templates = new MessageTemplates(new BundledMessageTemplates(),
      new Brand("Acme", "https://cdn.example.com/logo.png", "#0f766e", "1 Main St, Springfield"));

  private static ObjectNode contactNamed(String firstName) {
    ObjectNode context = Json.object();
    context.put("id", "c1");
    context.putObject("attributes").put("firstName", firstName);
    return context;
  }

  private static MessageTemplate email(String html) {
    ObjectNode body = Json.object();
    body.put("channel", "email");
    ObjectNode en = body.putObject("locales").putObject("en");
    en.put("subject", "Hello {{ contact.firstName }}");
    en.put("html", html);
    return MessageTemplate.fromJson("t", body, 1);
  }

  @Test
  void rendersTheConfiguredBrandWhereATemplateNamesIt() {
    MessageTemplates.Rendered rendered = new MessageTemplates("Acme").render(Channel.EMAIL, "welcome-1", contactNamed("Ada"));
    assertThat(rendered.subject()).isEqualTo("Welcome to Acme, Ada");
  }

  @Test
  void leavesTheCallersContextUntouched() {
    ObjectNode context = contactNamed("Ada");
    templates.render(Channel.EMAIL, "welcome-1", context);
    assertThat(context.has("brand")).isFalse();
    assertThat(context.has("contact")).isFalse();
  }

  @Test
  void aContactWithoutAFirstNameGetsNoDanglingComma() {
    MessageTemplates.Rendered rendered = new MessageTemplates().render(Channel.EMAIL, "welcome-1", Json.object());
    assertThat(rendered.subject()).isEqualTo("Welcome to Nudge");
    assertThat(rendered.text()).startsWith("Hi there,");
  }

  @Test
  void recordsTheVariablesTheContextLacked() {
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-1", Json.object());
    assertThat(rendered.missing()).contains("contact.firstName");
    assertThat(templates.render(Channel.EMAIL, "welcome-1", contactNamed("Ada")).missing()).isEmpty();
  }

  @Test
  void aMissingTopLevelVariableRendersItsDefaultOrEmptyAndIsRecorded() {
    MessageTemplates.Rendered rendered = templates.render(
        email("<p>Code: {{ coupon | default: \"none\" }}.</p><p>{{ offer }}</p>"), contactNamed("Ada"));
    assertThat(rendered.html()).contains("<p>Code: none.</p><p></p>");
    assertThat(rendered.missing()).contains("coupon", "offer").doesNotContain("contact.firstName");
  }

  @Test
  void aLoopsOwnVariableIsNotRecordedAsMissing() {
    ObjectNode context = contactNamed("Ada");
    context.putObject("trigger").putObject("properties").putArray("items").addObject().put("name", "Tea");
    MessageTemplates.Rendered rendered = templates.render(
        email("{% for item in trigger.properties.items %}<p>{{ item.name }} {{ forloop.index }}</p>{% endfor %}"), context);
    assertThat(rendered.html()).contains("<p>Tea 1</p>");
    assertThat(rendered.missing()).isEmpty();
  }

  @Test
  void contactDataIsEscapedInTheHtmlPartButNotInTheSubjectOrText() {
    MessageTemplates.Rendered rendered = templates.render(email("<p>Hi {{ contact.firstName }}</p>"),
        contactNamed("<script>alert('x')</script> & co"));
    assertThat(rendered.html()).contains("<p>Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>");
    assertThat(rendered.html()).doesNotContain("<script>");
    assertThat(rendered.subject()).isEqualTo("Hello <script>alert('x')</script> & co");
    assertThat(rendered.text()).contains("Hi <script>alert('x')</script> & co");
  }

  @Test
  void loopsOverTheTriggersItemsWithFormattedPrices() {
    ObjectNode context = contactNamed("Ada");
    ObjectNode properties = context.putObject("trigger").putObject("properties");
    var items = properties.putArray("items");
    items.addObject().put("name", "Trail shoes").put("price", 89.5).put("quantity", 2);
    items.addObject().put("name", "Socks").put("price", 7).put("quantity", 1);
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "cart-reminder", context);
    assertThat(rendered.text()).contains("Trail shoes × 2 89.50").contains("Socks 7.00");
  }

  @Test
  void aCountOfItemsRendersAsACount() {
    ObjectNode context = contactNamed("Ada");
    context.putObject("trigger").putObject("properties").put("items", 2);
    assertThat(templates.render(Channel.EMAIL, "cart-reminder", context).text()).contains("2 item(s)");
  }

  @Test
  void formatsDates() {
    ObjectNode context = contactNamed("Ada");
    context.putObject("trigger").put("occurredAt", "2026-11-23T11:00:00Z");
    MessageTemplates.Rendered rendered = templates.render(
        email("<p>Ordered {{ trigger.occurredAt | date: \"%-d %B %Y\" }}</p>"), context);
    assertThat(rendered.text()).contains("Ordered 23 November 2026");
  }

  @Test
  void theContactsLanguagePicksTheVariant() {
    ObjectNode context = contactNamed("Ada");
    context.put("locale", "es-MX");
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-1", context);
    assertThat(rendered.subject()).isEqualTo("Te damos la bienvenida a Acme, Ada");
    assertThat(rendered.locale()).isEqualTo("es");
    assertThat(rendered.html()).contains("lang=\"es\"");
  }

  @Test
  void aLanguageWithoutAVariantFallsBackToTheDefault() {
    ObjectNode context = contactNamed("Ada");
    context.put("locale", "pl-PL");
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-1", context);
    assertThat(rendered.subject()).isEqualTo("Welcome to Acme, Ada");
    assertThat(rendered.locale()).isEqualTo("en");
  }

  @Test
  void theTextPartIsGeneratedFromTheHtml() {
    MessageTemplates.Rendered rendered = templates.render(
        email("<p>Hi {{ contact.firstName }},</p><p>Read <a href=\"https://example.com/a?b=1&amp;c=2\">the guide</a>.</p>"),
        contactNamed("Ada"));
    assertThat(rendered.text()).startsWith("Hi Ada,\n\nRead the guide (https://example.com/a?b=1&c=2).\n");
  }

  @Test
  void aHandWrittenTextPartGetsTheFooterToo() {
    ObjectNode body = Json.object();
    body.put("channel", "email");
    body.putObject("locales").putObject("en").put("subject", "Hi").put("html", "<p>Hi</p>").put("text", "Hi {{ contact.firstName }}");
    ObjectNode context = contactNamed("Ada");
    context.put("unsubscribe_url", "https://nudge.example.com/u/abc");
    MessageTemplates.Rendered rendered = templates.render(MessageTemplate.fromJson("t", body, 1), context);
    assertThat(rendered.text()).isEqualTo("Hi Ada\n\n--\nAcme · 1 Main St, Springfield\nUnsubscribe: https://nudge.example.com/u/abc\n");
  }

  @Test
  void everyEmailIsWrappedInTheBrandLayout() {
    ObjectNode context = contactNamed("Ada");
    context.put("unsubscribe_url", "https://nudge.example.com/u/abc");
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-2", context);
    assertThat(rendered.html())
        .contains("<img src=\"https://cdn.example.com/logo.png\" alt=\"Acme\"")
        .contains("background-color:#0f766e")
        .contains("1 Main St, Springfield")
        .contains("<a href=\"https://nudge.example.com/u/abc\"")
        .contains("the three pieces our readers come back to most");
    assertThat(rendered.text()).contains("Unsubscribe (https://nudge.example.com/u/abc)");
  }

  @Test
  void withoutAnUnsubscribeLinkTheFooterSaysHowToStop() {
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-2", contactNamed("Ada"));
    assertThat(rendered.html()).contains("Reply \"unsubscribe\" to stop these e-mails.").doesNotContain("Unsubscribe</a>");
  }

  @Test
  void smsRendersTheBodyAsText() {
    MessageTemplates.Rendered rendered = templates.render(Channel.SMS, "cart-sms", contactNamed("Ada"));
    assertThat(rendered.text()).isEqualTo("Acme: your cart is still waiting. Reply STOP to opt out.");
    assertThat(rendered.html()).isNull();
    assertThat(rendered.subject()).isNull();
  }

  @Test
  void aBundledTemplateReportsVersionZero() {
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-1", contactNamed("Ada"));
    assertThat(rendered.templateId()).isEqualTo("welcome-1");
    assertThat(rendered.templateVersion()).isZero();
  }
}
