package dev.nudge.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TemplateTables;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StepStatsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final String table = TemplateTables.create(ddb, "StatsTable");
  private final StepStats stats = new StepStats(ddb, table);

  @Test
  void theSameThingCountedTwiceCountsOnce() {
    assertThat(stats.count("cart", "2", "reminder", "sent", "exec-1/reminder/t0", T0)).isTrue();
    assertThat(stats.count("cart", "2", "reminder", "sent", "exec-1/reminder/t0", T0.plusSeconds(5))).isFalse();
    assertThat(stats.read("cart").get("2").get("reminder").get("sent").count()).isEqualTo(1);
  }

  @Test
  void aBroadcastSpreadsOverShardsAndReadsBackAsOneTotal() {
    for (int i = 0; i < 40; i++) {
      stats.count("promo", "1", "blast", "sent", "exec-" + i, T0.plusSeconds(i));
    }
    long counterItems = ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :c)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("W#promo"), ":c", AttributeValue.fromS("C#"))))
        .count();
    StepStats.Counter sent = stats.read("promo").get("1").get("blast").get("sent");
    assertThat(counterItems).isGreaterThan(1).isLessThanOrEqualTo(StepStats.SHARDS);
    assertThat(sent.count()).isEqualTo(40);
    assertThat(sent.firstAt()).isEqualTo(T0);
    assertThat(sent.lastAt()).isEqualTo(T0.plusSeconds(39));
  }

  @Test
  void versionsAndStepsAreCountedApart() {
    stats.count("cart", "1", "reminder", "sent", "a", T0);
    stats.count("cart", "2", "reminder", "sent", "b", T0);
    stats.count("cart", "2", "offer", "sent", "c", T0);
    var read = stats.read("cart");
    assertThat(read.keySet()).containsExactly("1", "2");
    assertThat(read.get("2").keySet()).containsExactlyInAnyOrder("reminder", "offer");
    assertThat(read.get("1").get("reminder").get("sent").count()).isEqualTo(1);
  }

  @Test
  void aRateWithoutItsDenominatorIsNullNotZero() {
    stats.count("cart", "1", "reminder", "sent", "a", T0);
    var report = WorkflowStatsReport.of("cart", stats.read("cart"));
    var rates = report.path("versions").get(0).path("steps").get(0).path("rates");
    assertThat(rates.path("open").isNull()).isTrue(); // nothing delivered yet
    assertThat(rates.path("bounce").asDouble()).isZero();
  }

  @Test
  void aRangeCountsOnlyWhatHappenedOnItsDays() {
    stats.count("cart", "1", "reminder", "sent", "monday", T0);
    stats.count("cart", "1", "reminder", "sent", "tuesday", T0.plus(java.time.Duration.ofDays(1)));
    stats.count("cart", "1", "reminder", "opened", "tuesday-open", T0.plus(java.time.Duration.ofDays(1)));
    stats.count("cart", "1", "reminder", "sent", "thursday", T0.plus(java.time.Duration.ofDays(3)));
    var tuesdayToWednesday = stats.read("cart", java.time.LocalDate.parse("2026-12-02"), java.time.LocalDate.parse("2026-12-03"));
    assertThat(tuesdayToWednesday.get("1").get("reminder").get("sent").count()).isEqualTo(1);
    assertThat(tuesdayToWednesday.get("1").get("reminder").get("opened").count()).isEqualTo(1);
    assertThat(stats.read("cart").get("1").get("reminder").get("sent").count()).isEqualTo(3);
  }

  @Test
  void aDayIsTheUtcDayOfTheCount() {
    stats.count("cart", "1", "reminder", "sent", "late", Instant.parse("2026-12-01T23:59:59Z"));
    stats.count("cart", "1", "reminder", "sent", "early", Instant.parse("2026-12-02T00:00:00Z"));
    var first = stats.read("cart", java.time.LocalDate.parse("2026-12-01"), java.time.LocalDate.parse("2026-12-01"));
    assertThat(first.get("1").get("reminder").get("sent").count()).isEqualTo(1);
  }

  @Test
  void aRangeWithoutCountsIsEmpty() {
    stats.count("cart", "1", "reminder", "sent", "monday", T0);
    assertThat(stats.read("cart", java.time.LocalDate.parse("2026-11-01"), java.time.LocalDate.parse("2026-11-30"))).isEmpty();
  }

  @Test
  void aRangeEndingBeforeItStartsOrLongerThanAYearIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stats.read("cart", java.time.LocalDate.parse("2026-12-02"),
        java.time.LocalDate.parse("2026-12-01"))).isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stats.read("cart", java.time.LocalDate.parse("2025-01-01"),
        java.time.LocalDate.parse("2026-12-01"))).isInstanceOf(IllegalArgumentException.class);
  }
}
