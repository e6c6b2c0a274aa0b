package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
    api.publishBundled("welcome-series");
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
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo(contact).size() == 1)).as("welcome").isTrue();
    return emailsTo(contact).get(0);
  }

  private static List<Outbox.Message> emailsTo(String contact) {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("email") && m.to().contains(contact + "@example.com"))
        .toList();
  }

  private static void simulate(Outbox.Message message, String type) throws Exception {
    // A person opens a while after delivery: an open in the same instant as the send is a scanner's.
    cloud.clock().advance(Duration.ofMinutes(1));
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
  void aJourneysEmailIsTaggedWithThePublishedVersionAndItsOpenCountsUnderThatVersion() throws Exception {
    Outbox.Message first = welcome("versioned");
    assertThat(first.tags().get("version")).containsExactly("1");
    simulate(first, "open");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> {
      try {
        return versionCounter("1", "welcome", "opened") >= 1;
      } catch (Exception e) {
        return false;
      }
    })).as("the open counted under version 1").isTrue();
    assertThat(versionCounter("all", "welcome", "opened")).isZero();

    // Per recipient: the contact API shows the journey's message and what happened to it.
    JsonNode journey = JSON.readTree(api.admin("GET", "/v1/contacts/versioned", "", "application/json").body())
        .path("journeys").get(0);
    JsonNode message = journey.path("messages").get(0);
    assertThat(message.path("step").asText()).isEqualTo("welcome");
    assertThat(message.path("status").asText()).isEqualTo("sent");
    assertThat(message.path("messageId").asText()).isEqualTo(first.id());
    assertThat(message.path("events").has("delivered")).isTrue();
    assertThat(message.path("events").has("opened")).isTrue();
    assertThat(message.path("events").has("bounced")).isFalse();
  }

  private static long versionCounter(String version, String step, String counter) throws Exception {
    JsonNode stats = JSON.readTree(api.admin("GET", "/v1/workflows/welcome-series/stats", "", "application/json").body());
    for (JsonNode v : stats.path("versions")) {
      if (v.path("version").asText().equals(version)) {
        for (JsonNode s : v.path("steps")) {
          if (s.path("step").asText().equals(step)) {
            return s.path("counters").path(counter).asLong();
          }
        }
      }
    }
    return 0;
  }

  @Test
  void theLocalStatisticsPageShowsEachStepsCountsAndRates() throws Exception {
    Outbox.Message first = welcome("stats-reader");
    simulate(first, "open");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> {
      try {
        return versionCounter("1", "welcome", "opened") >= 1;
      } catch (Exception e) {
        return false;
      }
    })).isTrue();
    try (dev.nudge.local.testing.HeadlessChromium browser = dev.nudge.local.testing.HeadlessChromium.launch()) {
      browser.open(cloud.endpoint() + "/_local/stats");
      String row = "section[data-workflow=\"welcome-series\"] tr[data-step=\"welcome\"]";
      assertThat(browser.evaluate("document.querySelector('" + row.replace("'", "\\'") + " td.sent').textContent").asLong())
          .isGreaterThanOrEqualTo(1);
      assertThat(browser.evaluate("document.querySelector('" + row.replace("'", "\\'") + " td.opened').textContent").asLong())
          .isGreaterThanOrEqualTo(1);
      JsonNode shot = browser.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      java.nio.file.Path file = java.nio.file.Path.of("target", "screenshots", "local-stats.png");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.write(file, java.util.Base64.getDecoder().decode(shot.path("data").asText()));
      assertThat(java.nio.file.Files.size(file)).isGreaterThan(5_000);
    }
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

  /** The contact's stored events of {@code type}, read from the events table through the SDK. */
  private static List<Map<String, AttributeValue>> storedEvents(String contact, String type) {
    String table = cloud.functions().find("FeedbackFunction").variables().get("EVENTS_TABLE");
    try (DynamoDbClient ddb = TestClouds.client(DynamoDbClient.builder(), cloud)) {
      return ddb.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("contactId = :c")
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contact)))).items().stream()
          .filter(item -> type == null || item.get("type").s().equals(type)).toList();
    }
  }

  private static double unmatchedCount() {
    return cloud.metrics().query("Nudge", "FeedbackUnmatched", Map.of()).stream().mapToDouble(p -> p.value()).sum();
  }

  /** Puts an event on the local default bus as EventBridge delivers it, and lets the rule's invocation finish. */
  private static void deliver(ObjectNode event) throws Exception {
    cloud.buses().publish("default", event);
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
  }

  @Test
  void theSameSesEventDeliveredTwiceIsStoredOnce() throws Exception {
    Outbox.Message first = welcome("redelivered");
    simulate(first, "open");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> storedEvents("redelivered", "email.opened").size() == 1))
        .as("the open stored").isTrue();
    // EventBridge delivers at least once: the very same SES event (same envelope id) arrives again.
    ObjectNode again = (ObjectNode) cloud.buses().recentEvents().stream()
        .filter(e -> e.path("detail-type").asText().equals("Email Opened")
            && e.path("detail").path("mail").path("messageId").asText().equals(first.id()))
        .findFirst().orElseThrow().deepCopy();
    deliver(again);
    assertThat(storedEvents("redelivered", "email.opened")).hasSize(1);
    assertThat(storedEvents("redelivered", "email.opened").get(0).get("properties").m().get("messageId").s())
        .isEqualTo(first.id());
  }

  @Test
  void aFeedbackEventOfUnknownShapeIsCountedAndWritesNothing() throws Exception {
    Outbox.Message first = welcome("oddity");
    // SES's Send and Delivery events of the welcome e-mail are stored first.
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> storedEvents("oddity", "email.delivered").size() == 1
        && storedEvents("oddity", "email.sent").size() == 1))
        .isTrue();
    int before = storedEvents("oddity", null).size();
    double unmatched = unmatchedCount();
    // Nudge's own tags on a message, but an event type no SES documentation lists.
    ObjectNode detail = JSON.createObjectNode();
    detail.put("eventType", "Teleport");
    ObjectNode mail = detail.putObject("mail");
    mail.put("messageId", first.id());
    ObjectNode tags = mail.putObject("tags");
    first.tags().forEach((name, values) -> values.forEach(v -> tags.withArray(name).add(v)));
    deliver(cloud.buses().envelope("aws.ses", "Email Teleported", detail, cloud.clock().instant()));
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> unmatchedCount() > unmatched))
        .as("counted as FeedbackUnmatched (the function ran to its end without failing)").isTrue();
    assertThat(storedEvents("oddity", null)).hasSize(before);
    assertThat(cloud.log().recent(1000)).noneMatch(e -> e.kind().equals("error") && e.summary().startsWith("FeedbackFunction"));
  }

  @Test
  void anOpenCountsOnceInTheWelcomeStepsStatisticsEvenWhenOpenedTwice() throws Exception {
    Outbox.Message first = welcome("opener");
    long before = counter("welcome", "opened"); // other tests' contacts open welcome e-mails too
    simulate(first, "open");
    simulate(first, "open");
    assertThat(counter("welcome", "opened") - before).isEqualTo(1);
    assertThat(counter("welcome", "delivered")).isGreaterThanOrEqualTo(1);
  }
}
