package dev.nudge.messaging;

import static dev.nudge.platform.Items.text;

import dev.nudge.platform.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * At most one message per (execution, state, entry): a conditional write claims the send before
 * SES or SNS is called, so a retried Task finds the claim and does not send again. Also keeps
 * one small item per message sent to a contact, which frequency caps count.
 */
public final class SendLedger {
  /** Sent-message items live as long as the longest frequency cap anyone would set. */
  static final Duration SENT_RETENTION = Duration.ofDays(62);

  public enum Status { PENDING, SENT, UNKNOWN, FAILED }

  /** The idempotency key Step Functions passes to every action. */
  public record Key(String executionId, String stateName, String enteredTime) {}

  public record Entry(Status status, String messageId) {}

  private final DynamoDbClient ddb;
  private final String table;

  public SendLedger(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(Key key) {
    return Map.of("pk", AttributeValue.fromS("S#" + key.executionId()),
        "sk", AttributeValue.fromS(key.stateName() + "#" + key.enteredTime()));
  }

  /** Empty if this call claimed the send; otherwise what an earlier attempt recorded. */
  public Optional<Entry> claim(Key key, String contactId, String channel, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>(key(key));
    item.put("status", AttributeValue.fromS(Status.PENDING.name()));
    item.put("contactId", AttributeValue.fromS(contactId));
    item.put("channel", AttributeValue.fromS(channel));
    item.put("claimedAt", AttributeValue.fromS(Times.format(now)));
    try {
      ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
      return Optional.empty();
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> existing = ddb.getItem(b -> b.tableName(table).key(key(key)).consistentRead(true)).item();
      return Optional.of(new Entry(Status.valueOf(existing.get("status").s()),
          text(existing, "messageId")));
    }
  }

  /**
   * The template a send rendered: its id, version (0: the bundled one) and the variant's language,
   * so "which text did this contact get" has an answer after the template changed.
   */
  public record TemplateUsed(String id, int version, String locale) {}

  /** Records the provider's message id, and counts the message for frequency caps. */
  public void sent(Key key, String contactId, String messageId, Instant now) {
    sent(key, contactId, messageId, now, null);
  }

  /** {@link #sent(Key, String, String, Instant)}, keeping on the send's item the template it used. */
  public void sent(Key key, String contactId, String messageId, Instant now, TemplateUsed template) {
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":s", AttributeValue.fromS(Status.SENT.name()),
        ":m", AttributeValue.fromS(messageId), ":at", AttributeValue.fromS(Times.format(now))));
    String update = "SET #st = :s, messageId = :m, sentAt = :at";
    if (template != null) {
      update += ", #tp = :t, templateVersion = :v, templateLocale = :l";
      values.put(":t", AttributeValue.fromS(template.id()));
      values.put(":v", AttributeValue.fromN(Integer.toString(template.version())));
      values.put(":l", AttributeValue.fromS(template.locale()));
    }
    String expression = update;
    // "template" through a name placeholder too: DynamoDB's reserved-word list is long.
    Map<String, String> names = template == null ? Map.of("#st", "status") : Map.of("#st", "status", "#tp", "template");
    ddb.updateItem(b -> b.tableName(table).key(key(key))
        .updateExpression(expression)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values));
    ddb.putItem(b -> b.tableName(table).item(Map.of(
        "pk", AttributeValue.fromS("C#" + contactId),
        "sk", AttributeValue.fromS("M#" + Times.format(now) + "#" + key.executionId() + "#" + key.stateName()),
        "messageId", AttributeValue.fromS(messageId),
        "expiresAt", AttributeValue.fromN(Long.toString(now.plus(SENT_RETENTION).getEpochSecond())))));
  }

  /** The provider may or may not have sent it: never try again (at most once), but say so. */
  public void unknown(Key key) {
    ddb.updateItem(b -> b.tableName(table).key(key(key))
        .updateExpression("SET #st = :s")
        .expressionAttributeNames(Map.of("#st", "status"))
        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(Status.UNKNOWN.name()))));
  }

  /** The provider refused the message for good (rejected, account paused): never retried, reason kept. */
  public void failed(Key key, String reason) {
    ddb.updateItem(b -> b.tableName(table).key(key(key))
        .updateExpression("SET #st = :s, failure = :r")
        .expressionAttributeNames(Map.of("#st", "status"))
        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(Status.FAILED.name()), ":r", AttributeValue.fromS(reason))));
  }

  /** The provider refused the message: it was certainly not sent, so a retry may claim it again. */
  public void release(Key key) {
    ddb.deleteItem(b -> b.tableName(table).key(key(key)));
  }

  /** The template a send used, as {@link #sent} recorded it; empty before the send or for an older item. */
  public Optional<TemplateUsed> templateUsed(Key key) {
    Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(key(key)).consistentRead(true)).item();
    if (item == null || !item.containsKey("template")) {
      return Optional.empty();
    }
    return Optional.of(new TemplateUsed(item.get("template").s(), Integer.parseInt(item.get("templateVersion").n()),
        text(item, "templateLocale")));
  }

  /** A send of a journey as the ledger knows it (the contact API's per-recipient history). */
  public record Send(String step, String channel, Status status, String messageId, String claimedAt, String sentAt,
      String failure, String template, Integer templateVersion, String templateLocale) {}

  /** Every send of an execution, in step order then entry time (one query). */
  public java.util.List<Send> sends(String executionId) {
    java.util.List<Send> sends = new java.util.ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = ddb.query(b -> b.tableName(table).consistentRead(true)
          .keyConditionExpression("pk = :pk").exclusiveStartKey(from)
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("S#" + executionId))));
      for (Map<String, AttributeValue> i : page.items()) {
        String channel = text(i, "channel");
        if (!"email".equals(channel) && !"sms".equals(channel)) {
          continue; // a claim of another kind (an addScore step's "score"), not a message
        }
        String sk = i.get("sk").s();
        sends.add(new Send(sk.substring(0, sk.lastIndexOf('#')), channel, Status.valueOf(i.get("status").s()),
            text(i, "messageId"), text(i, "claimedAt"), text(i, "sentAt"), text(i, "failure"), text(i, "template"),
            i.containsKey("templateVersion") ? Integer.valueOf(i.get("templateVersion").n()) : null,
            text(i, "templateLocale")));
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    sends.sort(java.util.Comparator.comparing(s -> s.claimedAt() == null ? "" : s.claimedAt()));
    return sends;
  }

  /** The message id of the latest send of {@code stepId} in an execution (for waitFor with a step). */
  public Optional<String> lastMessageId(String executionId, String stepId) {
    QueryResponse response = ddb.query(b -> b.tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :step)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("S#" + executionId),
            ":step", AttributeValue.fromS(stepId + "#")))
        .scanIndexForward(false));
    return response.items().stream().filter(i -> i.containsKey("messageId")).map(i -> i.get("messageId").s()).findFirst();
  }

  /** The ledger's execution id for a contact's double opt-in confirmations ({@link ConfirmationMailer}). */
  public static String confirmationExecution(String contactId) {
    return "confirm:" + contactId;
  }

  /**
   * Erasure: deletes every claim of an execution (its sends, with the contact id, channel and
   * message ids, and other claims such as an addScore step's). Returns how many; repeating it
   * deletes nothing more. The sent-message items ({@code C#<contact>}, {@code M#...}) live in the
   * contact's partition and go with the contact's journey items.
   */
  public int forgetExecution(String executionId) {
    int deleted = 0;
    for (Map<String, AttributeValue> i : ddb.queryPaginator(b -> b.tableName(table).consistentRead(true)
        .projectionExpression("pk, sk").keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("S#" + executionId)))).items()) {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of("pk", i.get("pk"), "sk", i.get("sk"))));
      deleted++;
    }
    return deleted;
  }

  /** Messages sent to a contact since {@code since}, across all workflows. */
  public int sentSince(String contactId, Instant since) {
    return ddb.query(b -> b.tableName(table).select("COUNT")
        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + contactId),
            ":from", AttributeValue.fromS("M#" + Times.format(since)), ":to", AttributeValue.fromS("M#~"))))
        .count();
  }
}
