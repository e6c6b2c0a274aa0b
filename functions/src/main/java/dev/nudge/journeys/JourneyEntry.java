package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactJson;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Workflow;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts a journey if the workflow's entry rules allow it: the workflow takes entries (not paused
 * or archived), the contact is in its audience, has no active journey in it, and re-entry allows
 * another one. The execution name comes from (workflow, contact, trigger id), so the same trigger
 * delivered again starts nothing even if the checks raced.
 *
 * <p>The checks read journey records and then start: two triggers of one contact racing could
 * both pass. The router does not race with itself for one contact (the events stream is ordered
 * per contact, one batch at a time per shard); the scheduler's triggers have their own ids.
 */
public final class JourneyEntry {
  public enum Result { STARTED, DUPLICATE, NOT_TAKING_ENTRIES, NO_CONTACT, NOT_IN_AUDIENCE, ALREADY_ACTIVE, REENTRY_REFUSED,
    /** Refused by the caller's own check of the profile ({@link PreEntryCheck}); the reason is in the attempt. */
    REFUSED_BY_CALLER }

  /**
   * A caller's own condition on the profile the entry reads anyway (a broadcast's list and filter),
   * so the profile is read once: the reason to refuse, or null to go on. {@code requestedId} is the
   * id asked for; {@code contact} the profile it resolved to (another id after a merge).
   */
  public interface PreEntryCheck {
    String refusal(String requestedId, Contact contact);
  }

  /**
   * An entry's result and, when the contact's journeys in the workflow refused it
   * ({@code ALREADY_ACTIVE}, {@code REENTRY_REFUSED}), the trigger ids that started them: a caller
   * that entered the contact before under a trigger id of its own (a broadcast page running again)
   * tells its own journey from another without reading them again.
   */
  public record Attempt(Result result, List<String> refusedBy, String reason) {
    public Attempt {
      refusedBy = List.copyOf(refusedBy);
    }

    public Attempt(Result result, List<String> refusedBy) {
      this(result, refusedBy, null);
    }

    static Attempt of(Result result) {
      return new Attempt(result, List.of());
    }
  }

  private final ContactRepository contacts;
  private final JourneyRecords journeys;
  private final JourneyStore markers;
  private final Executions executions;
  private final Clock clock;
  private final java.util.function.BiPredicate<String, String> memberOf;

  public JourneyEntry(ContactRepository contacts, JourneyRecords journeys, JourneyStore markers, Executions executions,
      Clock clock) {
    this(contacts, journeys, markers, executions, clock, (segment, contactId) -> false);
  }

  /** {@code memberOf}: (segment, contact id) → membership, for audiences naming segments. */
  public JourneyEntry(ContactRepository contacts, JourneyRecords journeys, JourneyStore markers, Executions executions,
      Clock clock, java.util.function.BiPredicate<String, String> memberOf) {
    this.memberOf = memberOf;
    this.contacts = contacts;
    this.journeys = journeys;
    this.markers = markers;
    this.executions = executions;
    this.clock = clock;
  }

  /**
   * @param contactId the contact (an anonymous id merged into another resolves to that one)
   * @param triggerId what makes this entry unique: the event id, or the date trigger's occurrence
   * @param trigger the document passed to the journey as {@code $.trigger}
   */
  public Result enter(PublishedWorkflows.Live live, String contactId, String triggerId, JsonNode trigger) {
    return attempt(live, contactId, triggerId, trigger, (ContactRepository.Including) null).result();
  }

  /**
   * As {@link #enter(PublishedWorkflows.Live, String, String, JsonNode)}, the audience seeing the
   * contact's counters as of {@code including} (the triggering event, counted or not yet; null: as stored).
   */
  public Result enter(PublishedWorkflows.Live live, String contactId, String triggerId, JsonNode trigger,
      ContactRepository.Including including) {
    return attempt(live, contactId, triggerId, trigger, including).result();
  }

  /** As {@link #enter}, telling which journeys refused the entry. */
  public Attempt attempt(PublishedWorkflows.Live live, String contactId, String triggerId, JsonNode trigger) {
    return attempt(live, contactId, triggerId, trigger, null, null);
  }

  /** As {@link #attempt(PublishedWorkflows.Live, String, String, JsonNode)}, refused first by {@code check}. */
  public Attempt attempt(PublishedWorkflows.Live live, String contactId, String triggerId, JsonNode trigger,
      PreEntryCheck check) {
    return attempt(live, contactId, triggerId, trigger, null, check);
  }

  private Attempt attempt(PublishedWorkflows.Live live, String contactId, String triggerId, JsonNode trigger,
      ContactRepository.Including including) {
    return attempt(live, contactId, triggerId, trigger, including, null);
  }

  private Attempt attempt(PublishedWorkflows.Live live, String contactId, String triggerId, JsonNode trigger,
      ContactRepository.Including including, PreEntryCheck check) {
    if (!live.takesEntries()) {
      return Attempt.of(Result.NOT_TAKING_ENTRIES);
    }
    Optional<Contact> found = resolve(contactId, including);
    if (found.isEmpty()) {
      return Attempt.of(Result.NO_CONTACT);
    }
    Contact contact = found.get();
    String refusal = check == null ? null : check.refusal(contactId, contact);
    if (refusal != null) {
      return new Attempt(Result.REFUSED_BY_CALLER, List.of(), refusal);
    }
    Workflow workflow = live.workflow();
    Instant now = clock.instant();
    if (!inAudience(workflow.audience(), contact, now)
        || workflow.audience() != null
            && !workflow.audience().inSegments().stream().allMatch(segment -> memberOf.test(segment, contact.id()))) {
      return Attempt.of(Result.NOT_IN_AUDIENCE);
    }
    List<JourneyRecord> previous = journeys.forContact(contact.id(), workflow.id());
    String name = ExecutionNames.of(workflow.id(), contact.id(), triggerId);
    if (previous.stream().anyMatch(JourneyRecord::active)) {
      return new Attempt(Result.ALREADY_ACTIVE, triggerIds(previous.stream().filter(JourneyRecord::active).toList(),
          name, triggerId));
    }
    if (!reentryAllows(workflow.reentry(), previous, now)) {
      return new Attempt(Result.REENTRY_REFUSED, triggerIds(previous, name, triggerId));
    }
    ObjectNode input = Json.object();
    input.putObject("contact").put("id", contact.id());
    input.set("trigger", trigger);
    // The active marker (the step actions' JourneyStore, sk A#<workflow>) makes "one active journey"
    // race-free; the same execution name may claim it again, so a replay gets as far as Step Functions.
    if (!markers.claimActive(contact.id(), workflow.id(), name, now)) {
      return Attempt.of(Result.ALREADY_ACTIVE);
    }
    Executions.Start start;
    try {
      start = executions.start(live.meta().aliasArn(), name, input);
    } catch (RuntimeException e) {
      markers.releaseActive(contact.id(), workflow.id(), name);
      throw e;
    }
    if (!start.started()) {
      // The execution exists: running (the marker is its own) or ended (the marker must not outlive it).
      if (journeys.forContact(contact.id(), workflow.id()).stream()
          .noneMatch(j -> j.active() && j.executionArn().endsWith(":" + name))) {
        markers.releaseActive(contact.id(), workflow.id(), name);
      }
      return Attempt.of(Result.DUPLICATE);
    }
    boolean recorded = journeys.started(new JourneyRecord(contact.id(), workflow.id(),
        Integer.toString(live.meta().liveVersion()), start.executionArn(), triggerId,
        JourneyRecord.Status.ACTIVE, null, now, null, null, null, null));
    return Attempt.of(recorded ? Result.STARTED : Result.DUPLICATE);
  }

  /**
   * The trigger ids of {@code refusing} journeys. A journey whose start was not recorded (the
   * process died between StartExecution and the record, so only the Enter state's record exists,
   * without a trigger id) is recognised by its execution name: if it is {@code name}, this very
   * trigger started it.
   */
  private static List<String> triggerIds(List<JourneyRecord> refusing, String name, String triggerId) {
    return refusing.stream().map(j -> j.triggerId() != null ? j.triggerId()
        : j.executionArn() != null && (j.executionArn().equals(name) || j.executionArn().endsWith(":" + name))
            ? triggerId : null).filter(Objects::nonNull).toList();
  }

  /** Frees the active marker of an ended journey, so the contact may enter the workflow again. */
  public void released(String contactId, String workflowId, String executionArn) {
    markers.releaseActive(contactId, workflowId, JourneyStore.executionName(executionArn));
  }

  /** The profile, following a merge of an anonymous contact into a known one. */
  public Optional<Contact> resolve(String contactId) {
    return resolve(contactId, null);
  }

  private Optional<Contact> resolve(String contactId, ContactRepository.Including including) {
    Optional<Contact> contact = contacts.find(contactId, including);
    if (contact.isPresent() && contact.get().mergedInto() != null) {
      return contacts.find(contact.get().mergedInto(), including);
    }
    return contact;
  }

  /** As {@link #inAudience(Workflow.Audience, Contact, Instant)} with the score as last stored. */
  static boolean inAudience(Workflow.Audience audience, Contact contact) {
    return inAudience(audience, contact, contact.scoreDecay() == null ? Instant.EPOCH : contact.scoreDecay().at());
  }

  /** {@code now}: the instant the lead score is read at (it decays lazily since it was stored). */
  static boolean inAudience(Workflow.Audience audience, Contact contact, Instant now) {
    if (audience == null) {
      return true;
    }
    if (audience.where() != null && !audience.where().matches(ContactJson.contact(contact)
        .put("leadScore", contact.leadScore(now)))) {
      return false;
    }
    if (!contact.lists().containsAll(audience.inLists())) {
      return false;
    }
    if (audience.notInLists().stream().anyMatch(contact.lists()::contains)) {
      return false;
    }
    if (audience.consent() != null) {
      return Channel.fromWire(audience.consent()).map(contact::reachableBy).orElse(false);
    }
    return true;
  }

  static boolean reentryAllows(Workflow.Reentry reentry, List<JourneyRecord> previous, Instant now) {
    if (previous.isEmpty()) {
      return true;
    }
    Workflow.Reentry rule = reentry == null ? Workflow.Reentry.NEVER : reentry;
    return switch (rule.mode()) {
      case ALWAYS -> true;
      case NEVER -> false;
      case COOLDOWN -> previous.stream().map(JourneyRecord::endedAt).filter(Objects::nonNull)
          .max(Instant::compareTo).map(last -> !now.isBefore(last.plus(rule.cooldown()))).orElse(true);
    };
  }
}
