package dev.nudge.audiences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.EventRepository;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fires the per-contact timers that are due (on an EventBridge schedule): a score's decay below a
 * threshold today. Every timer due is read however late the run, so a missed run is caught up by
 * the next; firing is idempotent, so a timer fired twice (a crash before its delete) writes once.
 */
public final class ContactTimersHandler implements RequestStreamHandler {
  private static final Log LOG = new Log("contact-timers");

  private final ContactTimers timers;
  private final Supplier<ScoringRules> rules;
  private final LeadScores scores;
  private final Clock clock;
  private final Supplier<java.util.List<Segment>> segmentDefinitions;
  private final Segments segments;

  public ContactTimersHandler() {
    this(Environment.current());
  }

  private ContactTimersHandler(Environment env) {
    this(new ContactTimers(AwsClients.dynamoDb(), env.require("TIMERS_TABLE")),
        ContactStateHandler.published(new ScoringStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE"))),
        new LeadScores(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE"),
            new EventRepository(AwsClients.dynamoDb(), env.require("EVENTS_TABLE")), env.clock(),
            Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400"))),
            new ContactTimers(AwsClients.dynamoDb(), env.require("TIMERS_TABLE"))), env.clock(),
        new SegmentStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE"))::parsed, ContactStateHandler.segments(env));
  }

  public ContactTimersHandler(ContactTimers timers, Supplier<ScoringRules> rules, LeadScores scores, Clock clock) {
    this(timers, rules, scores, clock, java.util.List::of, null);
  }

  public ContactTimersHandler(ContactTimers timers, Supplier<ScoringRules> rules, LeadScores scores, Clock clock,
      Supplier<java.util.List<Segment>> segmentDefinitions, Segments segments) {
    this.segmentDefinitions = segmentDefinitions;
    this.segments = segments;
    this.timers = timers;
    this.rules = rules;
    this.scores = scores;
    this.clock = clock;
  }

  public ObjectNode run() {
    var due = timers.due(clock.instant());
    ScoringRules current = due.isEmpty() ? ScoringRules.NONE : rules.get();
    java.util.List<Segment> definitions = due.isEmpty() || segments == null ? java.util.List.of() : segmentDefinitions.get();
    int crossed = 0;
    int membershipChanges = 0;
    for (ContactTimers.Timer timer : due) {
      if (timer.name().equals(LeadScores.DECAY_TIMER) && scores.decay(current, timer.contactId())) {
        crossed++;
      }
      if (timer.name().equals(Segments.TIMER) && segments != null) {
        membershipChanges += segments.evaluate(definitions, timer.contactId(),
            "timer-" + dev.nudge.platform.Times.format(timer.dueAt())).size();
      }
      // Deleted only if still due at this time: firing may have armed it again for the next change.
      timers.fired(timer);
    }
    LOG.info("timers", Map.of("due", due.size(), "scoreCrossings", crossed, "membershipChanges", membershipChanges));
    return Json.object().put("due", due.size()).put("scoreCrossings", crossed).put("membershipChanges", membershipChanges);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    Json.mapper().writeValue(output, run());
  }
}
