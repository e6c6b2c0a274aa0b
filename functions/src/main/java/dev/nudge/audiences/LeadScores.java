package dev.nudge.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.platform.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Applies the scoring rules to one event of the events stream, exactly once, on the contact's
 * profile item: {@code leadScore} (a whole number, as of {@code leadScoreAt}), {@code scoreSeq}
 * (the stream sequence number of the last event applied, zero-padded so it compares as text),
 * {@code scoreCaps} (per capped rule: the window's start and the points it gave) and
 * {@code scoreHistory} (the last {@link #HISTORY} changes), and {@code leadScoreHalfLife} (the
 * rules' half-life, so every reader can decay the score without the rules). Decay is lazy: the
 * stored score is halved every half-life when it is next read ({@code Contact.leadScore(now)}) or
 * written, never by a scan.
 *
 * <p>Each change writes {@code score.changed}; crossing a threshold writes {@code score.crossed}
 * ({@code threshold}, {@code direction} up or down), usable as a trigger, goal or waitFor. Their
 * ids derive from the scored event's, so a retried batch writes them once; a crash between the
 * profile write and the events is repaired on the retry from the history entry.
 */
public final class LeadScores {
  static final int HISTORY = 10;
  private static final Log LOG = new Log("lead-scores");
  public static final String CHANGED = "score.changed";
  public static final String CROSSED = "score.crossed";

  public enum Result { SCORED, NOT_SCORED, DUPLICATE, CAPPED, NO_CONTACT }

  private final DynamoDbClient ddb;
  private final String contactsTable;
  private final EventRepository events;
  private final Clock clock;
  private final Duration retention;
  private final ContactTimers timers;
  static final String DECAY_TIMER = "score-decay";

  public LeadScores(DynamoDbClient ddb, String contactsTable, EventRepository events, Clock clock, Duration retention) {
    this(ddb, contactsTable, events, clock, retention, null);
  }

  /** {@code timers}: where the moment decay takes a score below a threshold is armed; null arms none. */
  public LeadScores(DynamoDbClient ddb, String contactsTable, EventRepository events, Clock clock, Duration retention,
      ContactTimers timers) {
    this.timers = timers;
    this.ddb = ddb;
    this.contactsTable = contactsTable;
    this.events = events;
    this.clock = clock;
    this.retention = retention;
  }

  /** {@code event}: the stream's event document (id, type, contactId, properties...); {@code sequence}: its record's. */
  public Result apply(ScoringRules rules, JsonNode event, String sequence) {
    String type = event.path("type").asText();
    List<ScoringRules.Rule> matching = rules.matching(type).stream().filter(r -> r.where().matches(event)).toList();
    if (matching.isEmpty()) {
      return Result.NOT_SCORED;
    }
    String contactId = event.path("contactId").asText();
    String eventId = event.path("id").asText();
    String seq = dev.nudge.contacts.EventCounters.padded(sequence);
    for (int attempt = 0; attempt < 5; attempt++) {
      Instant now = clock.instant();
      Map<String, AttributeValue> profile = ddb.getItem(b -> b.tableName(contactsTable).consistentRead(true)
          .key(key(contactId))).item();
      if (profile == null || profile.isEmpty() || profile.containsKey("mergedInto")) {
        return Result.NO_CONTACT;
      }
      if (profile.containsKey("scoreSeq") && profile.get("scoreSeq").s().compareTo(seq) >= 0) {
        // Applied already: write the score events again in case the last attempt stopped before them.
        history(profile).stream().filter(h -> eventId.equals(text(h, "eventId"))).findFirst()
            .ifPresent(h -> emit(contactId, eventId, h, rules, now));
        return Result.DUPLICATE;
      }
      long stored = profile.containsKey("leadScore") ? Long.parseLong(profile.get("leadScore").n()) : 0;
      Instant storedAt = profile.containsKey("leadScoreAt") ? Times.parse(profile.get("leadScoreAt").s()) : now;
      long previous = decayed(stored, storedAt, now, halfLife(profile, rules));
      Map<String, AttributeValue> caps = new HashMap<>(profile.containsKey("scoreCaps") ? profile.get("scoreCaps").m() : Map.of());
      long delta = 0;
      List<String> applied = new ArrayList<>();
      for (ScoringRules.Rule rule : matching) {
        long points = rule.points();
        if (rule.cap() != null) {
          Map<String, AttributeValue> window = caps.containsKey(rule.id()) ? caps.get(rule.id()).m() : Map.of();
          Instant start = window.containsKey("start") ? Times.parse(window.get("start").s()) : null;
          long used = window.containsKey("points") ? Long.parseLong(window.get("points").n()) : 0;
          if (start == null || !now.isBefore(start.plus(rule.cap().per()))) {
            start = now;
            used = 0;
          }
          points = Math.min(points, rule.cap().points() - used);
          if (points <= 0) {
            continue;
          }
          caps.put(rule.id(), AttributeValue.fromM(Map.of("start", AttributeValue.fromS(Times.format(start)),
              "points", AttributeValue.fromN(Long.toString(used + points)))));
        }
        delta += points;
        applied.add(rule.id());
      }
      if (applied.isEmpty()) {
        return Result.CAPPED;
      }
      long score = previous + delta;
      Map<String, AttributeValue> entry = Map.of("at", AttributeValue.fromS(Times.format(now)),
          "eventId", AttributeValue.fromS(eventId), "eventType", AttributeValue.fromS(type),
          "previous", AttributeValue.fromN(Long.toString(previous)), "delta", AttributeValue.fromN(Long.toString(delta)),
          "stored", AttributeValue.fromN(Long.toString(stored)),
          "score", AttributeValue.fromN(Long.toString(score)),
          "rules", AttributeValue.fromL(applied.stream().map(AttributeValue::fromS).toList()));
      List<AttributeValue> history = new ArrayList<>(profile.containsKey("scoreHistory") ? profile.get("scoreHistory").l() : List.of());
      history.add(AttributeValue.fromM(entry));
      List<AttributeValue> kept = history.subList(Math.max(0, history.size() - HISTORY), history.size());
      Map<String, AttributeValue> values = new HashMap<>();
      values.put(":score", AttributeValue.fromN(Long.toString(score)));
      values.put(":at", AttributeValue.fromS(Times.format(now)));
      values.put(":seq", AttributeValue.fromS(seq));
      values.put(":caps", AttributeValue.fromM(caps));
      values.put(":history", AttributeValue.fromL(List.copyOf(kept)));
      values.put(":stored", AttributeValue.fromN(Long.toString(stored)));
      try {
        // leadScore = :stored: an addScore step that ADDed in between makes this attempt read again.
        ddb.updateItem(b -> b.tableName(contactsTable).key(key(contactId))
            .updateExpression("SET leadScore = :score, leadScoreAt = :at, scoreSeq = :seq, scoreCaps = :caps, "
                + "scoreHistory = :history" + halfLifeUpdate(rules, values))
            .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(scoreSeq) OR scoreSeq < :seq) AND "
                + "(attribute_not_exists(leadScore) OR leadScore = :stored)")
            .expressionAttributeValues(values));
      } catch (ConditionalCheckFailedException e) {
        continue;
      }
      emit(contactId, eventId, entry, rules, now);
      armDecay(contactId, score, now, rules);
      LOG.info("scored", Map.of("contactId", contactId, "eventId", eventId, "delta", delta, "score", score));
      return Result.SCORED;
    }
    throw new IllegalStateException("the lead score of a contact kept changing under five attempts");
  }

  /**
   * A decay timer fired: when the idle contact's score has decayed below a threshold, it is
   * written back as decayed and {@code score.crossed} (down) is written, at the time it happens,
   * not when the contact is next scored. Ids derive from the stored score's time, so a timer
   * fired twice writes once. Returns whether a threshold was crossed.
   */
  public boolean decay(ScoringRules rules, String contactId) {
    Instant now = clock.instant();
    Map<String, AttributeValue> profile = ddb.getItem(b -> b.tableName(contactsTable).consistentRead(true)
        .key(key(contactId))).item();
    if (profile == null || profile.isEmpty() || !profile.containsKey("leadScore") || !profile.containsKey("leadScoreAt")) {
      return false;
    }
    long stored = Long.parseLong(profile.get("leadScore").n());
    String storedAtText = profile.get("leadScoreAt").s();
    long score = decayed(stored, Times.parse(storedAtText), now, halfLife(profile, rules));
    boolean crosses = rules.thresholds().stream().anyMatch(t -> stored >= t.score() && score < t.score());
    if (!crosses) {
      armDecay(contactId, stored, Times.parse(storedAtText), rules);
      return false;
    }
    String cause = "decay:" + storedAtText;
    Map<String, AttributeValue> entry = Map.of("at", AttributeValue.fromS(Times.format(now)),
        "eventId", AttributeValue.fromS(cause), "eventType", AttributeValue.fromS("decay"),
        "previous", AttributeValue.fromN(Long.toString(stored)), "delta", AttributeValue.fromN(Long.toString(score - stored)),
        "stored", AttributeValue.fromN(Long.toString(stored)), "score", AttributeValue.fromN(Long.toString(score)),
        "rules", AttributeValue.fromL(List.of()));
    List<AttributeValue> history = new ArrayList<>(profile.containsKey("scoreHistory") ? profile.get("scoreHistory").l() : List.of());
    history.add(AttributeValue.fromM(entry));
    List<AttributeValue> kept = List.copyOf(history.subList(Math.max(0, history.size() - HISTORY), history.size()));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":score", AttributeValue.fromN(Long.toString(score)),
        ":now", AttributeValue.fromS(Times.format(now)), ":history", AttributeValue.fromL(kept),
        ":stored", AttributeValue.fromN(Long.toString(stored)), ":storedAt", AttributeValue.fromS(storedAtText)));
    try {
      ddb.updateItem(b -> b.tableName(contactsTable).key(key(contactId))
          .updateExpression("SET leadScore = :score, leadScoreAt = :now, scoreHistory = :history" + halfLifeUpdate(rules, values))
          .conditionExpression("leadScore = :stored AND leadScoreAt = :storedAt")
          .expressionAttributeValues(values));
    } catch (ConditionalCheckFailedException changed) {
      // Scored meanwhile: that write armed its own timer.
      return false;
    }
    emit(contactId, cause, entry, rules, now);
    armDecay(contactId, score, now, rules);
    LOG.info("decayed", Map.of("contactId", contactId, "score", score));
    return true;
  }

  /** Arms (or clears) the timer for the moment decay takes {@code score}, stored at {@code at}, below a threshold. */
  private void armDecay(String contactId, long score, Instant at, ScoringRules rules) {
    if (timers == null) {
      return;
    }
    Optional<Instant> next = nextDecayCrossing(score, at, rules);
    if (next.isPresent()) {
      timers.arm(contactId, DECAY_TIMER, next.get());
    } else {
      timers.disarm(contactId, DECAY_TIMER);
    }
  }

  /**
   * When {@code score}, stored at {@code at}, decays below the highest threshold it has reached:
   * {@link #decayed} rounds, so below {@code t} means under {@code t - 0.5}, after
   * {@code log2(score / (t - 0.5))} half-lives. Empty without decay or a threshold reached.
   */
  static Optional<Instant> nextDecayCrossing(long score, Instant at, ScoringRules rules) {
    if (rules.halfLife() == null) {
      return Optional.empty();
    }
    return rules.thresholds().stream().filter(t -> score >= t.score())
        .max(java.util.Comparator.comparingLong(ScoringRules.Threshold::score))
        .map(t -> {
          double halves = Math.log(score / (t.score() - 0.5)) / Math.log(2);
          return at.plusMillis((long) Math.ceil(halves * rules.halfLife().toMillis()) + 1);
        });
  }

  /** The score {@code stored} at {@code at}, halved every {@code halfLife} until {@code now}; unchanged without decay. */
  public static long decayed(long stored, Instant at, Instant now, Duration halfLife) {
    return dev.nudge.contacts.ScoreDecay.decayed(stored, at, now, halfLife);
  }

  /**
   * The half-life the stored score decays by: the one stored with it (what every reader of the
   * profile decays it by), else, for a score stored before half-lives were, the rules'.
   */
  private static Duration halfLife(Map<String, AttributeValue> profile, ScoringRules rules) {
    return profile.containsKey("leadScoreHalfLife") ? Duration.parse(profile.get("leadScoreHalfLife").s())
        : rules.halfLife();
  }

  /**
   * The profile keeps the half-life with the score ({@code leadScoreHalfLife}), so a reader (a
   * branch, a segment, an audience filter) decays it to its own instant without reading the rules.
   */
  private static String halfLifeUpdate(ScoringRules rules, Map<String, AttributeValue> values) {
    if (rules.halfLife() == null) {
      return " REMOVE leadScoreHalfLife";
    }
    values.put(":halfLife", AttributeValue.fromS(rules.halfLife().toString()));
    return ", leadScoreHalfLife = :halfLife";
  }

  private void emit(String contactId, String eventId, Map<String, AttributeValue> entry, ScoringRules rules, Instant now) {
    long previous = Long.parseLong(entry.get("previous").n());
    long score = Long.parseLong(entry.get("score").n());
    // Thresholds compare the score as last stored (before decay) with the new one, so a lead who
    // decayed below one while idle is reported crossing down when next scored.
    long before = Long.parseLong(entry.get("stored").n());
    Instant at = Times.parse(entry.get("at").s());
    ObjectNode changed = Json.object();
    changed.put("previous", previous).put("score", score).put("delta", Long.parseLong(entry.get("delta").n()));
    changed.put("cause", eventId).put("causeType", text(entry, "eventType"));
    var ruleIds = changed.putArray("rules");
    entry.get("rules").l().forEach(r -> ruleIds.add(r.s()));
    write(new TrackedEvent(contactId, "score-changed:" + eventId, CHANGED, changed, at, now, "scoring"));
    for (ScoringRules.Threshold threshold : rules.thresholds()) {
      String direction = before < threshold.score() && score >= threshold.score() ? "up"
          : before >= threshold.score() && score < threshold.score() ? "down" : null;
      if (direction != null) {
        ObjectNode crossed = Json.object().put("threshold", threshold.name()).put("thresholdScore", threshold.score())
            .put("direction", direction).put("score", score).put("cause", eventId);
        write(new TrackedEvent(contactId, "score-crossed:" + threshold.name() + ":" + eventId, CROSSED, crossed, at, now,
            "scoring"));
      }
    }
  }

  private void write(TrackedEvent event) {
    events.putIfAbsent(event, clock.instant().plus(retention));
  }

  private static List<Map<String, AttributeValue>> history(Map<String, AttributeValue> profile) {
    return profile.containsKey("scoreHistory") ? profile.get("scoreHistory").l().stream().map(AttributeValue::m).toList()
        : List.of();
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    return Optional.ofNullable(item.get(name)).map(AttributeValue::s).orElse(null);
  }


  private static Map<String, AttributeValue> key(String contactId) {
    return Map.of("pk", AttributeValue.fromS(ContactRepository.partition(contactId)), "sk", AttributeValue.fromS("PROFILE"));
  }
}
