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
   * Opens SES records from mail privacy proxies or prefetchers rather than people. SES reports the
   * user agent of the request that loaded the tracking pixel: Gmail and Yahoo fetch it through
   * their image proxies, and Apple Mail Privacy Protection prefetches with a bare
   * {@code Mozilla/5.0} on Apple's relay. Such opens are stored, flagged {@code machineOpen}, and
   * left out of the unique-open statistics; a journey waiting for an open still resumes (the
   * customer's choice, through a {@code where} on {@code properties.machineOpen}).
   */
  private static final Pattern MACHINE_USER_AGENT = Pattern.compile(
      "(?i)^Mozilla/5\\.0$|GoogleImageProxy|YahooMailProxy|ggpht\\.com|Barracuda|Mimecast|Proofpoint|bot|crawler|preview");

  /** What the feedback function did with one event. */
  public enum Result { STORED, DUPLICATE, UNMATCHED }

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
        machine = isMachine(typed.path("userAgent").asText(""));
        properties.put("machineOpen", machine);
      }
      case "click" -> {
        properties.put("link", typed.path("link").asText(""));
        if (typed.path("linkTags").isObject()) {
          properties.set("linkTags", typed.get("linkTags"));
        }
        machine = isMachine(typed.path("userAgent").asText(""));
        properties.put("machineClick", machine);
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
      stats.count(t.workflow(), t.version() == null ? "all" : t.version(), t.step(), kind.counter(), messageId, now);
    }
    if (stored && kind.metric() != null && !machine) {
      Metrics.count(kind.metric(), now, Metrics.dims("Channel", "email", "Workflow", t.workflow(), "Step", t.step()));
    }
    LOG.info(stored ? "stored" : "duplicate", Map.of("type", kind.eventType(), "messageId", messageId,
        "contactId", t.contactId(), "eventId", eventId));
    return stored ? Result.STORED : Result.DUPLICATE;
  }

  static boolean isMachine(String userAgent) {
    return userAgent.isBlank() || MACHINE_USER_AGENT.matcher(userAgent.trim()).find();
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
      e.getValue().forEach(v -> values.add(v.asText()));
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
