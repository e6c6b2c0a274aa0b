package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactJson;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.platform.Times;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one stored event does to journeys, in this order: resumes the journeys waiting for it,
 * ends the journeys whose goal or exit it is, and starts the journeys it triggers (honouring
 * entry rules). Replaying the same event has no second effect: a resumed wait is deleted, an
 * ended journey stays ended, and the execution name derived from (workflow, contact, event)
 * makes Step Functions refuse a second start.
 */
public final class Router {
  private static final Log LOG = new Log("router");
  /** The event a list membership produces: {@code list.joined} with {@code properties.list}. */
  public static final String LIST_JOINED = "list.joined";

  /** The Step Functions operations the router needs (the SDK in production). */
  public interface Executions {
    /** Starts on the alias; false if an execution of that name exists already. */
    boolean start(String stateMachineAliasArn, String name, String input);

    /** SendTaskSuccess; false if the token is no longer valid (timed out, execution ended). */
    boolean resume(String taskToken, String output);

    void stop(String executionArn, String error, String cause);
  }

  /** A published workflow: its definition, the alias new journeys start on, and whether entries are paused. */
  public record LiveWorkflow(Workflow workflow, String aliasArn, boolean paused) {}

  public interface Registry {
    List<LiveWorkflow> live();

    Optional<LiveWorkflow> get(String workflowId);
  }

  public record Routed(int resumed, int ended, int started) {}

  private final Registry registry;
  private final ContactRepository contacts;
  private final JourneyStore journeys;
  private final Executions executions;
  private final Clock clock;

  public Router(Registry registry, ContactRepository contacts, JourneyStore journeys, Executions executions, Clock clock) {
    this.registry = registry;
    this.contacts = contacts;
    this.journeys = journeys;
    this.executions = executions;
    this.clock = clock;
  }

  public Routed route(TrackedEvent event) {
    JsonNode document = document(event);
    int resumed = resume(event, document);
    int ended = endJourneys(event, document);
    int started = start(event, document);
    return new Routed(resumed, ended, started);
  }

  private static JsonNode document(TrackedEvent event) {
    ObjectNode doc = Json.object();
    doc.put("id", event.eventId());
    doc.put("type", event.type());
    doc.set("properties", event.properties() == null ? Json.object() : event.properties());
    doc.put("occurredAt", Times.format(event.occurredAt()));
    return doc;
  }

  private int resume(TrackedEvent event, JsonNode document) {
    int resumed = 0;
    Instant now = clock.instant();
    for (JourneyStore.Wait wait : journeys.waitsFor(event.contactId(), event.type())) {
      if (wait.messageId() != null && !wait.messageId().equals(document.path("properties").path("messageId").asText(null))) {
        continue; // about another message than the one this step waits for
      }
      if (wait.where() != null && !filter(wait.where()).matches(document)) {
        continue;
      }
      if (wait.expiresAt().isAfter(now)) {
        ObjectNode output = Json.object();
        output.set("event", document);
        if (executions.resume(wait.taskToken(), Json.write(output))) {
          resumed++;
        }
      }
      journeys.deleteWait(wait);
    }
    return resumed;
  }

  private static Filter filter(String json) {
    try {
      return WorkflowParser.parseFilter(Json.MAPPER.readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored wait filter is unreadable", e);
    }
  }

  private int endJourneys(TrackedEvent event, JsonNode document) {
    int ended = 0;
    for (JourneyStore.Journey journey : journeys.forContact(event.contactId())) {
      if (!journey.status().equals(JourneyStore.Status.ACTIVE.wireName())) {
        continue;
      }
      Optional<LiveWorkflow> live = registry.get(journey.workflowId());
      if (live.isEmpty()) {
        continue;
      }
      Workflow workflow = live.get().workflow();
      Workflow.Goal goal = workflow.goal();
      JourneyStore.Status outcome = null;
      if (goal != null && goal.event().equals(event.type()) && goal.where().matches(document)) {
        boolean inWindow = goal.within() == null || !event.occurredAt().isAfter(journey.startedAt().plus(goal.within()));
        outcome = inWindow ? JourneyStore.Status.CONVERTED : JourneyStore.Status.EXITED;
      } else if (workflow.exits().stream().anyMatch(x -> x.event().equals(event.type()) && x.where().matches(document))) {
        outcome = JourneyStore.Status.EXITED;
      }
      if (outcome != null) {
        // Record first: if the stop fails, the retry finds the journey ended and stops it again.
        journeys.ended(journey.contactId(), journey.workflowId(), journey.executionId(), outcome, null, clock.instant());
        executions.stop(journey.executionId(), "Nudge." + outcome.wireName(), event.type() + " " + event.eventId());
        ended++;
      }
    }
    return ended;
  }

  private int start(TrackedEvent event, JsonNode document) {
    int started = 0;
    Contact contact = null;
    for (LiveWorkflow live : registry.live()) {
      Workflow workflow = live.workflow();
      if (live.paused() || !triggers(workflow.trigger(), event, document)) {
        continue;
      }
      if (contact == null) {
        contact = contacts.find(event.contactId()).orElse(null);
        if (contact == null) {
          return started;
        }
      }
      if (!inAudience(workflow.audience(), contact) || !mayEnter(workflow, contact.id())) {
        continue;
      }
      String name = executionName(workflow.id(), contact.id(), event.eventId());
      if (!journeys.claimActive(contact.id(), workflow.id(), name, clock.instant())) {
        continue; // an active journey of this workflow already
      }
      ObjectNode input = Json.object();
      input.putObject("contact").put("id", contact.id());
      input.set("trigger", document);
      boolean fresh;
      try {
        fresh = executions.start(live.aliasArn(), name, Json.write(input));
      } catch (RuntimeException e) {
        // Not started: free the marker, or the contact could never enter this workflow again.
        journeys.releaseActive(contact.id(), workflow.id(), name);
        throw e;
      }
      if (fresh) {
        started++;
        LOG.info("started", Map.of("workflow", workflow.id(), "contactId", contact.id(), "execution", name));
      }
    }
    return started;
  }

  static boolean triggers(Workflow.Trigger trigger, TrackedEvent event, JsonNode document) {
    if (trigger instanceof Workflow.EventTrigger t) {
      return t.event().equals(event.type()) && t.where().matches(document);
    }
    if (trigger instanceof Workflow.ListTrigger t) {
      return event.type().equals(LIST_JOINED) && t.list().equals(document.path("properties").path("list").asText(null));
    }
    return false; // date, schedule and API triggers do not come from the event stream
  }

  static boolean inAudience(Workflow.Audience audience, Contact contact) {
    if (audience == null) {
      return true;
    }
    return audience.where().matches(ContactJson.contact(contact))
        && contact.lists().containsAll(audience.inLists())
        && audience.notInLists().stream().noneMatch(contact.lists()::contains)
        && (audience.consent() == null || contact.reachableBy(Channel.fromWire(audience.consent()).orElseThrow()));
  }

  private boolean mayEnter(Workflow workflow, String contactId) {
    Workflow.Reentry reentry = workflow.reentry();
    if (reentry.mode() == Workflow.Reentry.Mode.ALWAYS) {
      return true;
    }
    List<JourneyStore.Journey> before = journeys.forContact(contactId, workflow.id());
    if (reentry.mode() == Workflow.Reentry.Mode.NEVER) {
      return before.isEmpty();
    }
    Instant now = clock.instant();
    return before.stream().allMatch(j -> j.endedAt() != null && !j.endedAt().plus(reentry.cooldown()).isAfter(now));
  }

  /** Step Functions names: at most 80 characters of [A-Za-z0-9-_]; a hash keeps any ids within that. */
  public static String executionName(String workflowId, String contactId, String eventId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((workflowId + "\n" + contactId + "\n" + eventId).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
