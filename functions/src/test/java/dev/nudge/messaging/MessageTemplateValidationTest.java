package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import org.junit.jupiter.api.Test;

class MessageTemplateValidationTest {
  private static ObjectNode email(String subject, String html) {
    ObjectNode body = Json.object();
    body.put("channel", "email");
    ObjectNode en = body.putObject("locales").putObject("en");
    en.put("subject", subject);
    en.put("html", html);
    return body;
  }

  private static String refusedField(String id, ObjectNode body) {
    try {
      MessageTemplate.fromJson(id, body, 1);
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(400);
      return e.field();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void aSyntaxErrorIsRefusedNamingThePart() {
    assertThat(refusedField("t", email("Hi", "<p>{% if contact.vip %}VIP</p>"))).isEqualTo("locales.en.html");
  }

  @Test
  void anUnknownFilterIsRefusedAtSaveTime() {
    assertThatThrownBy(() -> MessageTemplate.fromJson("t", email("Hi {{ contact.firstName | shout }}", "<p>x</p>"), 1))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("shout")
        .extracting(e -> ((ApiException) e).field()).isEqualTo("locales.en.subject");
  }

  @Test
  void anOversizedHtmlPartIsRefused() {
    String html = "<p>" + "x".repeat(MessageTemplate.MAX_PART) + "</p>";
    assertThat(refusedField("t", email("Hi", html))).isEqualTo("locales.en.html");
  }

  @Test
  void aVariantForAnUnknownLanguageIsRefused() {
    ObjectNode body = email("Hi", "<p>x</p>");
    ((ObjectNode) body.get("locales")).putObject("xx").put("subject", "Hi").put("html", "<p>x</p>");
    assertThat(refusedField("t", body)).isEqualTo("locales.xx");
  }

  @Test
  void anIdWithPathCharactersIsRefused() {
    assertThat(refusedField("../etc", email("Hi", "<p>x</p>"))).isEqualTo("id");
    assertThat(refusedField("a/b", email("Hi", "<p>x</p>"))).isEqualTo("id");
  }

  @Test
  void theDefaultLocaleMustBeAVariant() {
    ObjectNode body = email("Hi", "<p>x</p>");
    body.put("defaultLocale", "es");
    assertThat(refusedField("t", body)).isEqualTo("defaultLocale");
  }

  @Test
  void anSmsHasOnlyABody() {
    ObjectNode body = Json.object();
    body.put("channel", "sms");
    body.putObject("locales").putObject("en").put("subject", "Hi").put("body", "x");
    assertThat(refusedField("t", body)).isEqualTo("locales.en.subject");
  }

  @Test
  void smsSegmentsAreCountedPerEncoding() {
    assertThat(SmsSegments.count("a".repeat(160))).isEqualTo(new SmsSegments.Count("GSM-7", 160, 1));
    assertThat(SmsSegments.count("a".repeat(161)).segments()).isEqualTo(2);
    assertThat(SmsSegments.count("€".repeat(80))).isEqualTo(new SmsSegments.Count("GSM-7", 160, 1));
    assertThat(SmsSegments.count("ł".repeat(70))).isEqualTo(new SmsSegments.Count("UCS-2", 70, 1));
    assertThat(SmsSegments.count("ł".repeat(71)).segments()).isEqualTo(2);
  }

  @Test
  void everyBundledTemplateParsesInEveryLanguage() throws Exception {
    var loader = getClass().getClassLoader();
    BundledMessageTemplates bundled = new BundledMessageTemplates();
    int count = 0;
    for (var channel : dev.nudge.contacts.Channel.values()) {
      var dir = loader.getResource("templates/" + channel.wireName());
      if (dir == null) {
        continue;
      }
      try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
        for (var file : files.toList()) {
          String id = file.getFileName().toString().replace(".yaml", "");
          MessageTemplate t = bundled.find(channel, id).orElseThrow();
          assertThat(t.locales().keySet()).as(id).contains("en", "es");
          count++;
        }
      }
    }
    assertThat(count).isEqualTo(28); // 27 journey templates and the double opt-in confirmation
  }

  @Test
  void theBundledListNamesExactlyTheBundledFiles() throws Exception {
    var loader = getClass().getClassLoader();
    java.util.Set<String> files = new java.util.TreeSet<>();
    for (var channel : dev.nudge.contacts.Channel.values()) {
      var dir = loader.getResource("templates/" + channel.wireName());
      if (dir == null) {
        continue;
      }
      try (var list = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
        list.forEach(f -> files.add(channel.wireName() + "/" + f.getFileName().toString().replace(".yaml", "")));
      }
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    new BundledMessageTemplates().all().forEach(t -> listed.add(t.channel().wireName() + "/" + t.id()));
    assertThat(listed).isEqualTo(files).hasSize(28);
  }
}
