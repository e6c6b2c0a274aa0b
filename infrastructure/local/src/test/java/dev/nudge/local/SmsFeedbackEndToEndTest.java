package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.HeadlessChromium;
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
import software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2Client;

/**
 * SMS feedback in the local cloud on the real template: journeys send through AWS End User
 * Messaging SMS with Nudge's tags as the message Context, the delivery-status event comes back on
 * the default bus and is stored as {@code sms.delivered} attributed to its workflow and step; a
 * number on the account's opt-out list is refused by the provider, which Nudge records as a
 * withdrawn SMS consent ({@code contact.unsubscribed}) and a send skipped as {@code opted-out}.
 */
class SmsFeedbackEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW = """
      id: appointment-reminders
      name: Appointment reminders
      trigger:
        event: appointment.booked
      audience:
        consent: sms
      exit:
        - event: contact.unsubscribed
      steps:
        - id: confirmation
          sms: { template: cart-sms }
        - id: wait-1d
          wait: { duration: P1D }
        - id: reminder
          sms: { template: cart-sms }
      """;
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publish("appointment-reminders", WORKFLOW);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aJourneysSmsComesBackAsSmsDeliveredAttributedToItsWorkflowVersionAndStep() throws Exception {
    book("sms-reader", "+34612000101");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> smsTo("+34612000101").size() == 1)).isTrue();
    Outbox.Message sms = smsTo("+34612000101").get(0);
    assertThat(sms.tags().get("workflow")).containsExactly("appointment-reminders");
    assertThat(sms.tags().get("step")).containsExactly("confirmation");
    assertThat(sms.tags().get("version")).containsExactly("1");

    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> !events("sms-reader", "sms.delivered").isEmpty()))
        .as("sms.delivered stored").isTrue();
    Map<String, AttributeValue> delivered = events("sms-reader", "sms.delivered").get(0);
    Map<String, String> properties = properties(delivered);
    assertThat(properties).containsEntry("messageId", sms.id()).containsEntry("workflow", "appointment-reminders")
        .containsEntry("step", "confirmation").containsEntry("version", "1").containsEntry("status", "DELIVERED");
    assertThat(delivered.toString()).doesNotContain("+34612000101");
  }

  @Test
  void aNumberOnTheProvidersOptOutListIsRecordedAsAnUnsubscribeAndItsSendSkippedAsOptedOut() throws Exception {
    try (PinpointSmsVoiceV2Client sms = TestClouds.client(PinpointSmsVoiceV2Client.builder(), cloud)) {
      // A STOP reply the provider handled before Nudge heard of it.
      sms.putOptedOutNumber(b -> b.optOutListName("Default").optedOutNumber("+34612000102"));
    }
    book("sms-stopper", "+34612000102");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> !events("sms-stopper", "contact.unsubscribed").isEmpty()))
        .as("contact.unsubscribed").isTrue();
    assertThat(properties(events("sms-stopper", "contact.unsubscribed").get(0)))
        .containsEntry("channel", "sms").containsEntry("source", "sms-provider-opt-out");
    assertThat(smsTo("+34612000102")).isEmpty();
    JsonNode contact = JSON.readTree(api.admin("GET", "/v1/contacts/sms-stopper", "", "application/json").body());
    assertThat(contact.path("contact").path("consent").path("sms").path("status").asText()).isEqualTo("unsubscribed");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> counter("confirmation", "skipped-opted-out") == 1))
        .as("the send counted as skipped: opted-out").isTrue();
  }

  @Test
  void aStopReplyWithdrawsSmsConsentEndsTheJourneyAndPutsTheNumberOnTheOptOutList() throws Exception {
    book("sms-replier", "+34612000103");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> smsTo("+34612000103").size() == 1)).isTrue();

    HttpResponse<String> reply = api.postJson("/_local/sms/replies", "{\"from\":\"+34612000103\",\"body\":\"Stop\"}");
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> !events("sms-replier", "contact.unsubscribed").isEmpty()))
        .as("contact.unsubscribed").isTrue();
    assertThat(properties(events("sms-replier", "contact.unsubscribed").get(0))).containsEntry("source", "sms-stop");
    assertThat(cloud.config().isOptedOut("+34612000103")).isTrue();

    cloud.clock().advance(Duration.ofDays(2));
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
    assertThat(smsTo("+34612000103")).as("no reminder after STOP").hasSize(1);
  }

  @Test
  void replyStopOnTheLocalPageWithdrawsSmsConsent() throws Exception {
    book("sms-clicker", "+34612000104");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> smsTo("+34612000104").size() == 1)).isTrue();
    String message = "article[data-message-id=\"" + smsTo("+34612000104").get(0).id() + "\"]";
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.open(cloud.endpoint() + "/_local/");
      assertThat(browser.evaluate("document.querySelector('" + message.replace("'", "\\'") + " button.stop').textContent")
          .asText()).isEqualTo("Reply STOP");
      browser.evaluate("document.querySelector('" + message.replace("'", "\\'") + "').scrollIntoView()");
      var shot = browser.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      java.nio.file.Path file = java.nio.file.Path.of("target", "screenshots", "local-outbox-sms.png");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.write(file, java.util.Base64.getDecoder().decode(shot.path("data").asText()));
      assertThat(java.nio.file.Files.size(file)).isGreaterThan(10_000);
      browser.clickAndWait(message + " button.stop");
    }
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> !events("sms-clicker", "contact.unsubscribed").isEmpty()))
        .as("contact.unsubscribed from the page's Reply STOP").isTrue();
    assertThat(properties(events("sms-clicker", "contact.unsubscribed").get(0))).containsEntry("source", "sms-stop");
  }

  private static void book(String contact, String phone) throws Exception {
    HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"phone\":\"" + phone
        + "\",\"consent\":{\"sms\":{\"status\":\"subscribed\"}}}");
    assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
    HttpResponse<String> booked = api.signed("/v1/track",
        "{\"id\":\"booking-" + contact + "\",\"type\":\"appointment.booked\",\"contactId\":\"" + contact + "\"}");
    assertThat(booked.statusCode()).as(booked.body()).isEqualTo(200);
  }

  private static List<Outbox.Message> smsTo(String phone) {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("sms") && m.to().contains(phone)).toList();
  }

  private static List<Map<String, AttributeValue>> events(String contact, String type) {
    String table = cloud.functions().find("FeedbackFunction").variables().get("EVENTS_TABLE");
    try (DynamoDbClient ddb = TestClouds.client(DynamoDbClient.builder(), cloud)) {
      return ddb.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("contactId = :c")
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contact)))).items().stream()
          .filter(item -> item.get("type").s().equals(type)).toList();
    }
  }

  /** The event's string properties. */
  private static Map<String, String> properties(Map<String, AttributeValue> item) {
    Map<String, String> properties = new java.util.TreeMap<>();
    item.get("properties").m().forEach((k, v) -> {
      if (v.s() != null) {
        properties.put(k, v.s());
      }
    });
    return properties;
  }

  private static long counter(String step, String counter) {
    try {
      JsonNode stats = JSON.readTree(api.admin("GET", "/v1/workflows/appointment-reminders/stats", "", "application/json")
          .body());
      long total = 0;
      for (JsonNode version : stats.path("versions")) {
        for (JsonNode s : version.path("steps")) {
          if (s.path("step").asText().equals(step)) {
            total += s.path("counters").path(counter).asLong();
          }
        }
      }
      return total;
    } catch (Exception e) {
      return -1;
    }
  }
}
