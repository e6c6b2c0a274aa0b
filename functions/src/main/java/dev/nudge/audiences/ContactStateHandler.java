package dev.nudge.audiences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventCounters;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.WindowCounters;
import dev.nudge.journeys.routing.StreamRecords;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.platform.Times;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The events-stream consumer that keeps what is derived from a contact's events on the contact
 * (the per-type event counters, lead score, segment membership): ordered per contact (the stream
 * is, by the events table's key), exactly once per event (the counter and the score each remember
 * the sequence number they applied last), a failed record reported as the batch's failure so the
 * stream retries from it. Every event is counted first, so the score rules and segments read
 * counters that include it. The rules are read once per batch; segments are evaluated once per
 * contact and batch, after the contact's last event in it.
 */
public final class ContactStateHandler implements RequestStreamHandler {
  private static final Log LOG = new Log("contact-state");

  private final Supplier<ScoringRules> rules;
  private final LeadScores scores;
  private final Supplier<List<Segment>> segmentDefinitions;
  private final Segments segments;
  private final WindowCounters windows;
  private final EventCounters counters;

  public ContactStateHandler() {
    this(Environment.current());
  }

  private ContactStateHandler(Environment env) {
    this(published(new ScoringStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE"))),
        new LeadScores(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE"),
            new EventRepository(AwsClients.dynamoDb(), env.require("EVENTS_TABLE")), env.clock(), retention(env),
            new ContactTimers(AwsClients.dynamoDb(), env.require("TIMERS_TABLE"))),
        new SegmentStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE"))::parsed, segments(env),
        new EventCounters(new ContactRepository(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE")),
            new EventRepository(AwsClients.dynamoDb(), env.require("EVENTS_TABLE"))), windows(env));
  }

  static WindowCounters windows(Environment env) {
    return new WindowCounters(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE"), retention(env), env.clock());
  }

  static Duration retention(Environment env) {
    return Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400")));
  }

  static Segments segments(Environment env) {
    var ddb = AwsClients.dynamoDb();
    return new Segments(new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
        new EventRepository(ddb, env.require("EVENTS_TABLE")), new SegmentMembers(ddb, env.require("SEGMENTS_TABLE"), env.require("CONTACTS_TABLE")),
        new ContactTimers(ddb, env.require("TIMERS_TABLE")), env.clock(), retention(env), windows(env));
  }

  public ContactStateHandler(Supplier<ScoringRules> rules, LeadScores scores) {
    this(rules, scores, List::of, null);
  }

  /** {@code segmentDefinitions}: read once per batch; {@code segments}: null keeps no segments. */
  public ContactStateHandler(Supplier<ScoringRules> rules, LeadScores scores, Supplier<List<Segment>> segmentDefinitions,
      Segments segments) {
    this(rules, scores, segmentDefinitions, segments, null, null);
  }

  /** {@code windows}: the day buckets every event is counted in (null: none kept). */
  public ContactStateHandler(Supplier<ScoringRules> rules, LeadScores scores, Supplier<List<Segment>> segmentDefinitions,
      Segments segments, WindowCounters windows) {
    this(rules, scores, segmentDefinitions, segments, null, windows);
  }

  /** {@code counters}: the per-type event counters, kept for every event; null keeps none (scoring-only tests). */
  public ContactStateHandler(Supplier<ScoringRules> rules, LeadScores scores, Supplier<List<Segment>> segmentDefinitions,
      Segments segments, EventCounters counters) {
    this(rules, scores, segmentDefinitions, segments, counters, null);
  }

  public ContactStateHandler(Supplier<ScoringRules> rules, LeadScores scores, Supplier<List<Segment>> segmentDefinitions,
      Segments segments, EventCounters counters, WindowCounters windows) {
    this.counters = counters;
    this.windows = windows;
    this.rules = rules;
    this.scores = scores;
    this.segmentDefinitions = segmentDefinitions;
    this.segments = segments;
  }

  /** The rules as published, or none; a stored definition that no longer parses counts as none, loudly. */
  public static Supplier<ScoringRules> published(ScoringStore store) {
    return () -> store.current().map(stored -> {
      ScoringRules.Parsed parsed = ScoringRules.parse(stored.definition());
      if (parsed.rules() == null) {
        LOG.error("stored scoring rules do not parse", Map.of("version", stored.version()));
        return ScoringRules.NONE;
      }
      return parsed.rules();
    }).orElse(ScoringRules.NONE);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.mapper().writeValue(output, handle(Json.mapper().readTree(input)));
  }

  /** The partial-batch response: {@code {"batchItemFailures": [{"itemIdentifier": <sequence number>}]}}. */
  public ObjectNode handle(JsonNode streamEvent) {
    if (streamEvent.path("Records").isEmpty()) {
      return Json.object().set("batchItemFailures", Json.mapper().createArrayNode());
    }
    ScoringRules current = rules.get();
    List<Segment> definitions = segments == null ? List.of() : segmentDefinitions.get();
    if (counters == null && windows == null && current.rules().isEmpty() && definitions.isEmpty()) {
      return Json.object().set("batchItemFailures", Json.mapper().createArrayNode());
    }
    // Segments are evaluated once per contact and batch, after all of the contact's events in it
    // are counted: a burst of page views costs one evaluation (profile, memberships, timer), not one each.
    Map<String, String> lastEvent = new java.util.LinkedHashMap<>();
    Map<String, String> firstSequence = new java.util.HashMap<>();
    ObjectNode response = StreamRecords.eachInsert(streamEvent, LOG, "contact state failed", (event, sequence) -> {
      String contactId = event.path("contactId").asText();
      // First, so the scoring and the segments evaluated below see this event in its counter and its day's bucket.
      if (counters != null) {
        counters.count(contactId, event.path("id").asText(), event.path("type").asText(),
            Times.parse(event.path("occurredAt").asText()), sequence);
      }
      if (windows != null) {
        windows.record(event, sequence);
      }
      if (!current.rules().isEmpty()) {
        scores.apply(current, event, sequence);
      }
      // Segment events do not change membership; every other event may (its type, a profile
      // change it reflects, a score it moved), so every segment is evaluated.
      if (!definitions.isEmpty() && !event.path("type").asText().startsWith("segment.")) {
        lastEvent.remove(contactId); // evaluated in the order of each contact's last event
        lastEvent.put(contactId, event.path("id").asText());
        firstSequence.putIfAbsent(contactId, sequence);
      }
    });
    // Also after a failed record: the records before it are done and will not come again.
    for (Map.Entry<String, String> contact : lastEvent.entrySet()) {
      try {
        segments.evaluate(definitions, contact.getKey(), contact.getValue());
      } catch (RuntimeException e) {
        String sequence = firstSequence.get(contact.getKey());
        LOG.error("segment evaluation failed", Map.of("sequence", sequence, "exception", e.getClass().getName(),
            "eventId", contact.getValue()));
        // The stream retries from the contact's first event of the batch (the counters skip what
        // they applied), unless an earlier record failed already.
        reportFrom(response, sequence);
      }
    }
    return response;
  }

  /** Keeps the batch's one reported failure at the lowest sequence number. */
  private static void reportFrom(ObjectNode response, String sequence) {
    var failures = (com.fasterxml.jackson.databind.node.ArrayNode) response.get("batchItemFailures");
    if (failures.isEmpty()) {
      failures.addObject().put("itemIdentifier", sequence);
      return;
    }
    String reported = failures.get(0).path("itemIdentifier").asText();
    if (new java.math.BigInteger(sequence).compareTo(new java.math.BigInteger(reported)) < 0) {
      failures.removeAll();
      failures.addObject().put("itemIdentifier", sequence);
    }
  }
}
