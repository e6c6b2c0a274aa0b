package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The feedback loop in the local cloud on the real template: a simulated bounce or complaint
 * (SES's event on the default bus, the template's rule, the FeedbackFunction) suppresses the
 * address, and the journey's next e-mail is skipped as {@code suppressed}, visible in the stats API.
 */
class FeedbackEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    String workflow = Files.readString(Path.of(System.getProperty("nudge.repo.root", "../.."),
        "functions/src/main/resources/workflows/welcome-series.yaml"));
    assertThat(api.admin("PUT", "/v1/workflows/welcome-series", workflow, "application/yaml").statusCode()).isIn(200, 201);
    assertThat(api.admin("POST", "/v1/workflows/welcome-series/publish", "", "application/json").statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static Outbox.Message welcome(String contact) throws Exception {
    assertThat(api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
        + "@example.com\",\"consent\":{\"email\":{\"status\":\"subscribed\"}}}").statusCode()).isEqualTo(200);
    assertThat(api.signed("/v1/track", "{\"id\":\"sub-" + contact + "\",\"type\":\"contact.subscribed\",\"contactId\":\""
        + contact + "\"}").statusCode()).isEqualTo(200);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo(contact).size() == 1)).as("welcome").isTrue();
    return emailsTo(contact).get(0);
  }

  private static List<Outbox.Message> emailsTo(String contact) {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("email") && m.to().contains(contact + "@example.com"))
        .toList();
  }

  private static void simulate(Outbox.Message message, String type) throws Exception {
    HttpResponse<String> response = api.post("/_local/outbox/" + message.id() + "/" + type);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Thread.sleep(1500); // the rule's invocation and the stream
    cloud.engine().awaitQuiescence();
  }

  private static long counter(String step, String counter) throws Exception {
    JsonNode stats = JSON.readTree(api.admin("GET", "/v1/workflows/welcome-series/stats", "", "application/json").body());
    long total = 0;
    for (JsonNode version : stats.path("versions")) {
      for (JsonNode s : version.path("steps")) {
        if (s.path("step").asText().equals(step)) {
          total += s.path("counters").path(counter).asLong();
        }
      }
    }
    return total;
  }

  private static void twoDaysLater() throws Exception {
    cloud.clock().advance(Duration.ofDays(2));
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
  }

  @Test
  void aHardBounceSuppressesTheAddressAndTheNextEmailIsSkippedAsSuppressed() throws Exception {
    Outbox.Message first = welcome("bouncer");
    simulate(first, "bounce");
    twoDaysLater();
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> {
      try {
        return counter("getting-started", "skipped-suppressed") >= 1;
      } catch (Exception e) {
        return false;
      }
    })).as("second e-mail skipped as suppressed").isTrue();
    assertThat(emailsTo("bouncer")).hasSize(1);
  }

  @Test
  void aComplaintSuppressesTheAddressLikewise() throws Exception {
    Outbox.Message first = welcome("complainer");
    simulate(first, "complaint");
    twoDaysLater();
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo("complainer").size() == 1
        && cloud.outbox().all().stream().noneMatch(m -> m.to().contains("complainer@example.com")
            && m.tags().getOrDefault("step", List.of()).contains("getting-started")))).isTrue();
    assertThat(counter("getting-started", "skipped-suppressed")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anOpenCountsOnceInTheWelcomeStepsStatisticsEvenWhenOpenedTwice() throws Exception {
    Outbox.Message first = welcome("opener");
    simulate(first, "open");
    simulate(first, "open");
    assertThat(counter("welcome", "opened")).isEqualTo(1);
    assertThat(counter("welcome", "delivered")).isGreaterThanOrEqualTo(1);
  }
}
