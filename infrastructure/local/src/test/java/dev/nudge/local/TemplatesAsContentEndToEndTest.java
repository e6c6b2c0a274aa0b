package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.HeadlessChromium;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's proof in the local cloud running template.yaml, through the real admin and tracking
 * APIs: a template created through the API, a workflow using it published, a Spanish contact gets
 * the es variant with their first name, an English one without a first name gets the default; the
 * outbox's .eml has subject, text and HTML; the local page shows the HTML, screenshotted to
 * {@code target/templates-e2e/local-page.png}.
 */
class TemplatesAsContentEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path OUT = Path.of("target", "templates-e2e");
  private static LocalCloud cloud;
  private static NudgeApi api;

  private static final String TEMPLATE = "{\"channel\":\"email\",\"defaultLocale\":\"en\",\"locales\":{"
      + "\"en\":{\"subject\":\"Welcome{% if contact.firstName %}, {{ contact.firstName }}{% endif %}\","
      + "\"html\":\"<p>Hi {{ contact.firstName | default: 'there' }},</p>"
      + "<p><a href='https://shop.example.com/spring'>See the spring range</a></p>\"},"
      + "\"es\":{\"subject\":\"Bienvenida{% if contact.firstName %}, {{ contact.firstName }}{% endif %}\","
      + "\"html\":\"<p>Hola, {{ contact.firstName | default: 'amiga' }}:</p>"
      + "<p><a href='https://shop.example.com/spring'>Mira la colección</a></p>\"}}}";

  private static final String WORKFLOW = String.join("\n",
      "id: spring-welcome",
      "name: Spring welcome",
      "trigger:",
      "  event: contact.subscribed",
      "reentry: never",
      "audience:",
      "  consent: email",
      "steps:",
      "  - id: hello",
      "    email: { template: spring-hello }",
      "");

  @BeforeAll
  static void start() throws Exception {
    Path data = Files.createDirectories(OUT.resolve("data"));
    try (var old = Files.walk(data)) {
      old.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(data)).forEach(p -> p.toFile().delete());
    }
    cloud = TestClouds.startPersisted(TestClouds.repoTemplate(), data);
    api = new NudgeApi(cloud);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aTemplateCreatedThroughTheApiIsSentInTheContactsLanguageWithDefaultsAndShownOnTheLocalPage() throws Exception {
    HttpResponse<String> saved = api.admin("PUT", "/v1/templates/spring-hello", TEMPLATE, "application/json");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
    HttpResponse<String> draft = api.admin("PUT", "/v1/workflows/spring-welcome", WORKFLOW, "application/yaml");
    assertThat(draft.statusCode()).as(draft.body()).isIn(200, 201);
    HttpResponse<String> published = api.admin("POST", "/v1/workflows/spring-welcome/publish", "", "application/json");
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);

    subscribe("ana", "es-ES", "Ana");
    subscribe("bob", "en-GB", null);
    assertThat(TestClouds.eventually(Duration.ofSeconds(60), () -> emailTo("ana") != null && emailTo("bob") != null))
        .as("both welcome e-mails in the outbox").isTrue();

    Outbox.Message ana = emailTo("ana");
    assertThat(ana.subject()).isEqualTo("Bienvenida, Ana");
    assertThat(ana.html()).contains("<html lang=\"es\">").contains("Hola, Ana:");
    assertThat(ana.text()).contains("Hola, Ana:");
    assertThat(ana.html()).contains("https://shop.example.com/spring?utm_source=nudge&utm_medium=email"
        + "&utm_campaign=spring-welcome&utm_content=hello");

    Outbox.Message bob = emailTo("bob");
    assertThat(bob.subject()).isEqualTo("Welcome");
    assertThat(bob.html()).contains("Hi there,").doesNotContain("Hi ,");
    assertThat(bob.text()).contains("Hi there,");

    String eml = Files.readString(OUT.resolve("data").resolve("outbox").resolve(ana.file()), StandardCharsets.UTF_8);
    assertThat(eml).containsIgnoringCase("text/plain").containsIgnoringCase("text/html");
    assertThat(decodedParts(eml)).contains("Hola, Ana:");
    assertThat(eml).contains("Subject:");

    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.open(cloud.endpoint() + "/_local/");
      String article = "article[data-message-id=\\\"" + ana.id() + "\\\"]";
      assertThat(browser.evaluate("document.querySelector(\"" + article + " iframe\").getAttribute('srcdoc')").asText())
          .contains("Hola, Ana:");
      // Ana's message at the top of a tall viewport, and a moment for the sandboxed iframe to lay
      // out its srcdoc, so the screenshot (kept to look at) shows the rendered HTML part.
      browser.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 800).put("height", 1400)
          .put("deviceScaleFactor", 1).put("mobile", false));
      browser.evaluate("document.querySelector(\"" + article + "\").scrollIntoView()");
      assertThat(browser.evaluate("document.querySelector(\"" + article + " iframe\").getBoundingClientRect().height")
          .asDouble()).as("the iframe showing the HTML part has a height").isGreaterThan(50);
      browser.evaluate("new Promise(r => setTimeout(r, 500))");
      ObjectNode shot = JSON.createObjectNode().put("format", "png");
      String png = browser.call("Page.captureScreenshot", shot).path("data").asText();
      Files.createDirectories(OUT);
      Path file = OUT.resolve("local-page.png");
      Files.write(file, Base64.getDecoder().decode(png));
      assertThat(Files.size(file)).isGreaterThan(5_000);
    }
  }

  /** The .eml's text: a part may be quoted-printable or base64, so both readings are searched. */
  private static String decodedParts(String eml) {
    StringBuilder out = new StringBuilder(eml.replace("=\r\n", "").replace("=\n", ""));
    for (String line : eml.split("\r?\n")) {
      if (line.matches("[A-Za-z0-9+/=]{16,}")) {
        try {
          out.append(new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // not base64
        }
      }
    }
    return out.toString();
  }

  private static void subscribe(String contact, String locale, String firstName) throws Exception {
    String attributes = firstName == null ? "{}" : "{\"firstName\":\"" + firstName + "\"}";
    HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
        + "@example.com\",\"locale\":\"" + locale + "\",\"attributes\":" + attributes + ","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
    assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
  }

  private static Outbox.Message emailTo(String contact) {
    List<Outbox.Message> all = cloud.outbox().all().stream()
        .filter(m -> m.channel().equals("email") && m.to().contains(contact + "@example.com")).toList();
    return all.isEmpty() ? null : all.get(0);
  }
}
