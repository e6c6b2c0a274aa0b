package dev.nudge.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.JourneyJson;
import dev.nudge.journeys.JourneyRecords;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * GET /v1/contacts/{id} (profile, timeline and journeys) and DELETE /v1/contacts/{id} (GDPR erasure). Only
 * IAM-signed requests reach it: the template puts the AWS_IAM authorizer on both routes.
 */
public final class ContactsAdminHandler extends HttpApiHandler {
  static final int DEFAULT_TIMELINE = 100;
  static final int MAX_TIMELINE = 1000;

  private final ContactService contacts;
  private final JourneyRecords journeys;
  private final dev.nudge.journeys.RecipientHistory history;
  private final java.util.function.ToIntFunction<java.util.List<String>> alsoErase;
  private final java.time.Clock clock;

  public ContactsAdminHandler() {
    this(Environment.current(), AwsClients.dynamoDb());
  }

  /** Stops executions through Step Functions, with a client made on the first erasure that needs one. */
  public ContactsAdminHandler(Environment env, DynamoDbClient ddb) {
    this(env, ddb, dev.nudge.journeys.SfnExecutions.onFirstUse(dev.nudge.journeys.StepFunctionsClient::get));
  }

  public ContactsAdminHandler(Environment env, DynamoDbClient ddb, dev.nudge.journeys.Executions executions) {
    this(new ContactService(new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
        new EventRepository(ddb, env.require("EVENTS_TABLE")), env.clock(),
        Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400")))),
        new JourneyRecords(ddb, env.require("JOURNEYS_TABLE")),
        new dev.nudge.journeys.RecipientHistory(new dev.nudge.messaging.SendLedger(ddb, env.require("JOURNEYS_TABLE"))),
        erasures(env, ddb, executions), env.clock());
  }

  /**
   * What other capabilities keep about the contact ids, in the order erasure must take: running
   * journeys stopped first (a step still running could write again), then the audiences (the
   * profile marked {@code erasingAt}, segment memberships, timers), then the journeys' items, the
   * ledger and the statistics' start markers. The contact's own events and items go after these
   * ({@link ContactService#erase}), the profile last.
   */
  static java.util.function.ToIntFunction<java.util.List<String>> erasures(Environment env, DynamoDbClient ddb,
      dev.nudge.journeys.Executions executions) {
    String journeysTable = env.require("JOURNEYS_TABLE");
    var journeys = new dev.nudge.journeys.JourneyErasure(ddb, journeysTable, executions,
        new dev.nudge.messaging.SendLedger(ddb, journeysTable),
        env.optional("STATS_TABLE").map(table -> new dev.nudge.stats.StepStats(ddb, table)).orElse(null),
        env.optional("STATE_MACHINE_ARN_PREFIX").orElse(null));
    java.util.function.ToIntFunction<java.util.List<String>> audiences = env.optional("SEGMENTS_TABLE").isEmpty()
        ? ids -> 0
        : new dev.nudge.audiences.AudienceErasure(
            new dev.nudge.audiences.SegmentStore(ddb, env.require("WORKFLOWS_TABLE")),
            new dev.nudge.audiences.SegmentMembers(ddb, env.require("SEGMENTS_TABLE")), ddb,
            env.require("TIMERS_TABLE"), env.require("CONTACTS_TABLE"), env.clock())::erase;
    // The day buckets (WindowCounters) live outside the contact's partition, so they go here.
    var windows = new WindowCounters(ddb, env.require("CONTACTS_TABLE"), Duration.ZERO, env.clock());
    return ids -> journeys.stop(ids) + audiences.applyAsInt(ids) + journeys.erase(ids) + windows.erase(ids);
  }

  public ContactsAdminHandler(ContactService contacts, JourneyRecords journeys) {
    this(contacts, journeys, null, ids -> 0);
  }

  public ContactsAdminHandler(ContactService contacts, JourneyRecords journeys,
      dev.nudge.journeys.RecipientHistory history, java.util.function.ToIntFunction<java.util.List<String>> alsoErase) {
    this(contacts, journeys, history, alsoErase, java.time.Clock.systemUTC());
  }

  /** {@code alsoErase}: what other capabilities keep about the contact ids (journeys, segments, timers), erased first. */
  /** {@code history}: each journey's messages and what happened to them; null shows the journeys alone. */
  public ContactsAdminHandler(ContactService contacts, JourneyRecords journeys,
      dev.nudge.journeys.RecipientHistory history, java.util.function.ToIntFunction<java.util.List<String>> alsoErase,
      java.time.Clock clock) {
    super("contacts-admin");
    this.clock = clock;
    this.history = history;
    this.alsoErase = alsoErase;
    this.contacts = contacts;
    this.journeys = journeys;
    route("GET /v1/contacts/{id}", this::get);
    route("DELETE /v1/contacts/{id}", this::delete);
  }

  private HttpResponse get(HttpRequest request) {
    String id = request.pathParameters().getOrDefault("id", "");
    int limit = limit(request.queryParameters().get("limit"));
    Contact contact = contacts.find(id).orElseThrow(() -> notFound());
    ObjectNode body = dev.nudge.platform.Json.object();
    body.set("contact", ContactJson.contact(contact, clock.instant()));
    var timeline = contacts.timeline(contact, limit);
    body.set("timeline", ContactJson.timeline(timeline));
    var records = journeys.forContact(contact.id());
    body.set("journeys", history == null ? JourneyJson.journeys(records) : history.journeys(records, timeline));
    return HttpResponse.json(200, body);
  }

  /**
   * Erases the contact: the other capabilities first ({@code alsoErase}), the contact's own events
   * and items after, the profile last. An id without a profile is still swept (rows a cut-off
   * erasure left, or a step in flight wrote after it): 404 only when nothing was stored under it.
   */
  private HttpResponse delete(HttpRequest request) {
    String id = request.pathParameters().getOrDefault("id", "");
    java.util.Optional<Contact> contact = contacts.find(id);
    java.util.List<String> ids = new java.util.ArrayList<>();
    contact.ifPresent(c -> ids.addAll(c.mergedIds()));
    ids.add(contact.map(Contact::id).orElse(id));
    int removed = alsoErase.applyAsInt(ids);
    log().info("erasing", Map.of("contactId", ids.get(ids.size() - 1), "profile", contact.isPresent(),
        "stoppedOrRemoved", removed));
    ContactService.Erasure erasure = (contact.isPresent() ? contacts.erase(id) : contacts.eraseRemains(id))
        .or(() -> removed > 0 ? java.util.Optional.of(new ContactService.Erasure(id, java.util.List.of(id), 0))
            : java.util.Optional.empty())
        .orElseThrow(() -> notFound());
    log().info("erased", Map.of("contactId", erasure.contactId(), "contactIds", erasure.contactIds().size(),
        "events", erasure.eventsDeleted()));
    ObjectNode body = dev.nudge.platform.Json.object();
    body.put("contactId", erasure.contactId());
    body.put("erased", true);
    body.put("eventsDeleted", erasure.eventsDeleted());
    return HttpResponse.json(200, body);
  }

  private static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_TIMELINE;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_TIMELINE) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the refusal
    }
    throw ApiException.invalid("limit", "limit must be an integer from 1 to " + MAX_TIMELINE);
  }

  private static ApiException notFound() {
    return new ApiException(404, "not_found", "no such contact", "id");
  }
}
