package dev.nudge.audiences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.EventRepository;
import dev.nudge.journeys.routing.StreamRecords;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The events-stream consumer that keeps what is derived from a contact's events on the contact
 * (lead score today): ordered per contact (the stream is, by the events table's key), exactly once
 * per event (the score remembers the sequence number it applied last), a failed record reported
 * as the batch's failure so the stream retries from it. The rules are read once per batch.
 */
public final class ContactStateHandler implements RequestStreamHandler {
  private static final Log LOG = new Log("contact-state");

  private final Supplier<ScoringRules> rules;
  private final LeadScores scores;

  public ContactStateHandler() {
    this(Environment.current());
  }

  private ContactStateHandler(Environment env) {
    this(published(new ScoringStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE"))),
        new LeadScores(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE"),
            new EventRepository(AwsClients.dynamoDb(), env.require("EVENTS_TABLE")), env.clock(),
            Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400"))),
            new ContactTimers(AwsClients.dynamoDb(), env.require("TIMERS_TABLE"))));
  }

  public ContactStateHandler(Supplier<ScoringRules> rules, LeadScores scores) {
    this.rules = rules;
    this.scores = scores;
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
    Json.MAPPER.writeValue(output, handle(Json.MAPPER.readTree(input)));
  }

  /** The partial-batch response: {@code {"batchItemFailures": [{"itemIdentifier": <sequence number>}]}}. */
  public ObjectNode handle(JsonNode streamEvent) {
    ObjectNode response = Json.object();
    var failures = response.putArray("batchItemFailures");
    if (streamEvent.path("Records").isEmpty()) {
      return response;
    }
    ScoringRules current = rules.get();
    if (current.rules().isEmpty()) {
      return response;
    }
    for (JsonNode record : streamEvent.path("Records")) {
      JsonNode dynamodb = record.path("dynamodb");
      String sequence = dynamodb.path("SequenceNumber").asText();
      if (!"INSERT".equals(record.path("eventName").asText()) || !dynamodb.has("NewImage")) {
        continue;
      }
      try {
        scores.apply(current, StreamRecords.event(dynamodb.get("NewImage")), sequence);
      } catch (RuntimeException e) {
        // The exception message may quote event properties: log the type and ids only.
        LOG.error("scoring failed", Map.of("sequence", sequence, "exception", e.getClass().getName(),
            "eventId", dynamodb.path("Keys").path("eventId").path("S").asText()));
        failures.addObject().put("itemIdentifier", sequence);
        break;
      }
    }
    return response;
  }
}
