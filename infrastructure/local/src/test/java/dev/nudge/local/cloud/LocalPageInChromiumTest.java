package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.HeadlessChromium;
import dev.nudge.local.testing.RecordingHandler;
import dev.nudge.local.testing.TestClouds;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** The /_local/ page as a person uses it, in headless Chromium. */
class LocalPageInChromiumTest {
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 1.0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @Test
  void clickingOpenOnASentMessageRecordsTheOpenAndPublishesEmailOpened() throws Exception {
    String id;
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      id = ses.sendEmail(b -> b.fromEmailAddress("hello@shop.example").destination(d -> d.toAddresses("dee@example.com"))
          .configurationSetName("nudge-test")
          .content(c -> c.simple(m -> m.subject(s -> s.data("Your cart misses you"))
              .body(body -> body.html(h -> h.data("<h1>Still thinking?</h1><a href=\"https://shop.example/cart\">Back to cart</a>"))))))
          .messageId();
    }
    String message = "article[data-message-id=\"" + id + "\"]";
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.open(cloud.endpoint() + "/_local/");
      assertThat(browser.evaluate("document.querySelector('" + message.replace("'", "\\'") + " h3').textContent").asText())
          .isEqualTo("Your cart misses you");
      assertThat(browser.evaluate("document.querySelector('" + message.replace("'", "\\'") + " .events').textContent").asText())
          .isEqualTo("Send, Delivery");
      assertThat(browser.evaluate("document.querySelector('" + message.replace("'", "\\'") + " iframe').getAttribute('srcdoc')").asText())
          .contains("Back to cart");

      browser.clickAndWait(message + " button.open");

      assertThat(browser.evaluate("document.querySelector('" + message.replace("'", "\\'") + " .events').textContent").asText())
          .isEqualTo("Send, Delivery, Open");
      assertThat(browser.evaluate("document.querySelector('#log').textContent").asText()).contains("simulated open of " + id);
    }
    JsonNode opened = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (opened == null && System.nanoTime() < deadline) {
      JsonNode event = RecordingHandler.received("nudge-SesEventsFunction").poll(200, TimeUnit.MILLISECONDS);
      if (event != null && event.path("detail-type").asText().equals("Email Opened")
          && event.path("detail").path("mail").path("messageId").asText().equals(id)) {
        opened = event;
      }
    }
    assertThat(opened).isNotNull();
    assertThat(opened.path("detail").path("open").path("ipAddress").asText()).isEqualTo("127.0.0.1");
  }
}
