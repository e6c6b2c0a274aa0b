package dev.nudge.journeys;

import static dev.nudge.platform.Items.text;

import dev.nudge.messaging.SendLedger;
import dev.nudge.stats.StepStats;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The journeys' part of erasing a contact. Everything the journey runtime keeps about a contact
 * is found from the contact's own partition of the journeys table ({@code C#<contact>}: journey
 * records {@code J#}, waits {@code W#}, active markers {@code A#}, sent messages {@code M#}); the
 * rest is keyed by what those items name: the send ledger by execution ({@code S#<execution>}),
 * the double opt-in claims by contact ({@code S#confirm:<contact>}), and the statistics' start
 * markers by workflow, contact and trigger. No scan, no index.
 *
 * <p>Two phases, called in this order: {@link #stop} ends the contact's running executions first
 * (a step still running could otherwise write again, e.g. an {@code update} step), then
 * {@link #erase} deletes, the partition's own items last, so an erasure interrupted anywhere is
 * finished by repeating it: each phase only reads what is still there.
 */
public final class JourneyErasure {
  /** The error a stopped execution ends with (the Step Functions console shows it). */
  public static final String ERROR = "Nudge.ContactErased";
  private static final String ACTIVE_PREFIX = "A#";

  private final DynamoDbClient ddb;
  private final String table;
  private final Executions executions;
  private final SendLedger ledger;
  private final StepStats stats;
  private final String stateMachineArnPrefix;

  /**
   * @param stats the statistics table's start markers; null when the function has none
   * @param stateMachineArnPrefix {@code arn:aws:states:<region>:<account>:stateMachine:}, to name
   *     the execution of an active marker whose journey record is not written yet; null: not stopped
   */
  public JourneyErasure(DynamoDbClient ddb, String table, Executions executions, SendLedger ledger, StepStats stats,
      String stateMachineArnPrefix) {
    this.ddb = ddb;
    this.table = table;
    this.executions = executions;
    this.ledger = ledger;
    this.stats = stats;
    this.stateMachineArnPrefix = stateMachineArnPrefix;
  }

  /**
   * Stops every execution of these contacts that may still be running: active journeys, journeys
   * registered as waiting, and a journey the router has claimed and started but not recorded yet
   * (its active marker names the execution). Stopping one that ended meanwhile, or one never
   * started, is not an error. Returns how many executions it asked to stop.
   */
  public int stop(List<String> contactIds) {
    Set<String> running = new LinkedHashSet<>();
    for (String contactId : contactIds) {
      List<Map<String, AttributeValue>> items = partition(contactId);
      Set<String> recorded = new java.util.HashSet<>();
      for (Map<String, AttributeValue> item : items) {
        String sk = item.get("sk").s();
        String execution = text(item, "executionId");
        if (execution == null) {
          continue;
        }
        recorded.add(JourneyStore.executionName(execution));
        if (sk.startsWith(JourneyRecords.JOURNEY_PREFIX) && "active".equals(text(item, "status"))
            || sk.startsWith(WaitRegistrations.PREFIX)) {
          running.add(execution);
        }
      }
      for (Map<String, AttributeValue> item : items) {
        String sk = item.get("sk").s();
        String name = text(item, "executionName");
        if (sk.startsWith(ACTIVE_PREFIX) && name != null && !recorded.contains(name) && stateMachineArnPrefix != null) {
          running.add(stateMachineArnPrefix.replace(":stateMachine:", ":execution:")
              + dev.nudge.workflows.WorkflowPublisher.stateMachineName(sk.substring(ACTIVE_PREFIX.length())) + ":" + name);
        }
      }
    }
    running.forEach(arn -> executions.stop(arn, ERROR, "the contact was erased"));
    return running.size();
  }

  /**
   * Deletes what the journeys keep about these contacts: the ledger entries of every execution
   * they appear in, their double opt-in claims, the statistics' start markers of their journeys,
   * then their journey records, waits, active markers and sent-message items. Returns how many
   * items it deleted.
   */
  public int erase(List<String> contactIds) {
    int deleted = 0;
    for (String contactId : contactIds) {
      List<Map<String, AttributeValue>> items = partition(contactId);
      Set<String> executionIds = new LinkedHashSet<>();
      executionIds.add(SendLedger.confirmationExecution(contactId));
      for (Map<String, AttributeValue> item : items) {
        String execution = executionOf(item);
        if (execution != null) {
          executionIds.add(execution);
        }
      }
      for (String execution : executionIds) {
        deleted += ledger.forgetExecution(execution);
      }
      if (stats != null) {
        for (Map<String, AttributeValue> item : items) {
          String trigger = text(item, "triggerId");
          if (item.get("sk").s().startsWith(JourneyRecords.JOURNEY_PREFIX) && trigger != null) {
            stats.forgetJourneyStart(text(item, "workflowId"), contactId, trigger);
          }
        }
      }
      // Journey records last: until they are gone, a repeated erasure finds the executions through them.
      List<Map<String, AttributeValue>> ordered = new ArrayList<>();
      items.stream().filter(i -> !i.get("sk").s().startsWith(JourneyRecords.JOURNEY_PREFIX)).forEach(ordered::add);
      items.stream().filter(i -> i.get("sk").s().startsWith(JourneyRecords.JOURNEY_PREFIX)).forEach(ordered::add);
      for (Map<String, AttributeValue> item : ordered) {
        ddb.deleteItem(b -> b.tableName(table).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * The execution an item of the contact's partition names: journey records and waits carry it
   * ({@code executionId}); a sent-message item's key is {@code M#<sent at>#<execution>#<state>}.
   */
  static String executionOf(Map<String, AttributeValue> item) {
    String sk = item.get("sk").s();
    if (sk.startsWith("M#")) {
      int afterTime = sk.indexOf('#', 2 + "2026-01-01T00:00:00.000Z".length());
      int beforeState = sk.lastIndexOf('#');
      return afterTime > 0 && beforeState > afterTime ? sk.substring(afterTime + 1, beforeState) : null;
    }
    return text(item, "executionId");
  }

  private List<Map<String, AttributeValue>> partition(String contactId) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    ddb.queryPaginator(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
        .projectionExpression("pk, sk, executionId, executionName, workflowId, triggerId, #st")
        .expressionAttributeNames(Map.of("#st", "status"))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(JourneyRecords.contactKey(contactId)))))
        .items().forEach(items::add);
    return items;
  }
}
