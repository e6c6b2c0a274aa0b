package dev.nudge.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.Suppression;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.messaging.MessageTags;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.platform.Times;
import dev.nudge.stats.Metric;
import dev.nudge.stats.Metrics;
import dev.nudge.stats.StepStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SES event publishing (through the configuration set's EventBridge destination) back into Nudge:
 * each event becomes an ordinary contact event in the events table, so journeys wait for, branch
 * on and end on {@code email.opened} like on any tracked event, and the router sees it through the
 * stream. A hard bounce or a complaint also suppresses the address; counters and metrics follow.
 *
 * <p>Nothing here throws for a bad event: an event of unknown shape, or for a message Nudge did not
 * tag, is logged by its ids and counted ({@code FeedbackUnmatched}), and nothing is written, so
 * EventBridge never retries what can never succeed. Storage failures do throw (EventBridge retries,
 * then the dead-letter queue), and a retried event is stored once: its id is derived from the SES
 * event itself.
 */
public final class FeedbackService {
  private static final Log LOG = new Log("feedback");
  /**
   * Who loaded the tracking pixel or followed a link, when it was not a person. SES reports the user
   * agent of the request: Apple Mail Privacy Protection prefetches every image on Apple's relay with
   * a bare {@code Mozilla/5.0}; security gateways (Barracuda, Mimecast, Proofpoint, Microsoft Safe
   * Links) and bots fetch pixels and follow links to scan them. Gmail's and Yahoo's image proxies are
   * <em>not</em> machines: they fetch when the reader opens the message (then cache), so treating
   * them as machines would drop every Gmail open.
   */
  private static final Pattern PRIVACY_PREFETCH = Pattern.compile("^Mozilla/5\\.0$");
  private static final Pattern SCANNER = Pattern.compile(
      "(?i)Barracuda|Mimecast|Proofpoint|SafeLinks|Safe Links|bot\\b|crawler|spider|preview|python-requests|curl/|Go-http-client");
  /**
   * An open or click this soon after SES accepted the message was not a person reading it: a
   * scanner fetched it on arrival. Delivery itself takes about a second.
   */
  static final Duration TOO_FAST = Duration.ofSeconds(5);

  /** What the feedback function did with one event. */
  public enum Result { STORED, DUPLICATE, UNMATCHED, INTERIM }

  private final EventRepository events;
  private final ContactRepository contacts;
  private final StepStats stats;
  private final Duration retention;
  private final Clock clock;

  /** {@code stats}: null when the stack keeps no statistics table. */
  public FeedbackService(EventRepository events, ContactRepository contacts, StepStats stats, Duration retention,
      Clock clock) {
    this.events = events;
    this.contacts = contacts;
    this.stats = stats;
    this.retention = retention;
    this.clock = clock;
  }

  private record Kind(String eventType, String detailField, Metric metric, String counter) {}

  private static final Map<String, Kind> KINDS = Map.of(
      "send", new Kind("email.sent", "send", null, null),
      "delivery", new Kind("email.delivered", "delivery", Metric.MESSAGES_DELIVERED, "delivered"),
      "open", new Kind("email.opened", "open", Metric.MESSAGES_OPENED, "opened"),
      "click", new Kind("email.clicked", "click", Metric.MESSAGES_CLICKED, "clicked"),
      "bounce", new Kind("email.bounced", "bounce", Metric.MESSAGES_BOUNCED, "bounced"),
      "complaint", new Kind("email.complained", "complaint", Metric.MESSAGES_COMPLAINED, "complained"),
      "reject", new Kind("email.rejected", "reject", null, "rejected"),
      "deliverydelay", new Kind("email.delivery_delayed", "deliveryDelay", null, null),
      "renderingfailure", new Kind("email.rendering_failed", "failure", null, "rendering-failed"),
      "subscription", new Kind("email.subscription_changed", "subscription", null, null));

  public Result handle(JsonNode event) {
    JsonNode detail = event.path("detail");
    if (SMS_SOURCE.equals(event.path("source").asText())) {
      return handleSms(event.path("detail-type").asText(""), detail);
    }
    String sesType = detail.path("eventType").asText(detail.path("notificationType").asText(""));
    Kind kind = KINDS.get(sesType.toLowerCase(Locale.ROOT).replace(" ", ""));
    String messageId = detail.path("mail").path("messageId").asText(null);
    if (kind == null || messageId == null) {
      return unmatched("unknown-shape", sesType, messageId);
    }
    Optional<MessageTags> tags = MessageTags.fromSes(tags(detail.path("mail").path("tags")));
    if (tags.isEmpty()) {
      return unmatched("not-nudges", sesType, messageId);
    }
    MessageTags t = tags.get();
    if (contacts.find(t.contactId()).isEmpty()) {
      return unmatched("unknown-contact", sesType, messageId);
    }
    JsonNode typed = detail.path(kind.detailField());
    Instant now = clock.instant();
    Instant occurredAt = timestamp(typed).or(() -> timestamp(detail.path("mail"))).orElse(now);
    ObjectNode properties = Json.object();
    properties.put("messageId", messageId);
    properties.put("channel", "email");
    putIfPresent(properties, "workflow", t.workflow());
    putIfPresent(properties, "version", t.version());
    putIfPresent(properties, "step", t.step());
    putIfPresent(properties, "executionId", t.executionId());
    boolean machine = false;
    switch (sesType.toLowerCase(Locale.ROOT)) {
      case "open" -> {
        String source = engagementSource(typed.path("userAgent").asText(""), occurredAt, detail.path("mail"));
        machine = !source.equals(HUMAN);
        properties.put("machineOpen", machine);
        properties.put("openSource", source);
      }
      case "click" -> {
        properties.put("link", typed.path("link").asText(""));
        if (typed.path("linkTags").isObject()) {
          properties.set("linkTags", typed.get("linkTags"));
        }
        String source = engagementSource(typed.path("userAgent").asText(""), occurredAt, detail.path("mail"));
        machine = !source.equals(HUMAN);
        properties.put("machineClick", machine);
        properties.put("clickSource", source);
      }
      case "bounce" -> {
        String type = typed.path("bounceType").asText("Undetermined");
        properties.put("bounceType", type.equals("Permanent") ? "hard" : "soft");
        properties.put("sesBounceType", type);
        properties.put("sesBounceSubType", typed.path("bounceSubType").asText(""));
      }
      case "complaint" -> properties.put("feedbackType", typed.path("complaintFeedbackType").asText(""));
      case "reject" -> properties.put("reason", typed.path("reason").asText(""));
      default -> { }
    }
    String eventId = "ses-" + sesType.toLowerCase(Locale.ROOT) + "-" + hash(messageId + "\n" + sesType + "\n"
        + Times.format(occurredAt) + "\n" + properties.path("link").asText(""));
    boolean stored = events.putIfAbsent(new TrackedEvent(t.contactId(), eventId, kind.eventType(), properties, occurredAt,
        now, "ses"), now.plus(retention));
    // Suppression and counters run on a duplicate too: a retry after a failure below must finish them (both are idempotent).
    if (sesType.equalsIgnoreCase("bounce") && properties.path("bounceType").asText().equals("hard")) {
      contacts.suppress(t.contactId(), Channel.EMAIL, new Suppression(Suppression.Reason.BOUNCED, occurredAt));
    } else if (sesType.equalsIgnoreCase("complaint")) {
      contacts.suppress(t.contactId(), Channel.EMAIL, new Suppression(Suppression.Reason.COMPLAINED, occurredAt));
    }
    if (kind.counter() != null && !machine && stats != null && t.workflow() != null && t.step() != null) {
      // Keyed by message: a second open of the same e-mail is not a second unique open.
      String version = t.version() == null ? "all" : t.version();
      boolean first = stats.count(t.workflow(), version, t.step(), kind.counter(), messageId, now);
      Optional<Instant> sentAt = timestamp(detail.path("mail"));
      if (first && sentAt.isPresent() && (kind.counter().equals("opened") || kind.counter().equals("clicked"))) {
        // The first open or click only: its delay from the send goes into the step's distribution.
        stats.count(t.workflow(), version, t.step(), dev.nudge.stats.ResponseTimes.counter(kind.counter(),
            Duration.between(sentAt.get(), occurredAt).abs()), messageId, now);
      }
    }
    if (stored && kind.metric() != null && !machine) {
      Metrics.count(kind.metric(), now, Metrics.dims("Channel", "email", "Workflow", t.workflow(), "Step", t.step()));
    }
    LOG.info(stored ? "stored" : "duplicate", Map.of("type", kind.eventType(), "messageId", messageId,
        "contactId", t.contactId(), "eventId", eventId));
    return stored ? Result.STORED : Result.DUPLICATE;
  }

  /** AWS End User Messaging SMS publishes delivery status to the default bus under this source. */
  static final String SMS_SOURCE = "aws.sms-voice";
  static final String SMS_DETAIL_TYPE = "Text Message Delivery Status Updated";
  /** Final statuses that mean the carrier took (or the handset got) the message; every other final one failed. */
  private static final java.util.Set<String> SMS_DELIVERED = java.util.Set.of("SUCCESSFUL", "DELIVERED");

  /**
   * A "Text Message Delivery Status Updated" event. Only final statuses ({@code isFinal}) are
   * stored: {@code sms.delivered} (SUCCESSFUL: accepted by the carrier, final where carriers send
   * no receipts; DELIVERED: on the handset) or {@code sms.failed} (BLOCKED, UNREACHABLE, SPAM,
   * TTL_EXPIRED, UNKNOWN...). Interim ones (PENDING, QUEUED) change nothing. The message is
   * attributed through the send's {@code Context}, which carries the same keys as SES tags
   * ({@link MessageTags}); the destination number is never stored or logged.
   */
  private Result handleSms(String detailType, JsonNode detail) {
    String messageId = detail.path("messageId").asText(null);
    String eventType = detail.path("eventType").asText("");
    if (!detailType.equals(SMS_DETAIL_TYPE) || messageId == null || !eventType.startsWith("TEXT_")) {
      return unmatched("unknown-shape", eventType.isEmpty() ? detailType : eventType, messageId);
    }
    if (!detail.path("isFinal").asBoolean(false)) {
      LOG.info("interim", Map.of("smsEventType", eventType, "messageId", messageId));
      return Result.INTERIM;
    }
    Optional<MessageTags> tags = MessageTags.fromSes(tags(detail.path("context")));
    if (tags.isEmpty()) {
      return unmatched("not-nudges", eventType, messageId);
    }
    MessageTags t = tags.get();
    if (contacts.find(t.contactId()).isEmpty()) {
      return unmatched("unknown-contact", eventType, messageId);
    }
    String status = detail.path("messageStatus").asText(eventType.substring("TEXT_".length()));
    boolean delivered = SMS_DELIVERED.contains(status);
    Instant now = clock.instant();
    JsonNode millis = detail.path("eventTimestamp");
    Instant occurredAt = millis.canConvertToLong() ? Instant.ofEpochMilli(millis.asLong()) : now;
    ObjectNode properties = Json.object();
    properties.put("messageId", messageId);
    properties.put("channel", "sms");
    putIfPresent(properties, "workflow", t.workflow());
    putIfPresent(properties, "version", t.version());
    putIfPresent(properties, "step", t.step());
    putIfPresent(properties, "executionId", t.executionId());
    properties.put("status", status);
    putIfPresent(properties, "statusDescription", detail.path("messageStatusDescription").asText(null));
    putIfPresent(properties, "country", detail.path("isoCountryCode").asText(null));
    if (detail.path("totalMessageParts").canConvertToInt()) {
      properties.put("parts", detail.path("totalMessageParts").asInt());
    }
    if (detail.path("totalMessagePrice").isNumber()) {
      properties.put("price", detail.path("totalMessagePrice").decimalValue());
    }
    String type = delivered ? "sms.delivered" : "sms.failed";
    String eventId = "sms-" + hash(messageId + "\n" + eventType + "\n" + Times.format(occurredAt));
    boolean stored = events.putIfAbsent(new TrackedEvent(t.contactId(), eventId, type, properties, occurredAt, now,
        "sms"), now.plus(retention));
    if (stats != null && t.workflow() != null && t.step() != null) {
      stats.count(t.workflow(), t.version() == null ? "all" : t.version(), t.step(),
          delivered ? "delivered" : "undelivered", messageId, now);
    }
    if (stored) {
      Metrics.count(delivered ? Metric.MESSAGES_DELIVERED : Metric.MESSAGES_UNDELIVERED, now,
          Metrics.dims("Channel", "sms", "Workflow", t.workflow(), "Step", t.step()));
    }
    LOG.info(stored ? "stored" : "duplicate", Map.of("type", type, "messageId", messageId,
        "contactId", t.contactId(), "eventId", eventId));
    return stored ? Result.STORED : Result.DUPLICATE;
  }

  static final String HUMAN = "reader";

  /**
   * Who caused an open or click: {@code reader} (a person, possibly through Gmail's or Yahoo's
   * image proxy), {@code privacy-prefetch} (Apple Mail Privacy Protection), {@code scanner} (a
   * security gateway or bot, by user agent), {@code too-fast} (within {@link #TOO_FAST} of the
   * send) or {@code unknown} (no user agent at all).
   */
  static String engagementSource(String userAgent, Instant at, JsonNode mail) {
    String agent = userAgent.trim();
    if (agent.isEmpty()) {
      return "unknown";
    }
    if (PRIVACY_PREFETCH.matcher(agent).find()) {
      return "privacy-prefetch";
    }
    if (SCANNER.matcher(agent).find()) {
      return "scanner";
    }
    Optional<Instant> sent = timestamp(mail);
    if (sent.isPresent() && Duration.between(sent.get(), at).compareTo(TOO_FAST) < 0) {
      return "too-fast";
    }
    return HUMAN;
  }

  private Result unmatched(String why, String sesType, String messageId) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("why", why);
    fields.put("sesEventType", sesType);
    fields.put("messageId", String.valueOf(messageId));
    LOG.info("unmatched", fields);
    Metrics.count(Metric.FEEDBACK_UNMATCHED, clock.instant(), Map.of());
    return Result.UNMATCHED;
  }

  private static Map<String, List<String>> tags(JsonNode node) {
    Map<String, List<String>> tags = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> {
      List<String> values = new ArrayList<>();
      // SES tags are lists of values; an SMS send's Context is plain strings.
      if (e.getValue().isValueNode()) {
        values.add(e.getValue().asText());
      } else {
        e.getValue().forEach(v -> values.add(v.asText()));
      }
      tags.put(e.getKey(), values);
    });
    return tags;
  }

  private static Optional<Instant> timestamp(JsonNode node) {
    String text = node.path("timestamp").asText(null);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)),
          0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
