package dev.nudge.audiences;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Static lists: adds contacts to a list or removes them, one conditional update of the profile's
 * {@code lists} set each, and writes {@code list.joined}/{@code list.left} only when membership
 * changed (what a {@code list:} trigger starts on), so a repeated request has no second effect.
 * Each membership also has its {@code byList} item ({@link dev.nudge.contacts.ListIndex}).
 */
public final class ListMembers {
  public static final String JOINED = "list.joined";
  public static final String LEFT = "list.left";
  private static final Log LOG = new Log("lists");

  public enum Result { JOINED, LEFT, UNCHANGED, UNKNOWN_CONTACT }

  private final DynamoDbClient ddb;
  private final String contactsTable;
  private final EventRepository events;
  private final Clock clock;
  private final Duration retention;
  private final dev.nudge.contacts.ListIndex index;

  public ListMembers(DynamoDbClient ddb, String contactsTable, EventRepository events, Clock clock, Duration retention) {
    this.ddb = ddb;
    this.contactsTable = contactsTable;
    this.events = events;
    this.clock = clock;
    this.retention = retention;
    this.index = new dev.nudge.contacts.ListIndex(ddb, contactsTable);
  }

  public Result add(String list, String contactId) {
    return change(list, contactId, true);
  }

  public Result remove(String list, String contactId) {
    return change(list, contactId, false);
  }

  private Result change(String list, String contactId, boolean join) {
    Instant now = clock.instant();
    Map<String, AttributeValue> old;
    try {
      old = ddb.updateItem(b -> b.tableName(contactsTable)
          .key(Map.of("pk", AttributeValue.fromS(ContactRepository.partition(contactId)), "sk", AttributeValue.fromS("PROFILE")))
          .updateExpression((join ? "ADD" : "DELETE") + " lists :l SET updatedAt = :now")
          .conditionExpression("attribute_exists(pk) AND attribute_not_exists(mergedInto)")
          .expressionAttributeValues(Map.of(":l", AttributeValue.fromSs(List.of(list)),
              ":now", AttributeValue.fromS(dev.nudge.platform.Times.format(now))))
          .returnValues(ReturnValue.UPDATED_OLD)).attributes();
    } catch (ConditionalCheckFailedException e) {
      return Result.UNKNOWN_CONTACT;
    }
    // The byList item (what a broadcast to the list pages) follows, whether or not membership
    // changed: a retry after a crash between the two writes puts it right.
    index.sync(contactId, join ? List.of(list) : List.of(),
        join ? List.of() : List.of(list));
    boolean wasMember = old != null && old.containsKey("lists") && old.get("lists").ss().contains(list);
    if (wasMember == join) {
      return Result.UNCHANGED;
    }
    String type = join ? JOINED : LEFT;
    ObjectNode properties = Json.object().put("list", list);
    // The id names the change by time: a later re-join is a new event, a retried call within the
    // same millisecond is not.
    events.putIfAbsent(new TrackedEvent(contactId, type + ":" + list + ":" + now.toEpochMilli(), type, properties, now,
        now, "lists"), now.plus(retention));
    LOG.info(type, Map.of("contactId", contactId, "list", list));
    return join ? Result.JOINED : Result.LEFT;
  }
}
