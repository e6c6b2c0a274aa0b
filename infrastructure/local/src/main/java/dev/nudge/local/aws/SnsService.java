package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * SNS over the Query protocol: Publish to a phone number (SMS, into the outbox) or to a template
 * topic (recorded in the event log and delivered to the template's Lambda subscriptions, SAM
 * {@code SNS} events), and the opt-out checks.
 * A publish to an opted-out number is accepted, as SNS accepts it, and not delivered.
 */
public final class SnsService {
  private static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{1,14}$");
  private static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";

  private final Outbox outbox;
  private final LocalConfig config;
  private final Clock clock;
  private final EventLog log;
  private final Set<String> topicArns;
  private final Map<String, List<java.util.function.Consumer<ObjectNode>>> subscribers =
      new java.util.concurrent.ConcurrentHashMap<>();

  public SnsService(Outbox outbox, LocalConfig config, Clock clock, EventLog log, Set<String> topicArns) {
    this.outbox = outbox;
    this.config = config;
    this.clock = clock;
    this.log = log;
    this.topicArns = Set.copyOf(topicArns);
  }

  public boolean hasTopic(String arn) {
    return topicArns.contains(arn);
  }

  /** A Lambda subscription: {@code deliverer} gets SNS's Lambda event for every publish to {@code arn}. */
  public void subscribe(String arn, java.util.function.Consumer<ObjectNode> deliverer) {
    subscribers.computeIfAbsent(arn, a -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(deliverer);
  }

  /** Topics with at least one Lambda subscriber, sorted. */
  public List<String> subscribedTopics() {
    return subscribers.keySet().stream().sorted().toList();
  }

  /** Returns the XML response body; throws AwsError for errors. */
  public String handle(Map<String, String> form) {
    String action = form.get("Action");
    String requestId = UUID.randomUUID().toString();
    if (action == null) {
      throw new AwsError(400, "MissingAction", "Action is required");
    }
    return switch (action) {
      case "Publish" -> {
        String id = publish(form);
        yield "<PublishResponse xmlns=\"" + NS + "\"><PublishResult><MessageId>" + id
            + "</MessageId></PublishResult><ResponseMetadata><RequestId>" + requestId
            + "</RequestId></ResponseMetadata></PublishResponse>";
      }
      case "CheckIfPhoneNumberIsOptedOut" -> {
        String phone = form.get("phoneNumber");
        if (phone == null || !E164.matcher(phone).matches()) {
          throw new AwsError(400, "InvalidParameter", "Invalid parameter: PhoneNumber");
        }
        yield "<CheckIfPhoneNumberIsOptedOutResponse xmlns=\"" + NS + "\"><CheckIfPhoneNumberIsOptedOutResult><isOptedOut>"
            + config.isOptedOut(phone) + "</isOptedOut></CheckIfPhoneNumberIsOptedOutResult><ResponseMetadata><RequestId>"
            + requestId + "</RequestId></ResponseMetadata></CheckIfPhoneNumberIsOptedOutResponse>";
      }
      case "OptInPhoneNumber" -> {
        config.optIn(form.getOrDefault("phoneNumber", ""));
        yield "<OptInPhoneNumberResponse xmlns=\"" + NS + "\"><OptInPhoneNumberResult/><ResponseMetadata><RequestId>"
            + requestId + "</RequestId></ResponseMetadata></OptInPhoneNumberResponse>";
      }
      case "ListPhoneNumbersOptedOut" -> {
        StringBuilder members = new StringBuilder();
        config.optedOut().forEach(p -> members.append("<member>").append(p).append("</member>"));
        yield "<ListPhoneNumbersOptedOutResponse xmlns=\"" + NS + "\"><ListPhoneNumbersOptedOutResult><phoneNumbers>"
            + members + "</phoneNumbers></ListPhoneNumbersOptedOutResult><ResponseMetadata><RequestId>" + requestId
            + "</RequestId></ResponseMetadata></ListPhoneNumbersOptedOutResponse>";
      }
      default -> throw new AwsError(400, "InvalidAction",
          "The action " + action + " is not valid for this endpoint (the local cloud implements Publish, "
              + "CheckIfPhoneNumberIsOptedOut, OptInPhoneNumber, ListPhoneNumbersOptedOut).");
    };
  }

  public String publish(Map<String, String> form) {
    String message = form.get("Message");
    if (message == null || message.isEmpty()) {
      throw new AwsError(400, "InvalidParameter", "Invalid parameter: Message");
    }
    Map<String, String> attributes = new TreeMap<>();
    for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
      String prefix = "MessageAttributes.entry." + i;
      String value = form.getOrDefault(prefix + ".Value.StringValue", form.get(prefix + ".Value.BinaryValue"));
      attributes.put(form.get(prefix + ".Name"), value);
    }
    return publish(form.get("PhoneNumber"), form.get("TopicArn"), form.get("TargetArn"), message, attributes);
  }

  /** SNS's event for a Lambda subscriber: one record per notification. */
  private ObjectNode notification(String arn, String id, String message, Map<String, String> attributes) {
    ObjectNode event = Json.object();
    ObjectNode record = event.putArray("Records").addObject();
    record.put("EventVersion", "1.0").put("EventSource", "aws:sns").put("EventSubscriptionArn", arn + ":local");
    ObjectNode sns = record.putObject("Sns");
    sns.put("Type", "Notification").put("MessageId", id).put("TopicArn", arn).putNull("Subject").put("Message", message)
        .put("Timestamp", DateTimeFormatter.ISO_INSTANT.format(clock.instant())).put("SignatureVersion", "1")
        .put("Signature", "local").put("SigningCertUrl", "").put("UnsubscribeUrl", "");
    ObjectNode attrs = sns.putObject("MessageAttributes");
    attributes.forEach((k, v) -> attrs.putObject(k).put("Type", "String").put("Value", v));
    return event;
  }

  /** Publish with already-decoded fields (the Step Functions sns:publish integration uses this too). */
  public String publish(String phone, String topicArn, String targetArn, String message, Map<String, String> attributes) {
    String id = UUID.randomUUID().toString();
    if (phone != null) {
      if (!E164.matcher(phone).matches()) {
        throw new AwsError(400, "InvalidParameter", "Invalid parameter: PhoneNumber Reason: " 
            + "must be in E.164 format");
      }
      boolean optedOut = config.isOptedOut(phone);
      ObjectNode attrs = Json.object();
      attributes.forEach(attrs::put);
      attrs.put("optedOut", optedOut);
      ObjectNode raw = Json.object().put("messageId", id).put("phoneNumber", phone).put("message", message)
          .put("sentAt", DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
      raw.set("attributes", attrs);
      outbox.add(new Outbox.Message(id, "sms", attributes.getOrDefault("AWS.SNS.SMS.SenderID", null), List.of(phone),
          null, message, null, null, Map.of(), DateTimeFormatter.ISO_INSTANT.format(clock.instant()), null,
          optedOut ? List.of("NotDelivered:OptedOut") : List.of("Delivered"), attrs),
          Json.pretty(raw).getBytes(StandardCharsets.UTF_8), ".sms.json");
      log.add("sms", "Publish SMS " + id + (optedOut ? " (opted out: not delivered)" : ""), null);
      return id;
    }
    String arn = topicArn != null ? topicArn : targetArn;
    if (arn == null) {
      throw new AwsError(400, "InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
    }
    if (!topicArns.contains(arn)) {
      throw new AwsError(404, "NotFound", "Topic does not exist");
    }
    log.add("sns", "Publish to " + arn + " " + id, message.length() > 200 ? message.substring(0, 200) : message);
    List<java.util.function.Consumer<ObjectNode>> targets = subscribers.getOrDefault(arn, List.of());
    if (!targets.isEmpty()) {
      ObjectNode event = notification(arn, id, message, attributes);
      targets.forEach(target -> target.accept(event));
    }
    return id;
  }
}
