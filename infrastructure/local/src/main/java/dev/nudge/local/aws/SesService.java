package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.events.EventBuses;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SES v2 SendEmail into the {@link Outbox}, then SES event publishing: for a configuration set
 * whose template declares an EventBridge event destination, the matching events (Send, Delivery
 * at once; Open, Click, Bounce, Complaint when simulated from the local page; Bounce or Complaint
 * at once for SES's mailbox simulator addresses) go to the local default bus in the shape SES
 * publishes them ("Email Sent", "Email Delivered"...).
 */
public final class SesService {
  /** Event types a configuration set publishes to EventBridge, lower-case as CloudFormation spells them. */
  public record ConfigurationSet(String name, Set<String> eventBridgeTypes) {}

  private static final Map<String, String> DETAIL_TYPES = Map.of(
      "send", "Email Sent", "delivery", "Email Delivered", "open", "Email Opened", "click", "Email Clicked",
      "bounce", "Email Bounced", "complaint", "Email Complaint Received");
  private static final Map<String, String> EVENT_TYPES = Map.of(
      "send", "Send", "delivery", "Delivery", "open", "Open", "click", "Click", "bounce", "Bounce",
      "complaint", "Complaint");

  private final Outbox outbox;
  private final EventBuses buses;
  private final Clock clock;
  private final EventLog log;
  private final Map<String, ConfigurationSet> configurationSets;
  private final String region;
  private final String accountId;

  public SesService(Outbox outbox, EventBuses buses, Clock clock, EventLog log,
      Map<String, ConfigurationSet> configurationSets, String region, String accountId) {
    this.outbox = outbox;
    this.buses = buses;
    this.clock = clock;
    this.log = log;
    this.configurationSets = Map.copyOf(configurationSets);
    this.region = region;
    this.accountId = accountId;
  }

  /** REST-JSON dispatch for the SES v2 paths the local cloud implements. */
  public JsonNode handle(String method, String path, JsonNode body) {
    if (method.equals("POST") && path.equals("/v2/email/outbound-emails")) {
      return Json.object().put("MessageId", sendEmail(body));
    }
    throw new AwsError(404, "UnknownOperationException",
        "The local cloud does not implement SES v2 operation " + method + " " + path);
  }

  public String sendEmail(JsonNode request) {
    JsonNode content = request.path("Content");
    String configurationSet = request.path("ConfigurationSetName").asText(null);
    if (configurationSet != null && !configurationSets.containsKey(configurationSet)) {
      throw new AwsError(404, "NotFoundException", "Configuration set <" + configurationSet + "> does not exist.");
    }
    Map<String, List<String>> tags = new LinkedHashMap<>();
    for (JsonNode tag : request.path("EmailTags")) {
      if (!tag.hasNonNull("Name") || !tag.hasNonNull("Value")) {
        throw new AwsError(400, "BadRequestException", "EmailTags entries need Name and Value");
      }
      tags.put(tag.get("Name").asText(), List.of(tag.get("Value").asText()));
    }
    String id = "local-" + UUID.randomUUID();
    Instant now = clock.instant();
    String from;
    List<String> to = new ArrayList<>();
    String subject;
    String text = null;
    String html = null;
    byte[] eml;
    if (content.has("Simple")) {
      from = required(request, "FromEmailAddress");
      JsonNode destination = request.path("Destination");
      for (String field : List.of("ToAddresses", "CcAddresses", "BccAddresses")) {
        destination.path(field).forEach(a -> to.add(a.asText()));
      }
      if (to.isEmpty()) {
        throw new AwsError(400, "BadRequestException", "Destination must contain at least one address");
      }
      JsonNode simple = content.get("Simple");
      subject = simple.path("Subject").path("Data").asText(null);
      if (subject == null) {
        throw new AwsError(400, "BadRequestException", "Content.Simple.Subject.Data is required");
      }
      text = simple.path("Body").path("Text").path("Data").asText(null);
      html = simple.path("Body").path("Html").path("Data").asText(null);
      if (text == null && html == null) {
        throw new AwsError(400, "BadRequestException", "Content.Simple.Body needs Text or Html");
      }
      eml = Mime.simple(id, from, destination, request.path("ReplyToAddresses"), subject, text, html,
          simple.path("Headers"), now).getBytes(StandardCharsets.UTF_8);
    } else if (content.has("Raw")) {
      eml = Base64.getDecoder().decode(content.path("Raw").path("Data").asText(""));
      Map<String, String> headers = Mime.headers(new String(eml, StandardCharsets.UTF_8));
      from = request.path("FromEmailAddress").asText(headers.get("from"));
      JsonNode destination = request.path("Destination");
      for (String field : List.of("ToAddresses", "CcAddresses", "BccAddresses")) {
        destination.path(field).forEach(a -> to.add(a.asText()));
      }
      if (to.isEmpty() && headers.containsKey("to")) {
        for (String address : headers.get("to").split(",")) {
          to.add(address.trim());
        }
      }
      if (to.isEmpty() || from == null) {
        throw new AwsError(400, "BadRequestException", "a raw message needs From and To");
      }
      subject = headers.getOrDefault("subject", "");
      Mime.Bodies bodies = Mime.bodies(new String(eml, StandardCharsets.UTF_8));
      text = bodies.text();
      html = bodies.html();
    } else if (content.has("Template")) {
      throw new AwsError(400, "BadRequestException",
          "Content.Template: SES-stored templates are not supported by the local cloud (Nudge renders its own)");
    } else {
      throw new AwsError(400, "BadRequestException", "Content needs Simple, Raw or Template");
    }
    ObjectNode attributes = Json.object();
    boolean bounces = to.stream().allMatch(a -> isSimulator(a, "bounce"));
    boolean complains = !bounces && to.stream().anyMatch(a -> isSimulator(a, "complaint"));
    List<String> events = bounces ? List.of("Send", "Bounce")
        : complains ? List.of("Send", "Delivery", "Complaint") : List.of("Send", "Delivery");
    Outbox.Message message = outbox.add(new Outbox.Message(id, "email", from, List.copyOf(to), subject, text, html,
        configurationSet, tags, DateTimeFormatter.ISO_INSTANT.format(now), null, events, attributes),
        eml, ".eml");
    log.add("email", "SendEmail " + id + (configurationSet == null ? "" : " (" + configurationSet + ")"), subject);
    publish(message, "send", Json.object());
    if (bounces) {
      publish(message, "bounce", bounce(message, iso(clock.instant())));
      return id;
    }
    publish(message, "delivery", Json.object()
        .put("timestamp", iso(clock.instant()))
        .put("processingTimeMillis", 312)
        .put("smtpResponse", "250 2.6.0 Message received")
        .put("reportingMTA", "local.smtp-out.amazonses.com")
        .set("recipients", strings(to)));
    if (complains) {
      publish(message, "complaint", complaint(message, iso(clock.instant())));
    }
    return id;
  }

  /**
   * SES's mailbox simulator: mail to {@code bounce@simulator.amazonses.com} is refused (a hard
   * bounce, and no delivery), mail to {@code complaint@...} is delivered and complained about, as
   * SES does; a {@code +label} before the {@code @} is allowed, so many simulated recipients can
   * be told apart.
   */
  static boolean isSimulator(String address, String mailbox) {
    String a = address.toLowerCase(Locale.ROOT);
    int lt = a.indexOf('<');
    if (lt >= 0) {
      a = a.substring(lt + 1, a.indexOf('>', lt) < 0 ? a.length() : a.indexOf('>', lt));
    }
    return a.endsWith("@simulator.amazonses.com") && (a.startsWith(mailbox + "@") || a.startsWith(mailbox + "+"));
  }

  /** Simulates recipient feedback: type is open, click, bounce or complaint. */
  public Outbox.Message simulate(String messageId, String type, String link) {
    Outbox.Message message = outbox.get(messageId)
        .orElseThrow(() -> new IllegalArgumentException("no message " + messageId));
    String now = iso(clock.instant());
    ObjectNode detail = switch (type) {
      case "open" -> Json.object().put("ipAddress", "127.0.0.1").put("timestamp", now)
          .put("userAgent", "Mozilla/5.0 (Nudge local cloud)");
      case "click" -> {
        ObjectNode click = Json.object().put("ipAddress", "127.0.0.1").put("timestamp", now)
            .put("userAgent", "Mozilla/5.0 (Nudge local cloud)")
            .put("link", link == null ? firstLink(message) : link);
        click.putObject("linkTags");
        yield click;
      }
      case "bounce" -> bounce(message, now);
      case "complaint" -> complaint(message, now);
      default -> throw new IllegalArgumentException("unknown feedback '" + type + "': open, click, bounce or complaint");
    };
    Outbox.Message updated = outbox.recordEvent(messageId, EVENT_TYPES.get(type));
    log.add("email", "simulated " + type + " of " + messageId, null);
    publish(updated, type, detail);
    return updated;
  }

  private static ObjectNode bounce(Outbox.Message message, String now) {
    ObjectNode bounce = Json.object().put("bounceType", "Permanent").put("bounceSubType", "General")
        .put("timestamp", now).put("feedbackId", UUID.randomUUID().toString())
        .put("reportingMTA", "dsn; local.smtp-out.amazonses.com");
    ArrayNode recipients = bounce.putArray("bouncedRecipients");
    message.to().forEach(r -> recipients.add(Json.object().put("emailAddress", r).put("action", "failed")
        .put("status", "5.1.1").put("diagnosticCode", "smtp; 550 5.1.1 user unknown")));
    return bounce;
  }

  private static ObjectNode complaint(Outbox.Message message, String now) {
    ObjectNode complaint = Json.object().put("timestamp", now).put("feedbackId", UUID.randomUUID().toString())
        .put("complaintSubType", (String) null).put("complaintFeedbackType", "abuse")
        .put("userAgent", "Nudge local cloud").put("arrivalDate", now);
    ArrayNode recipients = complaint.putArray("complainedRecipients");
    message.to().forEach(r -> recipients.add(Json.object().put("emailAddress", r)));
    return complaint;
  }

  private static String firstLink(Outbox.Message message) {
    String html = message.html() == null ? "" : message.html();
    int href = html.indexOf("href=\"");
    if (href >= 0) {
      int end = html.indexOf('"', href + 6);
      if (end > href) {
        return html.substring(href + 6, end);
      }
    }
    return "https://example.com/";
  }

  private void publish(Outbox.Message message, String type, ObjectNode typeDetail) {
    ConfigurationSet set = message.configurationSet() == null ? null : configurationSets.get(message.configurationSet());
    if (set == null || !set.eventBridgeTypes().contains(type)) {
      return;
    }
    ObjectNode detail = Json.object();
    detail.put("eventType", EVENT_TYPES.get(type));
    detail.set("mail", mail(message));
    detail.set(type, typeDetail);
    ObjectNode event = buses.envelope("aws.ses", DETAIL_TYPES.get(type), detail, clock.instant());
    event.putArray("resources").add("arn:aws:ses:" + region + ":" + accountId + ":configuration-set/" + set.name());
    buses.publish("default", event);
  }

  private ObjectNode mail(Outbox.Message message) {
    ObjectNode mail = Json.object();
    mail.put("timestamp", message.sentAt());
    mail.put("source", message.from());
    String domain = message.from().contains("@") ? message.from().substring(message.from().lastIndexOf('@') + 1)
        .replace(">", "") : message.from();
    mail.put("sourceArn", "arn:aws:ses:" + region + ":" + accountId + ":identity/" + domain);
    mail.put("sendingAccountId", accountId);
    mail.put("messageId", message.id());
    mail.set("destination", strings(message.to()));
    mail.put("headersTruncated", false);
    ArrayNode headers = mail.putArray("headers");
    headers.add(Json.object().put("name", "From").put("value", message.from()));
    headers.add(Json.object().put("name", "To").put("value", String.join(", ", message.to())));
    headers.add(Json.object().put("name", "Subject").put("value", message.subject()));
    headers.add(Json.object().put("name", "MIME-Version").put("value", "1.0"));
    ObjectNode common = mail.putObject("commonHeaders");
    common.set("from", strings(List.of(message.from())));
    common.set("to", strings(message.to()));
    common.put("messageId", message.id());
    common.put("subject", message.subject());
    ObjectNode tags = mail.putObject("tags");
    tags.set("ses:configuration-set", strings(List.of(message.configurationSet())));
    tags.set("ses:source-ip", strings(List.of("127.0.0.1")));
    tags.set("ses:from-domain", strings(List.of(domain)));
    tags.set("ses:caller-identity", strings(List.of("local")));
    message.tags().forEach((name, values) -> tags.set(name, strings(values)));
    return mail;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = Json.array();
    values.forEach(array::add);
    return array;
  }

  private static String iso(Instant instant) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
        .format(instant.atOffset(ZoneOffset.UTC));
  }

  private static String required(JsonNode request, String field) {
    if (!request.hasNonNull(field)) {
      throw new AwsError(400, "BadRequestException", field + " is required");
    }
    return request.get(field).asText();
  }
}
