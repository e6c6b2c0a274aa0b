package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.events.EventBuses;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * AWS End User Messaging SMS (pinpoint-sms-voice-v2, JSON 1.0): {@code SendTextMessage} into the
 * outbox, followed at once by the "Text Message Delivery Status Updated" event on the default bus
 * with the send's {@code Context}, as the service publishes it; the account's opt-out list
 * ({@code PutOptedOutNumber}, {@code DeleteOptedOutNumber}, {@code DescribeOptedOutNumbers}),
 * shared with the SNS emulation; a send to an opted-out number is refused with
 * {@code ConflictException} reason {@code DESTINATION_PHONE_NUMBER_OPTED_OUT}, as the service does.
 */
public final class SmsVoiceService {
  public static final String TARGET_PREFIX = "PinpointSMSVoiceV2";
  static final String SOURCE = "aws.sms-voice";
  static final String DETAIL_TYPE = "Text Message Delivery Status Updated";
  private static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{1,14}$");

  private final Outbox outbox;
  private final LocalConfig config;
  private final EventBuses buses;
  private final Clock clock;
  private final EventLog log;

  public SmsVoiceService(Outbox outbox, LocalConfig config, EventBuses buses, Clock clock, EventLog log) {
    this.outbox = outbox;
    this.config = config;
    this.buses = buses;
    this.clock = clock;
    this.log = log;
  }

  public JsonNode handle(String operation, JsonNode body) {
    return switch (operation) {
      case "SendTextMessage" -> Json.object().put("MessageId", send(body));
      case "PutOptedOutNumber" -> {
        String phone = phone(body, "OptedOutNumber");
        config.optOut(phone);
        yield Json.object().put("OptedOutNumber", phone).put("OptOutListName", body.path("OptOutListName").asText("Default"))
            .put("OptedOutTimestamp", clock.instant().getEpochSecond()).put("EndUserOptedOut", false);
      }
      case "DeleteOptedOutNumber" -> {
        String phone = phone(body, "OptedOutNumber");
        config.optIn(phone);
        yield Json.object().put("OptedOutNumber", phone).put("OptOutListName", body.path("OptOutListName").asText("Default"));
      }
      case "DescribeOptedOutNumbers" -> {
        ObjectNode result = Json.object().put("OptOutListName", body.path("OptOutListName").asText("Default"));
        config.optedOut().forEach(p -> result.withArray("OptedOutNumbers").addObject().put("OptedOutNumber", p)
            .put("EndUserOptedOut", true));
        yield result;
      }
      default -> throw new AwsError(400, "UnknownOperationException",
          "The local cloud implements SendTextMessage, PutOptedOutNumber, DeleteOptedOutNumber and "
              + "DescribeOptedOutNumbers of AWS End User Messaging SMS, not " + operation);
    };
  }

  private String send(JsonNode body) {
    String phone = phone(body, "DestinationPhoneNumber");
    String text = body.path("MessageBody").asText("");
    if (text.isEmpty()) {
      throw new AwsError(400, "ValidationException", "MessageBody is required");
    }
    JsonNode context = body.path("Context");
    if (context.size() > 5) {
      throw new AwsError(400, "ValidationException", "Context: at most 5 entries");
    }
    if (config.isOptedOut(phone)) {
      throw new AwsError(400, "ConflictException", "The destination phone number is opted out",
          Map.of("Reason", "DESTINATION_PHONE_NUMBER_OPTED_OUT", "ResourceType", "opt-out-list", "ResourceId", "Default"));
    }
    String id = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Map<String, String> attributes = new TreeMap<>();
    context.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    ObjectNode attrs = Json.object();
    attributes.forEach(attrs::put);
    attrs.put("messageType", body.path("MessageType").asText("TRANSACTIONAL"));
    ObjectNode raw = Json.object().put("messageId", id).put("phoneNumber", phone).put("message", text)
        .put("sentAt", DateTimeFormatter.ISO_INSTANT.format(now));
    raw.set("context", context.deepCopy());
    Map<String, List<String>> tags = new TreeMap<>();
    attributes.forEach((k, v) -> tags.put(k, List.of(v)));
    outbox.add(new Outbox.Message(id, "sms", body.path("OriginationIdentity").asText(null), List.of(phone), null, text,
        null, null, tags, DateTimeFormatter.ISO_INSTANT.format(now), null, List.of("Delivered"), attrs),
        Json.pretty(raw).getBytes(StandardCharsets.UTF_8), ".sms.json");
    log.add("sms", "SendTextMessage " + id, null);
    buses.publish("default", buses.envelope(SOURCE, DETAIL_TYPE, deliveryStatus(id, now, context, text), now));
    return id;
  }

  /** The delivery receipt of a message the handset got: final, with the send's Context. */
  private static ObjectNode deliveryStatus(String messageId, Instant now, JsonNode context, String text) {
    ObjectNode detail = Json.object().put("eventType", "TEXT_DELIVERED").put("eventVersion", "1.0")
        .put("eventTimestamp", now.toEpochMilli()).put("isFinal", true).put("messageId", messageId)
        .put("messageRequestTimestamp", now.toEpochMilli()).put("messageEncoding", "GSM")
        .put("messageType", "PROMOTIONAL").put("messageStatus", "DELIVERED")
        .put("messageStatusDescription", "Message has been accepted by phone").put("isoCountryCode", "US")
        .put("totalMessageParts", Math.max(1, (text.length() + 152) / 153)).put("totalMessagePrice", 0.00581);
    detail.set("context", context.isObject() ? context.deepCopy() : Json.object());
    return detail;
  }

  /** The keywords End User Messaging SMS treats as opt-out requests by default (it adds the number to the opt-out list). */
  public static final java.util.Set<String> OPT_OUT_KEYWORDS = java.util.Set.of("ARRET", "CANCEL", "END", "OPT-OUT",
      "OPTOUT", "QUIT", "REMOVE", "STOP", "STOPALL", "TD", "UNSUBSCRIBE");

  /**
   * A reply from a handset to the account's number, as two-way SMS delivers it to the number's
   * SNS topic. An opt-out keyword also puts the number on the opt-out list, as the service does
   * before the topic hears of it.
   */
  public ObjectNode reply(String from, String to, String body) {
    if (from == null || !E164.matcher(from).matches()) {
      throw new IllegalArgumentException("from must be a phone number in E.164 format");
    }
    if (body == null || body.isBlank()) {
      throw new IllegalArgumentException("body is required");
    }
    String keyword = body.trim().split("\\s+")[0].toUpperCase(java.util.Locale.ROOT);
    boolean optOut = OPT_OUT_KEYWORDS.contains(keyword);
    if (optOut) {
      config.optOut(from);
    }
    log.add("sms", "reply received" + (optOut ? " (" + keyword + ": opted out)" : ""), null);
    return Json.object().put("originationNumber", from).put("destinationNumber", to == null ? "+18005550100" : to)
        .put("messageKeyword", optOut ? keyword : "").put("messageBody", body)
        .put("inboundMessageId", UUID.randomUUID().toString()).put("previousPublishedMessageId", "");
  }

  private static String phone(JsonNode body, String field) {
    String phone = body.path(field).asText("");
    if (!E164.matcher(phone).matches()) {
      throw new AwsError(400, "ValidationException", field + " must be a phone number in E.164 format");
    }
    return phone;
  }
}
