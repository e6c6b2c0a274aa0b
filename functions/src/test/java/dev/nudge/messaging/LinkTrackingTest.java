package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import org.junit.jupiter.api.Test;

/** Links of journey e-mails get UTM parameters from the workflow and step, without the utm filter. */
class LinkTrackingTest {
  private static final String UNSUBSCRIBE = "https://api.example.com/v1/unsubscribe/tok?c=1&x=2";
  private final MessageTemplates templates = new MessageTemplates(new BundledMessageTemplates(),
      new Brand("Acme", null, "#0f766e", "1 Main St, Springfield"));

  private static MessageTemplate email(String html) {
    return email(html, null);
  }

  private static MessageTemplate email(String html, com.fasterxml.jackson.databind.JsonNode utm) {
    ObjectNode body = Json.object();
    if (utm != null) {
      body.set("utm", utm);
    }
    body.put("channel", "email");
    ObjectNode en = body.putObject("locales").putObject("en");
    en.put("subject", "Hello");
    en.put("html", html);
    return MessageTemplate.fromJson("t", body, 1);
  }

  private static ObjectNode journeySend() {
    ObjectNode context = Json.object();
    context.put("id", "c1");
    context.put("unsubscribe_url", UNSUBSCRIBE);
    context.putObject("workflow").put("id", "abandoned-cart");
    context.putObject("step").put("id", "remind");
    return context;
  }

  @Test
  void aJourneyEmailsLinksGetTheWorkflowAsCampaignAndTheStepAsContent() {
    String html = templates.render(email("<p><a href=\"https://shop.example.com/cart\">Your cart</a></p>"), journeySend()).html();
    assertThat(html).contains("href=\"https://shop.example.com/cart?utm_source=nudge&utm_medium=email"
        + "&utm_campaign=abandoned-cart&utm_content=remind\"");
  }

  @Test
  void theAuthorsOwnUtmParameterAndTheLinksQueryAndFragmentAreKept() {
    String html = templates.render(email("<a href='https://shop.example.com/p?id=7&amp;utm_campaign=autumn#top'>x</a>"),
        journeySend()).html();
    assertThat(html).contains("href='https://shop.example.com/p?id=7&amp;utm_campaign=autumn&amp;utm_source=nudge"
        + "&amp;utm_medium=email&amp;utm_content=remind#top'");
  }

  @Test
  void theUnsubscribeLinkIsNeverRewrittenInTheBodyOrTheFooter() {
    String html = templates.render(email("<a href=\"{{ unsubscribe_url }}\">Stop</a>"), journeySend()).html();
    String escaped = Liquid.escapeHtml(UNSUBSCRIBE);
    assertThat(html).contains("href=\"" + escaped + "\">Stop");
    assertThat(html).doesNotContain(escaped + "&amp;utm_").doesNotContain(escaped + "&utm_");
    assertThat(html).doesNotContain("x=2&utm_").doesNotContain("x=2&amp;utm_");
  }

  @Test
  void mailtoAndRelativeLinksAreLeftAlone() {
    String html = templates.render(email("<a href=\"mailto:help@example.com\">Help</a><a href=\"/faq\">FAQ</a>"),
        journeySend()).html();
    assertThat(html).contains("href=\"mailto:help@example.com\"").contains("href=\"/faq\"").doesNotContain("utm_");
  }

  @Test
  void aRenderOutsideAWorkflowLikeAPreviewAddsNothing() {
    ObjectNode context = journeySend();
    context.remove("workflow");
    String html = templates.render(email("<a href=\"https://shop.example.com/cart\">Your cart</a>"), context).html();
    assertThat(html).contains("href=\"https://shop.example.com/cart\"").doesNotContain("utm_");
  }

  @Test
  void aTemplateMayReplaceTheCampaignAndSource() {
    ObjectNode utm = Json.object().put("campaign", "spring-2027").put("source", "newsletter");
    String html = templates.render(email("<a href=\"https://shop.example.com/\">Shop</a>", utm), journeySend()).html();
    assertThat(html).contains("https://shop.example.com/?utm_source=newsletter&utm_medium=email"
        + "&utm_campaign=spring-2027&utm_content=remind\"");
  }

  @Test
  void aTemplateWithUtmFalseKeepsItsLinksAsWritten() {
    String html = templates.render(email("<a href=\"https://shop.example.com/\">Shop</a>",
        com.fasterxml.jackson.databind.node.BooleanNode.FALSE), journeySend()).html();
    assertThat(html).contains("href=\"https://shop.example.com/\"").doesNotContain("utm_");
  }

  @Test
  void theUtmSettingsSurviveTheStoredJsonForm() {
    MessageTemplate t = email("<p>x</p>", Json.object().put("campaign", "spring-2027"));
    assertThat(MessageTemplate.fromJson("t", t.toJson(), 1).utm()).isEqualTo(t.utm());
    MessageTemplate off = email("<p>x</p>", com.fasterxml.jackson.databind.node.BooleanNode.FALSE);
    assertThat(MessageTemplate.fromJson("t", off.toJson(), 1).utm().enabled()).isFalse();
  }

  @Test
  void theTextPartGeneratedFromTheHtmlCarriesTheTaggedLink() {
    String text = templates.render(email("<a href=\"https://shop.example.com/cart\">Your cart</a>"), journeySend()).text();
    assertThat(text).contains("utm_campaign=abandoned-cart");
  }
}
