package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.messaging.SendLedger;
import dev.nudge.messaging.SendService;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.stats.Metric;
import dev.nudge.stats.Metrics;
import dev.nudge.stats.StepStats;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import dev.nudge.workflows.WorkflowWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the compiled state machines ask the step-actions function to do. The payload is the one
 * {@code AslCompiler} writes: {@code action}, {@code workflow}, {@code step} (definition syntax),
 * {@code settings}, {@code contact.id} and the idempotency key (execution id, state name, entered
 * time). Every action is safe to run twice with the same key.
 */
public final class StepActions {
  private final ContactRepository contacts;
  private final EventRepository events;
  private final JourneyStore journeys;
  private final WaitRegistrations waits;
  private final SendLedger ledger;
  private final SendService sender;
  private final Webhooks webhooks;
  private final Enroller enroller;
  private final Clock clock;
  private final StepStats stats;
  private final Executions resumer;
  private final java.util.function.BiPredicate<String, String> memberOf;
  private final Duration eventRetention;
  private final dev.nudge.contacts.WindowCounters windows;
  /** The template's EventRetentionDays default. */
  static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(400);

  public StepActions(ContactRepository contacts, EventRepository events, JourneyStore journeys,
      WaitRegistrations waits, SendLedger ledger,
      SendService sender, Webhooks webhooks, Enroller enroller, Clock clock) {
    this(contacts, events, journeys, waits, ledger, sender, webhooks, enroller, clock, null);
  }

  /** {@code stats}: the per-step counters; null when the stack keeps no statistics table. */
  public StepActions(ContactRepository contacts, EventRepository events, JourneyStore journeys,
      WaitRegistrations waits, SendLedger ledger,
      SendService sender, Webhooks webhooks, Enroller enroller, Clock clock, StepStats stats) {
    this(contacts, events, journeys, waits, ledger, sender, webhooks, enroller, clock, stats, null);
  }

  /** {@code resumer}: resumes a waitFor whose event arrived before it registered; null looks back at nothing. */
  public StepActions(ContactRepository contacts, EventRepository events, JourneyStore journeys,
      WaitRegistrations waits, SendLedger ledger,
      SendService sender, Webhooks webhooks, Enroller enroller, Clock clock, StepStats stats, Executions resumer) {
    this(contacts, events, journeys, waits, ledger, sender, webhooks, enroller, clock, stats, resumer,
        (segment, contactId) -> false);
  }

  /** {@code memberOf}: (segment, contact id) → membership, for branch conditions on segments. */
  public StepActions(ContactRepository contacts, EventRepository events, JourneyStore journeys,
      WaitRegistrations waits, SendLedger ledger,
      SendService sender, Webhooks webhooks, Enroller enroller, Clock clock, StepStats stats, Executions resumer,
      java.util.function.BiPredicate<String, String> memberOf) {
    this(contacts, events, journeys, waits, ledger, sender, webhooks, enroller, clock, stats, resumer, memberOf,
        DEFAULT_EVENT_RETENTION);
  }

  /** {@code eventRetention}: how long the {@code list.joined}/{@code list.left} events written here are kept. */
  public StepActions(ContactRepository contacts, EventRepository events, JourneyStore journeys,
      WaitRegistrations waits, SendLedger ledger,
      SendService sender, Webhooks webhooks, Enroller enroller, Clock clock, StepStats stats, Executions resumer,
      java.util.function.BiPredicate<String, String> memberOf, Duration eventRetention) {
    this(contacts, events, journeys, waits, ledger, sender, webhooks, enroller, clock, stats, resumer, memberOf,
        eventRetention, null);
  }

  /** {@code windows}: the contacts' day buckets, read by branch conditions over whole-day windows (null: the timeline). */
  public StepActions(ContactRepository contacts, EventRepository events, JourneyStore journeys,
      WaitRegistrations waits, SendLedger ledger,
      SendService sender, Webhooks webhooks, Enroller enroller, Clock clock, StepStats stats, Executions resumer,
      java.util.function.BiPredicate<String, String> memberOf, Duration eventRetention,
      dev.nudge.contacts.WindowCounters windows) {
    this.windows = windows;
    this.eventRetention = eventRetention;
    this.memberOf = memberOf;
    this.resumer = resumer;
    this.stats = stats;
    this.contacts = contacts;
    this.events = events;
    this.journeys = journeys;
    this.waits = waits;
    this.ledger = ledger;
    this.sender = sender;
    this.webhooks = webhooks;
    this.enroller = enroller;
    this.clock = clock;
  }

  private record Call(String action, String workflowId, String contactId, SendLedger.Key key, Step step,
      Workflow.Settings settings, JsonNode payload) {}

  public ObjectNode handle(JsonNode payload) {
    Call call = read(payload);
    if (call.step() != null) {
      journeys.at(call.contactId(), call.workflowId(), call.key().executionId(), call.step().id());
      // A send outside its window comes back to its Task when the window opens: it counts as
      // entered once, when it is decided (sent, skipped, failed), and as deferred each time it waits.
      if (!call.action().equals("send")) {
        count(call, "entered");
      }
    }
    Instant now = clock.instant();
    ObjectNode result = Json.object();
    switch (call.action()) {
      case "enter" -> {
        // The published version, as the router records it and counts the journey's outcome
        // under it; definitions compiled without one (tests) fall back to the state machine.
        journeys.started(call.contactId(), call.workflowId(), call.key().executionId(),
            payload.hasNonNull("version") ? payload.get("version").asText() : payload.path("stateMachineId").asText(null),
            now);
        result.put("bucket", Buckets.of(call.workflowId(), call.contactId()));
      }
      case "send" -> send(call, now, result);
      case "timer" -> result.put("at", timestamp(timer(call, now)));
      case "waitFor" -> waitFor(call, now);
      case "branch" -> result.put("case", branch(call, now));
      case "update" -> update(call, now);
      case "enroll" -> enroller.enroll(((Step.Enroll) call.step().action()).workflow(), call.contactId(),
          executionName(call), call.workflowId());
      case "webhook" -> webhook(call, now);
      case "exit" -> journeys.ended(call.contactId(), call.workflowId(), call.key().executionId(),
          JourneyStore.Status.EXITED, null, now);
      case "complete" -> complete(call, now);
      case "fail" -> {
        JsonNode error = payload.path("error");
        Metrics.count(Metric.JOURNEYS_FAILED, now, Metrics.dims("Workflow", call.workflowId()));
        journeys.ended(call.contactId(), call.workflowId(), call.key().executionId(), JourneyStore.Status.FAILED,
            error.path("Error").asText("unknown") + ": " + error.path("Cause").asText(""), now);
      }
      default -> throw new IllegalArgumentException("unknown action " + call.action());
    }
    return result;
  }

  private static Call read(JsonNode payload) {
    String action = required(payload, "action");
    String workflowId = required(payload, "workflow");
    String contactId = required(payload.path("contact"), "id");
    SendLedger.Key key = new SendLedger.Key(required(payload, "executionId"), required(payload, "stateName"),
        required(payload, "stateEnteredTime"));
    Step step = payload.hasNonNull("step") ? WorkflowParser.parseStep(payload.get("step")) : null;
    Workflow.Settings settings = payload.hasNonNull("settings")
        ? WorkflowParser.parseSettings(payload.get("settings")) : Workflow.Settings.DEFAULT;
    return new Call(action, workflowId, contactId, key, step, settings, payload);
  }

  private static String required(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException("payload field " + field + " is required");
    }
    return value.asText();
  }

  private Optional<Contact> contact(Call call) {
    return contacts.find(call.contactId());
  }

  private void send(Call call, Instant now, ObjectNode result) {
    Optional<Contact> contact = contact(call);
    if (contact.isEmpty()) {
      count(call, "entered");
      result.put("status", "skipped").put("resumeAt", timestamp(now)).put("reason", "no-contact");
      return;
    }
    JsonNode trigger = call.payload().path("trigger");
    SendService.Outcome outcome = sender.send(new SendService.Request(call.workflowId(),
        call.payload().path("version").asText(null), (Step.Message) call.step().action(),
        call.settings(), contact.get(), call.key(), trigger.isObject() ? (ObjectNode) trigger : null));
    count(call, outcome.status() == SendService.Status.DEFERRED ? "deferred" : "entered");
    recordMetrics(call, outcome, trigger, now);
    result.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
    result.put("resumeAt", timestamp(outcome.resumeAt()));
    if (outcome.reason() != null) {
      result.put("reason", outcome.reason());
    }
    if (outcome.messageId() != null) {
      result.put("messageId", outcome.messageId());
    }
  }

  /**
   * A send counts once. A retried Task finds the ledger and answers {@code already-sent}: its
   * metrics count nothing, and its step count is made again, which the count's marker turns into
   * nothing, unless the first attempt died between the ledger and the count (found by killing the
   * local cloud mid-sends), which it completes.
   */
  private void recordMetrics(Call call, SendService.Outcome outcome, JsonNode trigger, Instant now) {
    String channel = ((Step.Message) call.step().action()).channel();
    String status = outcome.status().name();
    if (status.equals("SENT") && "already-sent".equals(outcome.reason())) {
      count(call, "sent");
    } else if (status.equals("SENT")) {
      count(call, "sent");
      Metrics.count(Metric.MESSAGES_SENT, now, Metrics.dims("Channel", channel, "Workflow", call.workflowId(),
          "Step", call.step().id()));
      String occurredAt = trigger.path("occurredAt").asText(null);
      if (occurredAt != null) {
        Metrics.record(Metric.EVENT_TO_SEND_LATENCY, Duration.between(Times.parse(occurredAt), now).toMillis(), now,
            Metrics.dims("Channel", channel));
      }
    } else if (status.equals("SKIPPED")) {
      count(call, "skipped-" + outcome.reason());
      Metrics.count(Metric.MESSAGES_SKIPPED, now, Metrics.dims("Channel", channel, "Reason", outcome.reason()));
    } else if (status.equals("FAILED")) {
      count(call, "failed");
      Metrics.count(Metric.MESSAGES_FAILED, now, Metrics.dims("Channel", channel));
    }
  }

  /**
   * Counts once per step entry: the idempotency key (execution, state, entered time) is the
   * marker, so a retried Task counts nothing and a loop back into the step counts again.
   */
  private void count(Call call, String counter) {
    if (stats == null || call.step() == null) {
      return;
    }
    stats.count(call.workflowId(), call.payload().path("version").asText("all"), call.step().id(), counter,
        call.key().executionId() + "/" + call.key().stateName() + "/" + call.key().enteredTime(), clock.instant());
  }

  private Instant timer(Call call, Instant now) {
    Contact contact = contact(call).orElse(null);
    var zone = contact == null ? java.time.ZoneId.of(call.settings().timezone()) : SendService.contactZone(call.settings(), contact);
    Step.Action action = call.step().action();
    if (action instanceof Step.WaitUntilTime w) {
      return Timers.nextTimeOfDay(now, w, zone);
    }
    Step.WaitUntilDate w = (Step.WaitUntilDate) action;
    Optional<String> value = Optional.ofNullable(contact).map(c -> c.attributes().get(w.attribute()))
        .filter(Attribute.Text.class::isInstance).map(a -> ((Attribute.Text) a).value());
    return Timers.untilDate(now, w, value, zone);
  }

  private void waitFor(Call call, Instant now) {
    Step.WaitFor w = (Step.WaitFor) call.step().action();
    String token = required(call.payload(), "taskToken");
    String messageId = w.step() == null ? null : ledger.lastMessageId(call.key().executionId(), w.step()).orElse(null);
    String where = w.where().isEmpty() ? null : Json.write(WorkflowWriter.filter(w.where()));
    // The registration outlives the timeout by a day so a late event still finds (and skips) it.
    WaitRegistrations.Wait wait = new WaitRegistrations.Wait(call.contactId(), w.event(), call.key().executionId(),
        call.key().stateName(), call.workflowId(), token, messageId, where, now.plus(w.timeout()).plus(Duration.ofDays(1)));
    waits.register(wait);
    lookBack(call, wait);
  }

  /**
   * The race the router cannot see: the awaited event (an open of the step's e-mail, often within
   * seconds of delivery) may have been stored before this registration, so the router found no
   * wait for it. Look back at the contact's events and resume with the earliest match, in the
   * output shape the router uses. Events tied to a message can only follow its send; others count
   * from when this state was entered. Should the router resume the same token at the same moment,
   * Step Functions accepts the first and refuses the second (the task is no longer waiting).
   */
  private void lookBack(Call call, WaitRegistrations.Wait wait) {
    if (resumer == null) {
      return;
    }
    Instant since = wait.messageId() != null ? Instant.EPOCH : parseOrNull(call.key().enteredTime());
    if (since == null) {
      return;
    }
    ObjectNode earliest = null;
    for (dev.nudge.contacts.TrackedEvent e : events.timeline(List.of(call.contactId()), 200)) {
      if (e.receivedAt().isBefore(since)) {
        break; // newest first: everything after this is older still
      }
      ObjectNode document = Json.object();
      document.put("id", e.eventId()).put("type", e.type()).put("contactId", e.contactId());
      document.set("properties", e.properties() == null ? Json.object() : e.properties());
      document.put("occurredAt", Times.format(e.occurredAt())).put("source", e.source());
      if (wait.matches(document)) {
        earliest = document;
      }
    }
    if (earliest != null) {
      ObjectNode output = Json.object();
      output.set("event", earliest);
      resumer.resume(wait.taskToken(), output);
      waits.delete(wait);
    }
  }

  private static Instant parseOrNull(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The triggering event as a branch must count it: the router stamps the event's stream position
   * on {@code $.trigger} ({@code sequence}), and a counter that has not applied it yet (the
   * contact-state consumer may lag the journey's first steps) gets it added, nothing written. Null
   * for journeys not started by an event.
   */
  static ContactRepository.Including triggeringEvent(JsonNode trigger) {
    if (!trigger.path("sequence").isTextual() || !trigger.path("type").isTextual() || !trigger.path("contactId").isTextual()) {
      return null;
    }
    Instant at = parseOrNull(trigger.path("occurredAt").asText(""));
    if (at == null) {
      return null;
    }
    return new ContactRepository.Including(trigger.get("contactId").asText(), trigger.get("type").asText(),
        new java.util.TreeMap<>(Map.of(trigger.get("sequence").asText(), at)));
  }

  private int branch(Call call, Instant now) {
    Step.Branch b = (Step.Branch) call.step().action();
    ContactRepository.Including trigger = triggeringEvent(call.payload().path("trigger"));
    Optional<Contact> contact = trigger == null ? contact(call) : contacts.find(call.contactId(), trigger);
    if (contact.isEmpty()) {
      return -1;
    }
    // The anonymous ids merged into the contact keep their events and day buckets: both count.
    List<String> ids = new java.util.ArrayList<>(contact.get().mergedIds());
    ids.add(0, call.contactId());
    ConditionEvaluator evaluator = new ConditionEvaluator(contact.get(),
        () -> events.timeline(ids, 1000), now, segment -> memberOf.test(segment, contact.get().id()),
        windows == null ? null : windows.reader(ids, trigger, call.payload().path("trigger").path("properties")));
    for (int i = 0; i < b.cases().size(); i++) {
      if (evaluator.matches(b.cases().get(i).when())) {
        return i;
      }
    }
    return -1;
  }

  private void update(Call call, Instant now) {
    Step.Update u = (Step.Update) call.step().action();
    Optional<Contact> before = contact(call);
    if (before.isEmpty()) {
      return;
    }
    Map<String, Optional<Attribute>> attributes = new LinkedHashMap<>();
    u.set().forEach((name, value) -> attributes.put(name, Optional.of(attribute(value))));
    u.unset().forEach(name -> attributes.put(name, Optional.empty()));
    listChanges(call, before.get(), u.addToLists(), u.removeFromLists(), now);
    contacts.update(call.contactId(), new ProfileUpdate(null, null, attributes, null, null,
        Set.copyOf(u.addToLists()), Set.copyOf(u.removeFromLists()), null, Map.of()), now);
    // Setting is naturally idempotent; adding is not, so the score change claims the step entry first.
    if (u.addScore() != 0 && ledger.claim(call.key(), call.contactId(), "score", now).isEmpty()) {
      contacts.addLeadScore(call.contactId(), u.addScore(), now);
    }
  }

  /**
   * Writes {@code list.joined} for each list the contact joins and {@code list.left} for each they
   * leave (what the lists API and identify write, so a {@code list:} trigger starts whichever way
   * the contact joined), compared with the profile read before the change, and before the profile
   * is changed: the event's id derives from the step entry, so a retried Task that died after the
   * event writes the same id again (nothing), and one that died after the profile change finds
   * nothing left to change and writes nothing. Either way, once per membership change.
   */
  private void listChanges(Call call, Contact before, List<String> add, List<String> remove, Instant now) {
    String entry = idempotencyKey(call).substring(0, 32);
    for (String list : add) {
      // DELETE follows ADD in the profile update: a list in both ends up removed.
      if (!before.lists().contains(list) && !remove.contains(list)) {
        listEvent(call, dev.nudge.audiences.ListMembers.JOINED, list, entry, now);
      }
    }
    for (String list : remove) {
      if (before.lists().contains(list)) {
        listEvent(call, dev.nudge.audiences.ListMembers.LEFT, list, entry, now);
      }
    }
  }

  private void listEvent(Call call, String type, String list, String entry, Instant now) {
    // Counted by the events stream's contact-state consumer, like every stored event.
    events.putIfAbsent(new dev.nudge.contacts.TrackedEvent(call.contactId(), type + ":" + list + ":" + entry, type,
        Json.object().put("list", list).put("workflow", call.workflowId()), now, now, "workflow"), now.plus(eventRetention));
  }

  private static Attribute attribute(JsonNode value) {
    if (value.isNumber()) {
      return new Attribute.Number(value.decimalValue());
    }
    if (value.isBoolean()) {
      return new Attribute.Flag(value.asBoolean());
    }
    return new Attribute.Text(value.asText());
  }

  private void webhook(Call call, Instant now) {
    ObjectNode body = Json.object();
    body.put("workflow", call.workflowId());
    body.put("step", call.step().id());
    body.putObject("contact").put("id", call.contactId());
    if (call.payload().path("trigger").isObject()) {
      body.set("trigger", call.payload().get("trigger"));
    }
    body.put("executionId", call.key().executionId());
    body.put("sentAt", Times.format(now));
    webhooks.call((Step.Webhook) call.step().action(), body, idempotencyKey(call));
  }

  private void complete(Call call, Instant now) {
    boolean ended = journeys.ended(call.contactId(), call.workflowId(), call.key().executionId(),
        JourneyStore.Status.COMPLETED, null, now);
    // A retried Task finds the journey ended already: count it then too (the marker keeps it to
    // one), so a crash between the end and the count loses nothing.
    if (stats != null && (ended || journeys.find(call.contactId(), call.workflowId(), call.key().executionId())
        .map(j -> j.status().equals(JourneyStore.Status.COMPLETED.wireName())).orElse(false))) {
      stats.count(call.workflowId(), call.payload().path("version").asText("all"), StepStats.JOURNEY, "completed",
          call.key().executionId(), now);
    }
    Workflow.OnEnd onEnd = call.settings().onEnd();
    Optional<Contact> contact = ended && onEnd != null ? contact(call) : Optional.empty();
    if (contact.isPresent()) {
      listChanges(call, contact.get(), List.of(onEnd.list()), onEnd.move() ? List.of(onEnd.from()) : List.of(), now);
      contacts.update(call.contactId(), new ProfileUpdate(null, null, Map.of(), null, null, Set.of(onEnd.list()),
          onEnd.move() ? Set.of(onEnd.from()) : Set.of(), null, Map.of()), now);
    }
  }

  private static String idempotencyKey(Call call) {
    return sha256(call.key().executionId() + "\n" + call.key().stateName() + "\n" + call.key().enteredTime());
  }

  /** Execution names allow 80 characters: a hash of the enrolling step's key fits and is stable. */
  private static String executionName(Call call) {
    return "enroll-" + idempotencyKey(call).substring(0, 40);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 3339 in UTC to the second, as Wait's TimestampPath wants. */
  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
