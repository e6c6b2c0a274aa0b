package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The campaign templates (docs/campaigns.md) render in both languages from the data their
 * workflows document, and show that data: the items bought, the category viewed, the code.
 */
class CampaignTemplatesTest {
  static final List<String> EMAILS = List.of("welcome-1", "welcome-2", "welcome-3", "purchase-survey",
      "purchase-cross-sell", "birthday-greeting", "birthday-reminder", "interest-customer", "interest-prospect",
      "loyalty-reward", "club-welcome", "club-early-access", "reengage-miss-you", "reengage-last-chance",
      "local-store-invite", "local-store-news", "sales-intro", "nurture-1", "nurture-2", "nurture-3",
      "nurture-pricing", "cart-reminder", "cart-offer");

  private final MessageTemplates templates = new MessageTemplates("Acme");

  private static ObjectNode contact(String locale, ObjectNode triggerProperties) {
    ObjectNode context = Json.object();
    context.put("id", "c1");
    context.put("locale", locale);
    context.putObject("attributes").put("firstName", "Ana");
    context.putObject("location").put("city", "Madrid").put("lat", 40.42).put("lon", -3.70);
    context.putObject("trigger").set("properties", triggerProperties);
    return context;
  }

  private static ObjectNode order() {
    ObjectNode properties = Json.object().put("orderId", "A-1001").put("total", 89.9);
    ArrayNode items = properties.putArray("items");
    items.addObject().put("name", "Trail shoes").put("category", "running").put("price", 79.9).put("quantity", 1);
    items.addObject().put("name", "Socks").put("category", "running").put("price", 10).put("quantity", 1);
    return properties;
  }

  private static ObjectNode view() {
    return Json.object().put("name", "Rain jacket").put("category", "outdoor")
        .put("url", "https://shop.example.com/p/rain-jacket");
  }

  @ParameterizedTest
  @FieldSource("EMAILS")
  void everyCampaignEmailRendersInEnglishAndSpanishWithItsData(String id) {
    for (String locale : List.of("en", "es")) {
      ObjectNode data = id.startsWith("interest-") ? view() : order();
      MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, id, contact(locale, data));
      assertThat(rendered.locale()).as(id).isEqualTo(locale);
      assertThat(rendered.subject()).as(id + " subject").isNotBlank().doesNotContain("{{", "{%");
      assertThat(rendered.html()).as(id + " html").contains("Ana").doesNotContain("{{", "{%", "Liquid error");
    }
  }

  @Test
  void theSpanishVariantIsSpanish() {
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "loyalty-reward", contact("es-ES", order()));
    assertThat(rendered.subject()).isEqualTo("Gracias, Ana: tenemos un regalo para ti");
    assertThat(rendered.html()).contains("LOYAL20", "20 %");
  }

  @Test
  void theCrossSellNamesWhatWasBoughtAndTheRecommendations() {
    ObjectNode data = order();
    data.putArray("recommendations").addObject().put("name", "Running belt").put("url", "https://shop.example.com/p/belt");
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "purchase-cross-sell", contact("en", data));
    assertThat(rendered.subject()).isEqualTo("Goes well with your Trail shoes");
    assertThat(rendered.html()).contains("Trail shoes, Socks", "Running belt", "https://shop.example.com/p/belt");
  }

  @Test
  void withoutRecommendationsTheCrossSellLinksTheCategoryBought() {
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "purchase-cross-sell", contact("es", order()));
    assertThat(rendered.html()).contains("https://www.example.com/c/running", "Más en running");
  }

  @Test
  void theSurveyOffersElevenScoresForTheOrder() {
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "purchase-survey", contact("en", order()));
    assertThat(rendered.subject()).isEqualTo("How was your order A-1001?");
    assertThat(rendered.html()).contains("score=0", "score=10").doesNotContain("score=11");
  }

  @Test
  void theInterestOffersNameTheCategoryViewed() {
    assertThat(templates.render(Channel.EMAIL, "interest-customer", contact("en", view())).subject())
        .isEqualTo("More outdoor for you");
    assertThat(templates.render(Channel.EMAIL, "interest-prospect", contact("es", view())).subject())
        .isEqualTo("¿Sigues pensando en Rain jacket?");
  }

  @Test
  void theLocalInvitationNamesTheContactsCity() {
    assertThat(templates.render(Channel.EMAIL, "local-store-invite", contact("es", Json.object())).subject())
        .isEqualTo("Abrimos a la vuelta de la esquina en Madrid");
  }

  @Test
  void everyCampaignSmsRendersInBothLanguagesWithTheOptOut() {
    for (String id : List.of("birthday-last-call", "cart-sms")) {
      for (String locale : List.of("en", "es")) {
        MessageTemplates.Rendered rendered = templates.render(Channel.SMS, id, contact(locale, Json.object()));
        assertThat(rendered.text()).as(id + " " + locale).contains("Acme", "STOP");
      }
    }
  }
}
