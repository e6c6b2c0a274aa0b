package dev.nudge.local;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.HeadlessChromium;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The KPI dashboard of template.yaml, rendered by the local cloud from the metrics its functions
 * really emitted: real journeys send real messages, then the page is read in headless Chromium.
 */
class DashboardEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final int SUBSCRIBERS = 3;
  private static LocalCloud cloud;
  private static String keyId;
  private static String secret;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    String keysName = cloud.functions().find("TrackFunction").variables().get("SIGNING_KEYS_PARAMETER");
    try (SsmClient ssm = client(SsmClient.builder(), cloud)) {
      JsonNode keys = JSON.readTree(ssm.getParameter(b -> b.name(keysName).withDecryption(true)).parameter().value());
      keyId = keys.fieldNames().next();
      secret = keys.get(keyId).asText();
    }
    String workflow = Files.readString(Path.of(System.getProperty("nudge.repo.root", "../.."),
        "functions/src/main/resources/workflows/welcome-series.yaml"));
    assertThat(admin("PUT", "/v1/workflows/welcome-series", workflow).statusCode()).isIn(200, 201);
    assertThat(admin("POST", "/v1/workflows/welcome-series/publish", "").statusCode()).isEqualTo(200);
    for (int i = 0; i < SUBSCRIBERS; i++) {
      String contact = "dash-" + i;
      assertThat(signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
          + "@example.com\",\"attributes\":{\"firstName\":\"Ada\"},\"consent\":{\"email\":{\"status\":\"subscribed\"}}}")
          .statusCode()).isEqualTo(200);
      assertThat(signed("/v1/track", "{\"id\":\"sub-" + contact + "\",\"type\":\"contact.subscribed\",\"contactId\":\""
          + contact + "\"}").statusCode()).isEqualTo(200);
    }
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> welcomes() == SUBSCRIBERS)).as("welcome e-mails").isTrue();
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static long welcomes() {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("email")
        && m.to().stream().anyMatch(t -> t.startsWith("dash-"))).count();
  }

  @Test
  void theDashboardCountsTheEmailsTheJourneysSentAndTheJourneysThatStarted() throws Exception {
    JsonNode dashboard = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_local/api/dashboard"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    assertThat(total(dashboard, "E-mail: sent", "sent")).isEqualTo(SUBSCRIBERS);
    assertThat(total(dashboard, "Journeys started per workflow", "welcome-series")).isEqualTo(SUBSCRIBERS);
    assertThat(total(dashboard, "Rates", "open rate %")).isZero(); // nothing was opened
  }

  @Test
  void inChromiumTheDashboardShowsTheNumbersAndDrawsTheCharts() throws Exception {
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 1280).put("height", 1600)
          .put("deviceScaleFactor", 1).put("mobile", false));
      browser.open(cloud.endpoint() + "/_local/dashboard");
      assertThat(browser.evaluate("document.body.dataset.charts").asText()).isEqualTo("drawn");
      assertThat(browser.evaluate("document.querySelectorAll('.uplot canvas').length").asInt()).isGreaterThanOrEqualTo(4);
      assertThat(browser.evaluate("[...document.querySelectorAll('section.widget')].find(s => s.querySelector('h2')"
          + ".textContent.startsWith('E-mail: sent')).querySelector('tr[data-label=\"sent\"] td.total').textContent").asText())
          .isEqualTo(Integer.toString(SUBSCRIBERS));
      assertThat(browser.evaluate("document.body.textContent").asText()).contains("AWS/Lambda: not emulated locally");
      JsonNode shot = browser.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      Path file = Path.of("target", "screenshots", "local-dashboard.png");
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
      assertThat(Files.size(file)).isGreaterThan(10_000);
    }
  }

  private static double total(JsonNode dashboard, String widgetTitlePrefix, String label) {
    for (JsonNode widget : dashboard.path("widgets")) {
      if (widget.path("title").asText().startsWith(widgetTitlePrefix)) {
        for (JsonNode series : widget.path("series")) {
          if (series.path("label").asText().equals(label)) {
            return series.path("total").asDouble();
          }
        }
        throw new AssertionError("no series " + label + " in " + widget);
      }
    }
    throw new AssertionError("no widget " + widgetTitlePrefix);
  }

  private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
    // The local cloud checks that an AWS_IAM route carries a SigV4 credential scope; it does not verify signatures.
    return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + path))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/execute-api/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .header("content-type", "application/yaml")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> signed(String path, String body) throws Exception {
    String timestamp = Long.toString(cloud.clock().instant().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + path))
        .header("content-type", "application/json").header("x-nudge-key-id", keyId)
        .header("x-nudge-timestamp", timestamp).header("x-nudge-signature", "v1=" + signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
