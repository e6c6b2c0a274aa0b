package dev.nudge.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The day buckets the events-stream consumer keeps, against DynamoDB Local on the template's contacts table. */
class WindowCountersTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final String table = TemplateTables.create(ddb, "ContactsTable");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final WindowCounters windows = new WindowCounters(ddb, table, RETENTION, clock);
  private long sequence = 1_000;

  private static ObjectNode event(String contactId, String id, String type, String occurredAt, ObjectNode properties) {
    ObjectNode event = Json.object().put("id", id).put("type", type).put("contactId", contactId)
        .put("occurredAt", occurredAt);
    event.set("properties", properties);
    return event;
  }

  private ObjectNode order(String contactId, String occurredAt, int total) {
    return event(contactId, "o-" + (++sequence), "order.completed", occurredAt, Json.object().put("total", total));
  }

  private WindowCounters.Result record(ObjectNode event) {
    return windows.record(event, Long.toString(++sequence));
  }

  private Map<String, AttributeValue> item(String contactId, String sk) {
    return ddb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
        "pk", AttributeValue.fromS("W#" + contactId), "sk", AttributeValue.fromS(sk)))).item();
  }

  @Test
  void aRedeliveredRecordIsCountedOnce() {
    ObjectNode order = order("ana", "2026-03-02T10:00:00.000Z", 40);
    assertThat(windows.record(order, "2001")).isEqualTo(WindowCounters.Result.COUNTED);
    assertThat(windows.record(order, "2001")).isEqualTo(WindowCounters.Result.DUPLICATE);

    List<WindowCounters.Day> days = windows.days(List.of("ana"), "order.completed", null);
    assertThat(days).singleElement().satisfies(d -> {
      assertThat(d.count()).isEqualTo(1);
      assertThat(d.sums()).containsEntry("total", new BigDecimal("40"));
    });
  }

  @Test
  void anOlderRecordRedeliveredAfterANewerOneOfTheSameDayIsRefused() {
    ObjectNode first = order("bea", "2026-03-02T10:00:00.000Z", 10);
    ObjectNode second = order("bea", "2026-03-02T11:00:00.000Z", 20);
    windows.record(first, "3001");
    windows.record(second, "3002");

    assertThat(windows.record(first, "3001")).isEqualTo(WindowCounters.Result.DUPLICATE);
    assertThat(windows.days(List.of("bea"), "order.completed", null)).singleElement()
        .satisfies(d -> assertThat(d.count()).isEqualTo(2));
  }

  @Test
  void aBucketExpiresTheRetentionAfterTheEndOfItsDay() {
    record(order("cid", "2026-03-02T10:00:00.000Z", 40));

    long expected = Instant.parse("2026-03-03T00:00:00Z").plus(RETENTION).getEpochSecond();
    assertThat(item("cid", "order.completed#2026-03-02").get("expiresAt").n()).isEqualTo(Long.toString(expected));
  }

  @Test
  void aDayAddsUpTheNumericTopLevelPropertiesOfItsEventsAndIgnoresTheRest() {
    record(event("dan", "o1", "order.completed", "2026-03-02T10:00:00.000Z",
        Json.object().put("total", 19.99).put("items", 2).put("coupon", "X").put("gift", true)));
    record(event("dan", "o2", "order.completed", "2026-03-02T18:00:00.000Z",
        Json.object().put("total", 5.01).put("shipping", 3)));

    assertThat(windows.days(List.of("dan"), "order.completed", null)).singleElement().satisfies(d -> {
      assertThat(d.count()).isEqualTo(2);
      assertThat(d.sums()).containsOnlyKeys("total", "items", "shipping");
      assertThat(d.sums().get("total")).isEqualByComparingTo("25.00");
      assertThat(d.sums().get("items")).isEqualByComparingTo("2");
      assertThat(d.sums().get("shipping")).isEqualByComparingTo("3");
      assertThat(d.sumsCut()).isFalse();
    });
  }

  @Test
  void anEventOlderThanTheDaysLastKeepsTheDaysEarliestAndLatestInstants() {
    record(order("eve", "2026-03-02T12:00:00.000Z", 1));
    record(order("eve", "2026-03-02T18:00:00.000Z", 1));
    record(order("eve", "2026-03-02T08:00:00.000Z", 1));

    Map<String, AttributeValue> bucket = item("eve", "order.completed#2026-03-02");
    assertThat(bucket.get("firstAt").s()).isEqualTo("2026-03-02T08:00:00.000Z");
    assertThat(bucket.get("lastAt").s()).isEqualTo("2026-03-02T18:00:00.000Z");
    assertThat(bucket.get("count").n()).isEqualTo("3");
  }

  @Test
  void eventsFallInTheBucketOfTheirUtcDay() {
    record(order("fay", "2026-03-02T23:59:59.999Z", 1));
    record(order("fay", "2026-03-03T00:00:00.000Z", 1));

    assertThat(windows.days(List.of("fay"), "order.completed", null)).extracting(WindowCounters.Day::day)
        .containsExactly(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-03"));
    assertThat(windows.days(List.of("fay"), "order.completed", LocalDate.parse("2026-03-03")))
        .extracting(WindowCounters.Day::day).containsExactly(LocalDate.parse("2026-03-03"));
  }

  @Test
  void aTypeReadsOnlyItsOwnBuckets() {
    record(order("gus", "2026-03-02T10:00:00.000Z", 1));
    record(event("gus", "v1", "order.completed.refund", "2026-03-02T10:00:00.000Z", Json.object()));
    record(event("gus", "v2", "order", "2026-03-02T10:00:00.000Z", Json.object()));

    assertThat(windows.days(List.of("gus"), "order.completed", null)).singleElement()
        .satisfies(d -> assertThat(d.count()).isEqualTo(1));
  }

  @Test
  void theBucketsOfMergedIdsAreAddedUpPerDay() {
    record(order("anon:1", "2026-03-02T09:00:00.000Z", 30));
    record(order("known", "2026-03-02T15:00:00.000Z", 70));
    record(order("known", "2026-03-04T15:00:00.000Z", 5));

    List<WindowCounters.Day> days = windows.days(List.of("known", "anon:1"), "order.completed", null);
    assertThat(days).hasSize(2);
    assertThat(days.get(0).count()).isEqualTo(2);
    assertThat(days.get(0).sums().get("total")).isEqualByComparingTo("100");
    assertThat(days.get(0).firstAt()).isEqualTo(Times.parse("2026-03-02T09:00:00.000Z"));
    assertThat(days.get(1).count()).isEqualTo(1);
  }

  @Test
  void anEventWithMoreNumericPropertiesThanABucketSumsMarksItsDay() {
    ObjectNode properties = Json.object();
    for (int i = 0; i <= WindowCounters.MAX_SUMS; i++) {
      properties.put("p" + i, i);
    }
    record(event("hal", "big", "measured", "2026-03-02T10:00:00.000Z", properties));

    assertThat(windows.days(List.of("hal"), "measured", null)).singleElement().satisfies(d -> {
      assertThat(d.sums()).hasSize(WindowCounters.MAX_SUMS);
      assertThat(d.sumsCut()).isTrue();
    });
  }

  @Test
  void erasureDeletesEveryBucketOfTheIds() {
    record(order("ida", "2026-03-02T10:00:00.000Z", 1));
    record(order("ida", "2026-03-05T10:00:00.000Z", 1));
    record(event("ida", "v", "page.viewed", "2026-03-05T10:00:00.000Z", Json.object()));

    assertThat(windows.erase(List.of("ida"))).isEqualTo(3);
    assertThat(windows.days(List.of("ida"), "order.completed", null)).isEmpty();
  }

  @Test
  void wholeDayWindowsStartAtMidnightUtcOfTheirFirstDay() {
    Instant now = Instant.parse("2026-04-10T15:00:00Z");
    assertThat(WindowCounters.firstDay(Duration.ofDays(90), now)).contains(LocalDate.parse("2026-01-11"));
    assertThat(WindowCounters.firstDay(Duration.ofDays(1), now)).contains(LocalDate.parse("2026-04-10"));
    assertThat(WindowCounters.firstDay(Duration.ofHours(48), now)).contains(LocalDate.parse("2026-04-09"));
    assertThat(WindowCounters.firstDay(Duration.ofHours(12), now)).isEmpty();
    assertThat(WindowCounters.firstDay(Duration.ofDays(1).plusHours(6), now)).isEmpty();
    assertThat(WindowCounters.leaves(LocalDate.parse("2026-01-11"), Duration.ofDays(90)))
        .isEqualTo(Instant.parse("2026-04-11T00:00:00Z"));
  }

  @Test
  void theBucketsHoldEveryEventFromTheFirstWriteOnPlusTheSwitchOver() {
    assertThat(windows.since()).as("nothing counted yet").isEmpty();
    record(order("jon", "2026-03-01T10:00:00.000Z", 1));
    clock.advance(Duration.ofDays(3));
    WindowCounters later = new WindowCounters(ddb, table, RETENTION, clock);
    later.record(order("kim", "2026-03-04T10:00:00.000Z", 1), "99999");

    assertThat(later.since()).contains(Instant.parse("2026-03-01T00:15:00Z"));
  }

  @Test
  void aSumPastWhatADynamoDbNumberHoldsCountsTheEventWithoutSumsAndMarksTheDay() {
    record(event("lou", "big", "measured", "2026-03-02T10:00:00.000Z", Json.object().put("value", new BigDecimal("1E+100"))));
    record(event("lou", "tiny", "measured", "2026-03-02T11:00:00.000Z", Json.object().put("value", new BigDecimal("1E-100"))));

    assertThat(windows.days(List.of("lou"), "measured", null)).singleElement().satisfies(d -> {
      assertThat(d.count()).isEqualTo(2);
      assertThat(d.sumsCut()).isTrue();
    });
  }
}
