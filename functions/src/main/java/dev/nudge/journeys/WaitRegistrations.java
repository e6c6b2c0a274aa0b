package dev.nudge.journeys;

import static dev.nudge.platform.Items.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.WorkflowParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Journeys waiting for an event ({@code waitFor} steps), in the journeys table next to the
 * contact's journey records: pk {@code C#<contact>}, sk {@code W#<event type>#<execution
 * id>#<state>}, so the router finds a contact's waits for an event type with one query. The layout
 * is the step actions' (workflows branch, {@code JourneyStore.registerWait}): they register a wait
 * when the {@code .waitForTaskToken} Task runs; the router resumes it and deletes it.
 * {@code expiresAt} (TTL) removes registrations whose timeout fired.
 *
 * <p>A wait tied to a message step ({@code waitFor: {event: email.opened, step: reminder}}) is
 * stored with the provider's {@code messageId} of that message, and matches only an event whose
 * {@code properties.messageId} is that id: opening another e-mail resumes nothing.
 */
public final class WaitRegistrations {
  static final String PREFIX = "W#";

  private final DynamoDbClient ddb;
  private final String table;

  public WaitRegistrations(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** A registered wait. {@code where} is the waitFor's filter as JSON text, null for none. */
  public record Wait(String contactId, String eventType, String executionId, String state, String workflowId,
      String taskToken, String messageId, String where, Instant expiresAt) {

    /** Whether {@code event} (the event document: type, properties...) is the one this journey waits for. */
    public boolean matches(JsonNode event) {
      if (!eventType.equals(event.path("type").asText())) {
        return false;
      }
      if (messageId != null && !messageId.equals(event.path("properties").path("messageId").asText(null))) {
        return false;
      }
      return where == null || filter(where).matches(event);
    }

    String sk() {
      return PREFIX + eventType + "#" + executionId + "#" + state;
    }
  }

  /** Reads a stored filter back through the workflow parser (the one reader of the language). */
  static Filter filter(String where) {
    try {
      ObjectNode step = Json.object();
      step.put("id", "wait");
      ObjectNode waitFor = step.putObject("waitFor");
      waitFor.put("event", "x");
      waitFor.set("where", Json.mapper().readTree(where));
      waitFor.put("timeout", "PT1M");
      return ((Step.WaitFor) WorkflowParser.parseStep(step).action()).where();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers (or, for a retried Task, re-registers with its new token) a wait. */
  public void register(Wait wait) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(JourneyRecords.contactKey(wait.contactId())));
    item.put("sk", AttributeValue.fromS(wait.sk()));
    item.put("contactId", AttributeValue.fromS(wait.contactId()));
    item.put("eventType", AttributeValue.fromS(wait.eventType()));
    item.put("executionId", AttributeValue.fromS(wait.executionId()));
    item.put("state", AttributeValue.fromS(wait.state()));
    item.put("workflowId", AttributeValue.fromS(wait.workflowId()));
    item.put("taskToken", AttributeValue.fromS(wait.taskToken()));
    if (wait.messageId() != null) {
      item.put("messageId", AttributeValue.fromS(wait.messageId()));
    }
    if (wait.where() != null) {
      item.put("where", AttributeValue.fromS(wait.where()));
    }
    item.put("expiresAt", AttributeValue.fromN(Long.toString(wait.expiresAt().getEpochSecond())));
    ddb.putItem(b -> b.tableName(table).item(item));
  }

  /** The contact's registered waits for events of {@code type}. */
  public List<Wait> waitingFor(String contactId, String type) {
    List<Wait> result = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(JourneyRecords.contactKey(contactId)),
            ":p", AttributeValue.fromS(PREFIX + type + "#")));
    ddb.queryPaginator(q.build()).items().forEach(i -> result.add(new Wait(i.get("contactId").s(), i.get("eventType").s(),
        i.get("executionId").s(), i.get("state").s(), i.get("workflowId").s(), i.get("taskToken").s(),
        text(i, "messageId"),
        text(i, "where"),
        Instant.ofEpochSecond(Long.parseLong(i.get("expiresAt").n())))));
    return result;
  }

  public void delete(Wait wait) {
    ddb.deleteItem(b -> b.tableName(table).key(Map.of(
        "pk", AttributeValue.fromS(JourneyRecords.contactKey(wait.contactId())),
        "sk", AttributeValue.fromS(wait.sk()))));
  }
}
