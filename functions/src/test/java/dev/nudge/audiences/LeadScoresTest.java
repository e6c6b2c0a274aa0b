package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lead score against DynamoDB Local: points, filters, caps, decay, thresholds, exactly once. */
class LeadScoresTest {
  private final JourneyStack stack = new JourneyStack();
  private final EventRepository events = new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE"));
  private final ContactTimers timers = new ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE"));
  private final LeadScores scores = new LeadScores(stack.ddb, stack.variables.get("CONTACTS_TABLE"), events, stack.clock,
      Duration.ofDays(400), timers);
  private final ScoringRules rules = ScoringRules.parse(ScoringRulesTest.RULES).rules();
  private long sequence = 100;

  private static ObjectNode event(String id, String contactId, String type, String path) {
    ObjectNode event = Json.object().put("id", id).put("type", type).put("contactId", contactId);
    event.putObject("properties").put("path", path);
    return event;
  }

  private LeadScores.Result apply(ObjectNode event) {
    return scores.apply(rules, event, Long.toString(sequence++));
  }

  private long score(String contactId) {
    return stack.runtime.contacts().find(contactId).orElseThrow().leadScore();
  }

  private List<TrackedEvent> stored(String contactId, String type) {
    return events.timeline(List.of(contactId), 100).stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void anEventAMatchingRuleScoresAddsItsPointsAndWritesScoreChanged() {
    stack.contact("lead");
    assertThat(apply(event("e1", "lead", "whitepaper.downloaded", null))).isEqualTo(LeadScores.Result.SCORED);
    assertThat(score("lead")).isEqualTo(10);
    TrackedEvent changed = stored("lead", LeadScores.CHANGED).get(0);
    assertThat(changed.properties().path("previous").asLong()).isZero();
    assertThat(changed.properties().path("score").asLong()).isEqualTo(10);
    assertThat(changed.properties().path("rules").get(0).asText()).isEqualTo("whitepaper");
    assertThat(changed.properties().path("cause").asText()).isEqualTo("e1");
  }

  @Test
  void anEventTheFilterRefusesOrNoRuleNamesChangesNothing() {
    stack.contact("reader");
    assertThat(apply(event("e1", "reader", "page.viewed", "/blog"))).isEqualTo(LeadScores.Result.NOT_SCORED);
    assertThat(apply(event("e2", "reader", "email.opened", null))).isEqualTo(LeadScores.Result.NOT_SCORED);
    assertThat(score("reader")).isZero();
    assertThat(stored("reader", LeadScores.CHANGED)).isEmpty();
  }

  @Test
  void aCapLimitsThePointsOfARulePerPeriodAndOpensAgainAfterIt() {
    stack.contact("browser");
    for (int i = 0; i < 5; i++) {
      apply(event("v" + i, "browser", "page.viewed", "/pricing"));
    }
    assertThat(score("browser")).isEqualTo(15);
    stack.clock.advance(Duration.ofDays(1));
    assertThat(apply(event("v9", "browser", "page.viewed", "/pricing"))).isEqualTo(LeadScores.Result.SCORED);
    assertThat(score("browser")).isGreaterThan(15);
  }

  @Test
  void theSameStreamRecordAppliedTwiceCountsOnce() {
    stack.contact("twice");
    ObjectNode download = event("e1", "twice", "whitepaper.downloaded", null);
    assertThat(scores.apply(rules, download, "555")).isEqualTo(LeadScores.Result.SCORED);
    assertThat(scores.apply(rules, download, "555")).isEqualTo(LeadScores.Result.DUPLICATE);
    assertThat(score("twice")).isEqualTo(10);
    assertThat(stored("twice", LeadScores.CHANGED)).hasSize(1);
  }

  @Test
  void crossingAThresholdWritesScoreCrossedOnceWithItsName() {
    stack.contact("mql");
    apply(event("w1", "mql", "webinar.attended", null));
    apply(event("w2", "mql", "webinar.attended", null));
    assertThat(stored("mql", LeadScores.CROSSED)).isEmpty();
    apply(event("d1", "mql", "whitepaper.downloaded", null));
    assertThat(score("mql")).isEqualTo(50);
    List<TrackedEvent> crossed = stored("mql", LeadScores.CROSSED);
    assertThat(crossed).hasSize(1);
    assertThat(crossed.get(0).properties().path("threshold").asText()).isEqualTo("MQL");
    assertThat(crossed.get(0).properties().path("direction").asText()).isEqualTo("up");
    apply(event("d2", "mql", "whitepaper.downloaded", null));
    assertThat(stored("mql", LeadScores.CROSSED)).hasSize(1);
  }

  @Test
  void theScoreHalvesEveryHalfLifeWhenItIsNextWrittenWithoutAnyScan() {
    stack.contact("idle");
    apply(event("w1", "idle", "webinar.attended", null));
    apply(event("w2", "idle", "webinar.attended", null));
    apply(event("w3", "idle", "webinar.attended", null));
    assertThat(score("idle")).isEqualTo(60);
    stack.clock.advance(Duration.ofDays(30));
    apply(event("d1", "idle", "whitepaper.downloaded", null));
    assertThat(score("idle")).isEqualTo(40);
    TrackedEvent below = stored("idle", LeadScores.CROSSED).stream()
        .filter(e -> e.properties().path("direction").asText().equals("down")).findFirst().orElseThrow();
    assertThat(below.properties().path("threshold").asText()).isEqualTo("MQL");
  }

  @Test
  void decayIsComputedFromTheStoredScoreAndItsTime() {
    java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertThat(LeadScores.decayed(80, at, at.plus(Duration.ofDays(60)), Duration.ofDays(30))).isEqualTo(20);
    assertThat(LeadScores.decayed(80, at, at.plus(Duration.ofDays(15)), Duration.ofDays(30))).isEqualTo(57);
    assertThat(LeadScores.decayed(80, at, at.plus(Duration.ofDays(60)), null)).isEqualTo(80);
  }

  @Test
  void negativePointsLowerTheScore() {
    stack.contact("leaver");
    apply(event("w1", "leaver", "webinar.attended", null));
    apply(event("u1", "leaver", "contact.unsubscribed", null));
    assertThat(score("leaver")).isZero();
  }

  @Test
  void anEventOfAnUnknownContactScoresNothing() {
    assertThat(apply(event("e1", "nobody", "webinar.attended", null))).isEqualTo(LeadScores.Result.NO_CONTACT);
  }

  @Test
  void anAddScoreStepBetweenTheReadAndTheWriteIsKept() {
    stack.contact("stepped");
    stack.runtime.contacts().addLeadScore("stepped", 7);
    apply(event("w1", "stepped", "webinar.attended", null));
    assertThat(score("stepped")).isEqualTo(27);
  }

  @Test
  void aRetryAfterACrashBeforeTheScoreEventsWritesThemFromTheHistory() {
    stack.contact("crashed");
    ObjectNode download = event("e1", "crashed", "whitepaper.downloaded", null);
    scores.apply(rules, download, "777");
    // As if the function stopped after the profile write: the event it wrote is gone.
    stack.ddb.deleteItem(b -> b.tableName(stack.variables.get("EVENTS_TABLE")).key(java.util.Map.of(
        "contactId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("crashed"),
        "eventId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("score-changed:e1"))));
    assertThat(stored("crashed", LeadScores.CHANGED)).isEmpty();
    assertThat(scores.apply(rules, download, "777")).isEqualTo(LeadScores.Result.DUPLICATE);
    assertThat(stored("crashed", LeadScores.CHANGED)).hasSize(1);
    assertThat(score("crashed")).isEqualTo(10);
  }

  @Test
  void reachingAThresholdArmsATimerForTheMomentDecayTakesTheScoreBelowIt() {
    stack.contact("armed");
    apply(event("w1", "armed", "webinar.attended", null));
    assertThat(timers.due(stack.clock.instant().plus(Duration.ofDays(400)))).isEmpty();
    apply(event("w2", "armed", "webinar.attended", null));
    apply(event("w3", "armed", "webinar.attended", null));
    // 60 halves below 49.5 (rounding to 49) after log2(60 / 49.5) = 0.278 half-lives: 8.3 days.
    assertThat(timers.due(stack.clock.instant().plus(Duration.ofDays(8)))).isEmpty();
    assertThat(timers.due(stack.clock.instant().plus(Duration.ofDays(9)))).extracting(ContactTimers.Timer::contactId)
        .containsExactly("armed");
  }

  @Test
  void aDecayTimerWritesScoreCrossedDownWhenItHappensWithoutAnyEvent() {
    stack.contact("idle-lead");
    for (int i = 1; i <= 3; i++) {
      apply(event("w" + i, "idle-lead", "webinar.attended", null));
    }
    var due = timers.due(stack.clock.instant().plus(Duration.ofDays(9)));
    stack.clock.set(due.get(0).dueAt());
    assertThat(scores.decay(rules, "idle-lead")).isTrue();
    assertThat(score("idle-lead")).isEqualTo(49);
    TrackedEvent down = stored("idle-lead", LeadScores.CROSSED).stream()
        .filter(e -> e.properties().path("direction").asText().equals("down")).findFirst().orElseThrow();
    assertThat(down.properties().path("threshold").asText()).isEqualTo("MQL");
    assertThat(down.occurredAt()).isEqualTo(due.get(0).dueAt());
    // Fired again (a crash before the timer's delete): nothing more happens.
    assertThat(scores.decay(rules, "idle-lead")).isFalse();
    assertThat(stored("idle-lead", LeadScores.CROSSED).stream()
        .filter(e -> e.properties().path("direction").asText().equals("down"))).hasSize(1);
  }

  @Test
  void aDecayTimerBeforeTheCrossingChangesNothingAndArmsAgain() {
    stack.contact("early");
    for (int i = 1; i <= 3; i++) {
      apply(event("w" + i, "early", "webinar.attended", null));
    }
    stack.clock.advance(Duration.ofDays(1));
    assertThat(scores.decay(rules, "early")).isFalse();
    assertThat(score("early")).isEqualTo(60);
    assertThat(timers.due(stack.clock.instant().plus(Duration.ofDays(8)))).hasSize(1);
  }
}
