package dev.nudge.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.contacts.Suppression;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.messaging.MessageTags;
import dev.nudge.platform.Json;
import dev.nudge.stats.StepStats;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** SES events, in the shape SES publishes them to EventBridge, against DynamoDB Local. */
public class FeedbackServiceTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final ContactRepository contacts = new ContactRepository(ddb, TemplateTables.create(ddb, "ContactsTable"));
  private final EventRepository events = new EventRepository(ddb, TemplateTables.create(ddb, "EventsTable"));
  private final StepStats stats = new StepStats(ddb, TemplateTables.create(ddb, "StatsTable"));
  private final MutableClock clock = new MutableClock(NOW);
  private final FeedbackService service = new FeedbackService(events, contacts, stats, Duration.ofDays(400), clock);
  private final Map<String, String> tags = new MessageTags("abandoned-cart", "2", "reminder", "em:abc",
      "arn:aws:states:us-east-1:123456789012:execution:nudge-abandoned-cart:x").toSes();

  /** An EventBridge event as SES's EventBridge destination sends it ("Email Opened" and so on). */
  public static ObjectNode sesEvent(String eventType, String messageId, Map<String, String> tags, String typedDetail) {
    try {
      ObjectNode event = Json.object();
      event.put("version", "0").put("id", java.util.UUID.randomUUID().toString()).put("source", "aws.ses")
          .put("detail-type", "Email " + eventType);
      ObjectNode detail = event.putObject("detail");
      detail.put("eventType", eventType);
      ObjectNode mail = detail.putObject("mail");
      mail.put("timestamp", "2026-12-01T09:00:00.000Z").put("messageId", messageId).put("source", "shop@example.com");
      ObjectNode tagNode = mail.putObject("tags");
      tags.forEach((k, v) -> tagNode.putArray(k).add(v));
      tagNode.putArray("ses:configuration-set").add("nudge");
      if (typedDetail != null) {
        detail.set(Character.toLowerCase(eventType.charAt(0)) + eventType.substring(1), Json.mapper().readTree(typedDetail));
      }
      return event;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeEach
  void contact() {
    contacts.createIfAbsent("em:abc", NOW);
    contacts.update("em:abc", new ProfileUpdate("ada@example.com", null, Map.of(), null, null, Set.of(), Set.of(), null,
        Map.of(Channel.EMAIL, new Consent(ConsentStatus.SUBSCRIBED, "test", NOW))), NOW);
  }

  private List<TrackedEvent> stored() {
    return events.timeline(List.of("em:abc"), 100);
  }

  private static final String OPEN = "{\"timestamp\":\"2026-12-01T09:30:00.000Z\",\"userAgent\":"
      + "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0\",\"ipAddress\":\"192.0.2.1\"}";

  @Test
  void anOpenIsStoredAsEmailOpenedOfThatMessageAndStep() {
    assertThat(service.handle(sesEvent("Open", "m-1", tags, OPEN))).isEqualTo(FeedbackService.Result.STORED);
    TrackedEvent opened = stored().get(0);
    assertThat(opened.type()).isEqualTo("email.opened");
    assertThat(opened.properties().path("messageId").asText()).isEqualTo("m-1");
    assertThat(opened.properties().path("workflow").asText()).isEqualTo("abandoned-cart");
    assertThat(opened.properties().path("step").asText()).isEqualTo("reminder");
    assertThat(opened.properties().path("version").asText()).isEqualTo("2");
    assertThat(opened.properties().path("machineOpen").asBoolean()).isFalse();
    assertThat(opened.occurredAt()).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
  }

  @Test
  void theSameSesEventDeliveredTwiceIsStoredOnceAndCountedOnce() {
    service.handle(sesEvent("Open", "m-1", tags, OPEN));
    assertThat(service.handle(sesEvent("Open", "m-1", tags, OPEN))).isEqualTo(FeedbackService.Result.DUPLICATE);
    assertThat(stored()).hasSize(1);
    assertThat(stats.read("abandoned-cart").get("2").get("reminder").get("opened").count()).isEqualTo(1);
  }

  @Test
  void aSecondOpenOfTheSameMessageIsStoredButIsNotASecondUniqueOpen() {
    service.handle(sesEvent("Open", "m-1", tags, OPEN));
    service.handle(sesEvent("Open", "m-1", tags, OPEN.replace("09:30", "11:45")));
    assertThat(stored()).hasSize(2);
    assertThat(stats.read("abandoned-cart").get("2").get("reminder").get("opened").count()).isEqualTo(1);
  }

  @Test
  void theFirstOpensDelayFromTheSendGoesIntoTheStepsResponseTimesOnce() {
    // Sent 09:00, opened 09:30 (within an hour), opened again 11:45: one sample, in the first open's bucket.
    service.handle(sesEvent("Open", "m-1", tags, OPEN));
    service.handle(sesEvent("Open", "m-1", tags, OPEN.replace("09:30", "11:45")));
    var reminder = stats.read("abandoned-cart").get("2").get("reminder");
    assertThat(reminder.get("opened-within-PT1H").count()).isEqualTo(1);
    assertThat(reminder.keySet().stream().filter(k -> k.startsWith("opened-within-"))).hasSize(1);
    var report = dev.nudge.stats.WorkflowStatsReport.of("abandoned-cart", stats.read("abandoned-cart"));
    var sendToOpen = report.path("versions").get(0).path("steps").get(0).path("responseTimes").path("sendToOpen");
    assertThat(sendToOpen.path("samples").asLong()).isEqualTo(1);
    assertThat(sendToOpen.path("p50").asText()).isEqualTo("PT1H");
    assertThat(report.path("versions").get(0).path("steps").get(0).path("counters").has("opened-within-PT1H")).isFalse();
  }

  @Test
  void anOpenThroughGmailsImageProxyIsAReadersOpenAndCounts() {
    // Gmail's proxy fetches the pixel when the reader opens the message, so it is a person's open.
    service.handle(sesEvent("Open", "m-1", tags, OPEN.replace("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0",
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)")));
    assertThat(stored().get(0).properties().path("machineOpen").asBoolean()).isFalse();
    assertThat(stored().get(0).properties().path("openSource").asText()).isEqualTo("reader");
    assertThat(stats.read("abandoned-cart").get("2").get("reminder").get("opened").count()).isEqualTo(1);
  }

  @Test
  void anApplePrivacyProtectionPrefetchIsAMachineOpenThatStillResumesButIsNotCounted() {
    service.handle(sesEvent("Open", "m-1", tags, OPEN.replace("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0",
        "Mozilla/5.0")));
    TrackedEvent opened = stored().get(0);
    assertThat(opened.type()).isEqualTo("email.opened");
    assertThat(opened.properties().path("machineOpen").asBoolean()).isTrue();
    assertThat(opened.properties().path("openSource").asText()).isEqualTo("privacy-prefetch");
    assertThat(stats.read("abandoned-cart")).isEmpty();
  }

  @Test
  void aClickWithinSecondsOfTheSendIsALinkScannersClick() {
    // mail.timestamp is 09:00:00; a gateway follows every link as the message arrives.
    service.handle(sesEvent("Click", "m-1", tags, "{\"timestamp\":\"2026-12-01T09:00:02.000Z\",\"link\":"
        + "\"https://shop.example/cart\",\"userAgent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0\"}"));
    assertThat(stored().get(0).properties().path("machineClick").asBoolean()).isTrue();
    assertThat(stored().get(0).properties().path("clickSource").asText()).isEqualTo("too-fast");
    assertThat(stats.read("abandoned-cart")).isEmpty();
  }

  @Test
  void aClickBySecurityScannerUserAgentIsAMachineClick() {
    service.handle(sesEvent("Click", "m-1", tags, "{\"timestamp\":\"2026-12-01T10:00:00.000Z\",\"link\":"
        + "\"https://shop.example/cart\",\"userAgent\":\"Mozilla/5.0 (compatible; Barracuda Sentinel)\"}"));
    assertThat(stored().get(0).properties().path("clickSource").asText()).isEqualTo("scanner");
  }

  /** An AWS End User Messaging SMS "Text Message Delivery Status Updated" event with Nudge's Context. */
  static ObjectNode smsEvent(String eventType, String status, boolean isFinal, String messageId, Map<String, String> context) {
    ObjectNode event = Json.object();
    event.put("version", "0").put("id", java.util.UUID.randomUUID().toString()).put("source", "aws.sms-voice")
        .put("detail-type", "Text Message Delivery Status Updated");
    ObjectNode detail = event.putObject("detail");
    detail.put("eventType", eventType).put("eventVersion", "1.0").put("eventTimestamp", 1764583200000L)
        .put("isFinal", isFinal).put("originationPhoneNumber", "+12065550152").put("destinationPhoneNumber", "+14255550156")
        .put("isoCountryCode", "US").put("messageId", messageId).put("messageRequestTimestamp", 1764583199000L)
        .put("messageEncoding", "GSM").put("messageType", "PROMOTIONAL").put("messageStatus", status)
        .put("messageStatusDescription", "Message has been accepted by phone carrier")
        .put("totalMessageParts", 1).put("totalMessagePrice", 0.00581).put("totalCarrierFee", 0.0);
    ObjectNode contextNode = detail.putObject("context");
    context.forEach(contextNode::put);
    return event;
  }

  private final Map<String, String> smsTags = new MessageTags("abandoned-cart", "2", "sms", "em:abc",
      "arn:aws:states:us-east-1:123456789012:execution:nudge-abandoned-cart:x").toSes();

  @Test
  void aDeliveredSmsIsStoredAsSmsDeliveredOfThatMessageAndStep() {
    assertThat(service.handle(smsEvent("TEXT_DELIVERED", "DELIVERED", true, "sms-1", smsTags)))
        .isEqualTo(FeedbackService.Result.STORED);
    TrackedEvent delivered = stored().get(0);
    assertThat(delivered.type()).isEqualTo("sms.delivered");
    assertThat(delivered.source()).isEqualTo("sms");
    assertThat(delivered.properties().path("messageId").asText()).isEqualTo("sms-1");
    assertThat(delivered.properties().path("channel").asText()).isEqualTo("sms");
    assertThat(delivered.properties().path("step").asText()).isEqualTo("sms");
    assertThat(delivered.properties().path("parts").asInt()).isEqualTo(1);
    assertThat(delivered.occurredAt()).isEqualTo(Instant.ofEpochMilli(1764583200000L));
    assertThat(delivered.properties().toString()).doesNotContain("+1425");
    assertThat(stats.read("abandoned-cart").get("2").get("sms").get("delivered").count()).isEqualTo(1);
  }

  @Test
  void aBlockedSmsIsStoredAsSmsFailedWithItsStatus() {
    service.handle(smsEvent("TEXT_BLOCKED", "BLOCKED", true, "sms-1", smsTags));
    assertThat(stored().get(0).type()).isEqualTo("sms.failed");
    assertThat(stored().get(0).properties().path("status").asText()).isEqualTo("BLOCKED");
    assertThat(stats.read("abandoned-cart").get("2").get("sms").get("undelivered").count()).isEqualTo(1);
  }

  @Test
  void anInterimSmsStatusWritesNothing() {
    assertThat(service.handle(smsEvent("TEXT_QUEUED", "QUEUED", false, "sms-1", smsTags)))
        .isEqualTo(FeedbackService.Result.INTERIM);
    assertThat(stored()).isEmpty();
  }

  @Test
  void theSameSmsStatusDeliveredTwiceIsStoredOnce() {
    service.handle(smsEvent("TEXT_DELIVERED", "DELIVERED", true, "sms-1", smsTags));
    assertThat(service.handle(smsEvent("TEXT_DELIVERED", "DELIVERED", true, "sms-1", smsTags)))
        .isEqualTo(FeedbackService.Result.DUPLICATE);
    assertThat(stored()).hasSize(1);
  }

  @Test
  void anSmsSentWithoutNudgesContextWritesNothing() {
    assertThat(service.handle(smsEvent("TEXT_DELIVERED", "DELIVERED", true, "sms-1", Map.of())))
        .isEqualTo(FeedbackService.Result.UNMATCHED);
    assertThat(stored()).isEmpty();
  }

  @Test
  void anSmsVoiceEventOfAnotherKindWritesNothing() throws Exception {
    JsonNode registration = Json.mapper().readTree("{\"source\":\"aws.sms-voice\",\"detail-type\":"
        + "\"Registration Status Change\",\"detail\":{\"registrationId\":\"r-1\",\"status\":\"COMPLETE\"}}");
    assertThat(service.handle(registration)).isEqualTo(FeedbackService.Result.UNMATCHED);
    assertThat(stored()).isEmpty();
  }

  @Test
  void aClickCarriesTheLinkAndItsTags() {
    service.handle(sesEvent("Click", "m-1", tags, "{\"timestamp\":\"2026-12-01T09:31:00.000Z\",\"link\":"
        + "\"https://shop.example/cart\",\"linkTags\":{\"campaign\":[\"cart\"]},\"userAgent\":\"Mozilla/5.0 (X11) Firefox/130\"}"));
    TrackedEvent clicked = stored().get(0);
    assertThat(clicked.type()).isEqualTo("email.clicked");
    assertThat(clicked.properties().path("link").asText()).isEqualTo("https://shop.example/cart");
    assertThat(clicked.properties().path("linkTags").path("campaign").get(0).asText()).isEqualTo("cart");
  }

  @Test
  void aHardBounceSuppressesTheAddressAndIsStoredAsAHardBounce() {
    service.handle(sesEvent("Bounce", "m-1", tags, "{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
        + "\"timestamp\":\"2026-12-01T09:00:05.000Z\"}"));
    assertThat(stored().get(0).type()).isEqualTo("email.bounced");
    assertThat(stored().get(0).properties().path("bounceType").asText()).isEqualTo("hard");
    assertThat(contacts.find("em:abc").orElseThrow().suppression().get(Channel.EMAIL).reason())
        .isEqualTo(Suppression.Reason.BOUNCED);
  }

  @Test
  void aSoftBounceSuppressesNothing() {
    service.handle(sesEvent("Bounce", "m-1", tags, "{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\","
        + "\"timestamp\":\"2026-12-01T09:00:05.000Z\"}"));
    assertThat(stored().get(0).properties().path("bounceType").asText()).isEqualTo("soft");
    assertThat(contacts.find("em:abc").orElseThrow().suppression()).isEmpty();
  }

  @Test
  void aComplaintSuppressesTheAddress() {
    service.handle(sesEvent("Complaint", "m-1", tags, "{\"complaintFeedbackType\":\"abuse\","
        + "\"timestamp\":\"2026-12-01T09:10:00.000Z\"}"));
    assertThat(stored().get(0).type()).isEqualTo("email.complained");
    assertThat(contacts.find("em:abc").orElseThrow().suppression().get(Channel.EMAIL).reason())
        .isEqualTo(Suppression.Reason.COMPLAINED);
  }

  @Test
  void anEventOfUnknownShapeWritesNothingAndDoesNotFail() throws Exception {
    JsonNode odd = Json.mapper().readTree("{\"source\":\"aws.ses\",\"detail\":{\"something\":\"else\"}}");
    assertThat(service.handle(odd)).isEqualTo(FeedbackService.Result.UNMATCHED);
    assertThat(stored()).isEmpty();
  }

  @Test
  void aMessageNudgeDidNotTagWritesNothing() {
    assertThat(service.handle(sesEvent("Open", "m-9", Map.of("campaign", "newsletter"), OPEN)))
        .isEqualTo(FeedbackService.Result.UNMATCHED);
    assertThat(stored()).isEmpty();
  }

  @Test
  void anEventForAnUnknownContactWritesNothing() {
    Map<String, String> stranger = new MessageTags("abandoned-cart", "2", "reminder", "em:nobody", null).toSes();
    assertThat(service.handle(sesEvent("Delivery", "m-2", stranger, "{\"timestamp\":\"2026-12-01T09:00:01.000Z\"}")))
        .isEqualTo(FeedbackService.Result.UNMATCHED);
    assertThat(events.timeline(List.of("em:nobody"), 10)).isEmpty();
  }
}
