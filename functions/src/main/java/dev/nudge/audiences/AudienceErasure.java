package dev.nudge.audiences;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audiences' part of erasing a contact: their segment memberships (each leaving decrements
 * the segment's size; no event is written for a contact being erased) and their timers. Called
 * before the contact's own data goes, so an interrupted erasure is finished by repeating it.
 * (The score lives on the profile and goes with it.)
 */
public final class AudienceErasure {
  private final SegmentStore segments;
  private final SegmentMembers members;
  private final DynamoDbClient ddb;
  private final String timersTable;
  private final String contactsTable;
  private final java.time.Clock clock;

  public AudienceErasure(SegmentStore segments, SegmentMembers members, DynamoDbClient ddb, String timersTable,
      String contactsTable, java.time.Clock clock) {
    this.clock = clock;
    this.segments = segments;
    this.members = members;
    this.ddb = ddb;
    this.timersTable = timersTable;
    this.contactsTable = contactsTable;
  }

  /**
   * Marks each profile as being erased ({@code erasingAt}: entering a segment checks it, so a
   * stream record still in flight cannot put the contact back), then removes memberships and
   * timers. Returns how many were removed.
   */
  public int erase(List<String> contactIds) {
    int removed = 0;
    for (String contactId : contactIds) {
      try {
        ddb.updateItem(b -> b.tableName(contactsTable).key(Map.of(
                "pk", AttributeValue.fromS(dev.nudge.contacts.ContactRepository.partition(contactId)),
                "sk", AttributeValue.fromS("PROFILE")))
            .updateExpression("SET erasingAt = if_not_exists(erasingAt, :now)").conditionExpression("attribute_exists(pk)")
            .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(dev.nudge.platform.Times.format(clock.instant())))));
      } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException gone) {
        // No profile (an anonymous id's, or already erased): nothing to mark.
      }
    }
    List<String> segmentIds = segments.all().stream().map(SegmentStore.Stored::id).toList();
    for (String contactId : contactIds) {
      for (String segment : segmentIds) {
        if (members.leave(segment, contactId)) {
          removed++;
        }
      }
      for (Map<String, AttributeValue> timer : ddb.query(b -> b.tableName(timersTable).consistentRead(true)
          .keyConditionExpression("contactId = :c").expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contactId))))
          .items()) {
        ddb.deleteItem(b -> b.tableName(timersTable).key(Map.of("contactId", timer.get("contactId"), "timer", timer.get("timer"))));
        removed++;
      }
    }
    return removed;
  }
}
