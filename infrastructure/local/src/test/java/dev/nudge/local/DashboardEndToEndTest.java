package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.Dashboards;
import dev.nudge.local.testing.HeadlessChromium;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KPI dashboard of template.yaml, rendered by the local cloud from the metrics its functions
 * really emitted: real journeys send real messages, then the page is read in headless Chromium.
 */
class DashboardEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SUBSCRIBERS = 3;
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publishBundled("welcome-series");
    for (int i = 0; i < SUBSCRIBERS; i++) {
      String contact = "dash-" + i;
      assertThat(api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
          + "@example.com\",\"attributes\":{\"firstName\":\"Ada\"},\"consent\":{\"email\":{\"status\":\"subscribed\"}}}")
          .statusCode()).isEqualTo(200);
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
    JsonNode dashboard = JSON.readTree(api.get("/_local/api/dashboard").body());
    assertThat(Dashboards.total(dashboard, "E-mail: sent", "sent")).isEqualTo(SUBSCRIBERS);
    assertThat(Dashboards.total(dashboard, "Journeys started per workflow", "welcome-series")).isEqualTo(SUBSCRIBERS);
    assertThat(Dashboards.total(dashboard, "Rates", "open rate %")).isZero(); // nothing was opened
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

}
