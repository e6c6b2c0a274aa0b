package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.WorkflowParser;
import dev.nudge.workflows.WorkflowWriter;
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
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Journeys waiting for an event ({@code waitFor} steps), in the journeys table next to the
 * contact's journey records: sk {@code W#<event type>#<execution name>#<state name>}, so the router
 * finds a contact's waits for an event type with one query on the contact's partition. The step
 * actions register a wait when the {@code .waitForTaskToken} Task runs; the router resumes it and
 * deletes it. {@code expiresAt} (TTL) removes registrations whose timeout fired.
 *
 * <p>A wait tied to a message step ({@code waitFor: {event: email.opened, step: reminder}}) matches
 * only an event whose properties name that journey's message: {@code properties.workflow} and
 * {@code properties.step} equal to the waiting journey's workflow and message step, and
 * {@code properties.executionId}, when present, equal to its execution.
 */
public final class WaitRegistrations {
  static final String PREFIX = "W#";
  /** Kept a day past the timeout so a late event still finds (and cleans up) the registration. */
  static final java.time.Duration GRACE = java.time.Duration.ofDays(1);

  private final DynamoDbClient ddb;
  private final String table;

  public WaitRegistrations(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** A registered wait. {@code step} is the waitFor step as the workflow defines it. */
  public record Wait(String contactId, String workflowId, String executionArn, String stateName, Step step,
      String taskToken, Instant registeredAt, String sk) {

    public Step.WaitFor waitFor() {
      return (Step.WaitFor) step.action();
    }

    /** Whether {@code event} (the trigger document: type, properties...) is the one this journey waits for. */
    public boolean matches(JsonNode event) {
      Step.WaitFor w = waitFor();
      if (!w.event().equals(event.path("type").asText())) {
        return false;
      }
      if (w.where() != null && !w.where().matches(event)) {
        return false;
      }
      if (w.step() != null) {
        JsonNode p = event.path("properties");
        if (!workflowId.equals(p.path("workflow").asText(null)) || !w.step().equals(p.path("step").asText(null))) {
          return false;
        }
        String execution = p.path("executionId").asText(null);
        return execution == null || execution.equals(executionArn);
      }
      return true;
    }
  }

  static String executionName(String executionArn) {
    return executionArn.substring(executionArn.lastIndexOf(':') + 1);
  }

  /** Registers (or, for a retried Task, re-registers with its new token) a wait. */
  public void register(String contactId, String workflowId, String executionArn, String stateName, Step waitForStep,
      String taskToken, Instant now) {
    Step.WaitFor w = (Step.WaitFor) waitForStep.action();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("contactId", AttributeValue.fromS(contactId));
    item.put("sk", AttributeValue.fromS(PREFIX + w.event() + "#" + executionName(executionArn) + "#" + stateName));
    item.put("workflowId", AttributeValue.fromS(workflowId));
    item.put("executionArn", AttributeValue.fromS(executionArn));
    item.put("stateName", AttributeValue.fromS(stateName));
    item.put("step", AttributeValue.fromS(Json.write(WorkflowWriter.action(waitForStep))));
    item.put("taskToken", AttributeValue.fromS(taskToken));
    item.put("registeredAt", AttributeValue.fromS(dev.nudge.platform.Times.format(now)));
    item.put("expiresAt", AttributeValue.fromN(Long.toString(now.plus(w.timeout()).plus(GRACE).getEpochSecond())));
    ddb.putItem(b -> b.tableName(table).item(item));
  }

  /** The contact's registered waits for events of {@code type}. */
  public List<Wait> waitingFor(String contactId, String type) {
    List<Wait> result = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
          .keyConditionExpression("contactId = :c AND begins_with(sk, :p)")
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contactId),
              ":p", AttributeValue.fromS(PREFIX + type + "#")));
      if (start != null) {
        q.exclusiveStartKey(start);
      }
      QueryResponse page = ddb.query(q.build());
      page.items().forEach(i -> result.add(toWait(i)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return result;
  }

  public void delete(Wait wait) {
    ddb.deleteItem(b -> b.tableName(table).key(Map.of("contactId", AttributeValue.fromS(wait.contactId()),
        "sk", AttributeValue.fromS(wait.sk()))));
  }

  private static Wait toWait(Map<String, AttributeValue> item) {
    try {
      Step step = WorkflowParser.parseStep(Json.MAPPER.readTree(item.get("step").s()));
      return new Wait(item.get("contactId").s(), item.get("workflowId").s(), item.get("executionArn").s(),
          item.get("stateName").s(), step, item.get("taskToken").s(),
          dev.nudge.platform.Times.parse(item.get("registeredAt").s()), item.get("sk").s());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
