package dev.nudge.journeys.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventCounters;
import dev.nudge.journeys.Executions;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.JourneyRecord;
import dev.nudge.journeys.JourneyRecords;
import dev.nudge.journeys.PublishedWorkflows;
import dev.nudge.journeys.WaitRegistrations;
import dev.nudge.platform.Log;
import dev.nudge.platform.Times;
import dev.nudge.stats.Metric;
import dev.nudge.stats.Metrics;
import dev.nudge.stats.StepStats;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Workflow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one new event does to journeys, in this order: it ends the journeys whose goal or exit it
 * is, resumes the journeys waiting for it, then starts the journeys it triggers (so an event that
 * is both a workflow's trigger and its goal does not end the journey it just started).
 */
public final class Router {
  public static final String GOAL_ERROR = "Nudge.Goal";
  public static final String EXIT_ERROR = "Nudge.Exit";
  /** The event that starts list-triggered journeys; {@code properties.list} names the list. */
  public static final String LIST_JOINED = "list.joined";

  /** What the router did with one event; tests and logs read it. */
  public record Routed(List<String> ended, List<String> resumed, Map<String, JourneyEntry.Result> entries) {}

  private static final Routed NOTHING = new Routed(List.of(), List.of(), Map.of());

  private final PublishedWorkflows workflows;
  private final JourneyEntry entry;
  private final JourneyRecords journeys;
  private final WaitRegistrations waits;
  private final Executions executions;
  private final Clock clock;
  private final StepStats stats;
  private final dev.nudge.messaging.ConfirmationMailer confirmations;
  private final EventCounters counters;
  /**
   * The events this router routed lately, per (contact, type): padded stream sequence number →
   * occurredAt. The stream is ordered per contact, so these are all of the contact's events of the
   * type since the instance started; the audience check counts those the consumer has not (the
   * counter's own sequence number tells which). Bounded: a contact quiet for longer than the
   * consumer's lag has nothing here that matters.
   */
  private final Map<String, java.util.NavigableMap<String, Instant>> seen =
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, java.util.NavigableMap<String, Instant>> eldest) {
          return size() > SEEN_CONTACT_TYPES;
        }
      };
  private static final int SEEN_CONTACT_TYPES = 10_000;
  private static final int SEEN_PER_CONTACT_TYPE = 100;
  private final Log log = new Log("router");

  public Router(PublishedWorkflows workflows, JourneyEntry entry, JourneyRecords journeys, WaitRegistrations waits,
      Executions executions, Clock clock) {
    this(workflows, entry, journeys, waits, executions, clock, null);
  }

  /** {@code stats}: where journey counters go; null when the stack keeps no statistics table. */
  public Router(PublishedWorkflows workflows, JourneyEntry entry, JourneyRecords journeys, WaitRegistrations waits,
      Executions executions, Clock clock, StepStats stats) {
    this(workflows, entry, journeys, waits, executions, clock, stats, null);
  }

  /** {@code confirmations}: sends double opt-in confirmations for pending subscriptions; null sends none. */
  public Router(PublishedWorkflows workflows, JourneyEntry entry, JourneyRecords journeys, WaitRegistrations waits,
      Executions executions, Clock clock, StepStats stats, dev.nudge.messaging.ConfirmationMailer confirmations) {
    this(workflows, entry, journeys, waits, executions, clock, stats, confirmations, null);
  }

  /**
   * {@code counters}: creates the profile of a contact id tracked without one when its event comes
   * before the contact-state consumer has created it; null routes such an event to nothing.
   */
  public Router(PublishedWorkflows workflows, JourneyEntry entry, JourneyRecords journeys, WaitRegistrations waits,
      Executions executions, Clock clock, StepStats stats, dev.nudge.messaging.ConfirmationMailer confirmations,
      EventCounters counters) {
    this.counters = counters;
    this.confirmations = confirmations;
    this.stats = stats;
    this.workflows = workflows;
    this.entry = entry;
    this.journeys = journeys;
    this.waits = waits;
    this.executions = executions;
    this.clock = clock;
  }

  /**
   * @param event the event document: {@code id}, {@code type}, {@code contactId}, {@code properties},
   *     {@code occurredAt} (the shape filters and {@code $.trigger} see)
   */
  /** Called once per stream batch: reloads the published workflows if any was published or changed status. */
  public void refreshWorkflows() {
    workflows.checkRevision();
  }

  /** Routes an event that came without a stream record: audiences see the counters as stored. */
  public Routed route(JsonNode event) {
    return route(event, null);
  }

  /**
   * Routes the event of the stream record {@code sequence}. The audience of a workflow it triggers
   * sees the contact's counters including this event, whether or not the contact-state consumer
   * (the stream's other reader) has counted it yet: a trigger's audience may ask for the first
   * order ({@code events.order.completed.count: 1}). So do the earlier events of the type this
   * router routed (it remembers the recent ones, see {@link #seen}) that the consumer has not
   * counted yet either: a second order arriving before the first is counted is not a first.
   */
  public Routed route(JsonNode event, String sequence) {
    String type = event.path("type").asText();
    String eventId = event.path("id").asText();
    String source = event.path("contactId").asText();
    boolean confirmation = confirmations != null && type.equals(dev.nudge.contacts.ContactService.CONSENT_EVENT)
        && event.path("properties").path("status").asText().equals("pending")
        && event.path("properties").path("channel").asText().equals("email");
    List<PublishedWorkflows.Live> live = workflows.current();
    if (!confirmation && !actsOn(live, type)) {
      // Most events (page views...) start, end and resume nothing: no read at all for them.
      return NOTHING;
    }
    Optional<Contact> contact = entry.resolve(source);
    if (contact.isEmpty() && counters != null && counters.ensureProfile(source, eventId)) {
      // A contact id tracked before it had a profile: created here if the other consumer has not yet.
      contact = entry.resolve(source);
    }
    if (contact.isEmpty()) {
      return NOTHING;
    }
    String position = sequence == null ? null : EventCounters.padded(sequence);
    ContactRepository.Including including = position == null ? null
        : new ContactRepository.Including(source, type, seen(source, type, position, occurredAt(event)));
    String contactId = contact.get().id();
    JsonNode trigger = null; // made for the first workflow the event starts
    if (confirmation) {
      confirmations.sendIfPending(contactId);
    }
    List<String> ended = end(live, contactId, event, type);
    List<String> resumed = resume(contactId, event, type);
    Map<String, JourneyEntry.Result> entries = new java.util.LinkedHashMap<>();
    for (PublishedWorkflows.Live w : live) {
      if (triggers(w.workflow().trigger(), type, event)) {
        if (trigger == null) {
          trigger = asTrigger(event, position);
        }
        JourneyEntry.Result result = entry.enter(w, contactId, "event:" + eventId, trigger, including);
        entries.put(w.id(), result);
        if (result == JourneyEntry.Result.STARTED) {
          Metrics.count(Metric.JOURNEYS_STARTED, clock.instant(), Metrics.dims("Workflow", w.id()));
          if (stats != null) {
            stats.count(w.id(), Integer.toString(w.meta().liveVersion()), StepStats.JOURNEY, "started",
                StepStats.journeyStartKey(w.id(), contactId, "event:" + eventId), clock.instant());
          }
        }
        log.info("entry", Map.of("workflow", w.id(), "contactId", contactId, "eventId", eventId, "result", result));
      }
    }
    return new Routed(ended, resumed, entries);
  }

  /**
   * The journey's {@code $.trigger}: the event with its stream position ({@code sequence}), so a
   * branch run before the contact-state consumer counts it still sees it (StepActions.branch).
   */
  private static JsonNode asTrigger(JsonNode event, String position) {
    if (position == null || !event.isObject()) {
      return event;
    }
    return ((com.fasterxml.jackson.databind.node.ObjectNode) event.deepCopy()).put("sequence", position);
  }

  private List<String> end(List<PublishedWorkflows.Live> live, String contactId, JsonNode event, String type) {
    List<String> ended = new ArrayList<>();
    for (PublishedWorkflows.Live w : live) {
      if (!w.runsJourneys()) {
        continue;
      }
      Workflow.Goal goal = w.workflow().goal();
      boolean isGoal = goal != null && goal.event().equals(type) && matches(goal.where(), event);
      boolean isExit = w.workflow().exits().stream().anyMatch(x -> x.event().equals(type) && matches(x.where(), event));
      if (!isGoal && !isExit) {
        continue;
      }
      for (JourneyRecord journey : journeys.forContact(contactId, w.id())) {
        Instant at = occurredAt(event);
        boolean converted = isGoal && (goal.within() == null || !at.isAfter(journey.startedAt().plus(goal.within())));
        if (!journey.active()) {
          if (converted && journey.outcome() == JourneyRecord.Outcome.COMPLETED && journey.convertedAt() == null
              && !at.isBefore(journey.startedAt())) {
            convertedAfterCompletion(w, journey, at);
          }
          continue;
        }
        executions.stop(journey.executionArn(), isGoal ? GOAL_ERROR : EXIT_ERROR,
            (isGoal ? "goal " : "exit ") + type + " event " + event.path("id").asText());
        journeys.ended(contactId, w.id(), journey.executionArn(),
            converted ? JourneyRecord.Outcome.CONVERTED : JourneyRecord.Outcome.EXITED, clock.instant(),
            converted ? at : null, null);
        entry.released(contactId, w.id(), journey.executionArn());
        ended.add(journey.executionArn());
        Metrics.count(converted ? Metric.JOURNEYS_CONVERTED : Metric.JOURNEYS_EXITED, clock.instant(),
            Metrics.dims("Workflow", w.id()));
        if (stats != null) {
          boolean first = stats.count(w.id(), journey.version(), StepStats.JOURNEY, converted ? "converted" : "exited",
              journey.executionArn(), clock.instant());
          if (first && converted && journey.startedAt() != null) {
            countTimeToConversion(w, journey, at);
          }
        }
        log.info("ended", Map.of("workflow", w.id(), "contactId", contactId, "execution", journey.executionArn(),
            "converted", converted));
      }
    }
    return ended;
  }

  /**
   * A goal reached after the journey ran to its end, inside the conversion window, is still the
   * journey's conversion (the last e-mail is often the one that converts): recorded on the journey
   * once and counted once, under the same marker as an in-flight conversion.
   */
  private void convertedAfterCompletion(PublishedWorkflows.Live w, JourneyRecord journey, Instant at) {
    if (!journeys.convertedAfterCompletion(journey.contactId(), w.id(), journey.executionArn(), at)) {
      return;
    }
    Metrics.count(Metric.JOURNEYS_CONVERTED, clock.instant(), Metrics.dims("Workflow", w.id()));
    if (stats != null && stats.count(w.id(), journey.version(), StepStats.JOURNEY, "converted", journey.executionArn(),
        clock.instant())) {
      countTimeToConversion(w, journey, at);
    }
    log.info("converted after completion", Map.of("workflow", w.id(), "contactId", journey.contactId(),
        "execution", journey.executionArn()));
  }

  private void countTimeToConversion(PublishedWorkflows.Live w, JourneyRecord journey, Instant at) {
    stats.count(w.id(), journey.version(), StepStats.JOURNEY, dev.nudge.stats.ResponseTimes.counter("converted",
        java.time.Duration.between(journey.startedAt(), at).abs()), journey.executionArn(), clock.instant());
  }

  private List<String> resume(String contactId, JsonNode event, String type) {
    List<String> resumed = new ArrayList<>();
    for (WaitRegistrations.Wait wait : waits.waitingFor(contactId, type)) {
      if (!wait.matches(event)) {
        continue;
      }
      // The same output shape as the workflows branch's router core: the Task's result is {"event": ...}.
      com.fasterxml.jackson.databind.node.ObjectNode output = dev.nudge.platform.Json.object();
      output.set("event", event);
      if (executions.resume(wait.taskToken(), output)) {
        resumed.add(wait.executionId());
      }
      // Resumed, or the token is dead (timed out, journey stopped): either way nothing waits on it any more.
      waits.delete(wait);
    }
    return resumed;
  }

  /** Remembers the event and returns the contact's events of the type seen so far, this one the newest. */
  private synchronized java.util.NavigableMap<String, Instant> seen(String contactId, String type, String seq, Instant at) {
    var events = seen.computeIfAbsent(contactId + "\n" + type, k -> new java.util.TreeMap<>());
    events.put(seq, at);
    while (events.size() > SEEN_PER_CONTACT_TYPE) {
      events.pollFirstEntry();
    }
    return events.headMap(seq, true);
  }

  /**
   * Whether an event of {@code type} can start, end or resume a journey: it is a published
   * workflow's trigger, goal or exit, or a {@code waitFor} of any of their versions waits for it.
   */
  private boolean actsOn(List<PublishedWorkflows.Live> live, String type) {
    if (workflows.waitedEvents().contains(type)) {
      return true;
    }
    for (PublishedWorkflows.Live w : live) {
      Workflow workflow = w.workflow();
      if (workflow.trigger() instanceof Workflow.EventTrigger t && t.event().equals(type)
          || workflow.trigger() instanceof Workflow.ListTrigger && LIST_JOINED.equals(type)
          || workflow.goal() != null && workflow.goal().event().equals(type)
          || workflow.exits().stream().anyMatch(x -> x.event().equals(type))) {
        return true;
      }
    }
    return false;
  }

  /** An event trigger, or a list trigger on the {@code list.joined} event naming the list. */
  static boolean triggers(Workflow.Trigger trigger, String type, JsonNode event) {
    if (trigger instanceof Workflow.EventTrigger t) {
      return t.event().equals(type) && matches(t.where(), event);
    }
    if (trigger instanceof Workflow.ListTrigger t) {
      return LIST_JOINED.equals(type)
          && t.list().equals(event.path("properties").path("list").asText(null));
    }
    return false; // date triggers run from the schedule; schedule and API triggers are not wired yet
  }

  private Instant occurredAt(JsonNode event) {
    String text = event.path("occurredAt").asText(null);
    return text == null ? clock.instant() : Times.parse(text);
  }

  private static boolean matches(Filter where, JsonNode event) {
    return where == null || where.matches(event);
  }
}
