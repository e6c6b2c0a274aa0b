package dev.nudge.tracking;

import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.Identity;
import dev.nudge.contacts.Location;
import dev.nudge.contacts.TrackedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ingests validated events: one write per new event, the conditional put of the event (the
 * idempotency check and the stream record in one). What derives from events (the per-type
 * counters, the lead score, segments) is kept by the events stream's contact-state consumer.
 * A contact named by an e-mail, a phone or an anonymous id is resolved (read) and, when new,
 * created before its first event; a caller's own contact id is taken as is, and if it has no
 * profile yet, the stream's consumers create it from its event (docs/data-model.md).
 */
public final class TrackService {
  public record Result(String eventId, String contactId, boolean duplicate) {}

  private final ContactService contacts;
  private final EventRepository events;
  private final Duration retention;

  public TrackService(ContactService contacts, EventRepository events, Duration retention) {
    this.contacts = contacts;
    this.events = events;
    this.retention = retention;
  }

  public List<Result> ingest(List<TrackCommand> commands, String source, Instant receivedAt) {
    return ingest(commands, source, receivedAt, null);
  }

  /**
   * {@code firstSeenAt}: where the request came from (a browser's CloudFront viewer location), given
   * to the contacts this call creates (for an unchecked contact id it travels on the event item to
   * whoever creates the profile); an existing profile is left as it is (no write per event).
   */
  public List<Result> ingest(List<TrackCommand> commands, String source, Instant receivedAt, Location firstSeenAt) {
    // Resolve every identity before the first write, so a failing lookup leaves nothing behind.
    Map<Identity, ContactService.Resolved> resolved = new HashMap<>();
    for (TrackCommand command : commands) {
      resolved.computeIfAbsent(command.identity(), contacts::resolveForTracking);
    }
    Set<String> ensured = new HashSet<>();
    List<Result> results = new ArrayList<>(commands.size());
    for (TrackCommand command : commands) {
      ContactService.Resolved target = resolved.get(command.identity());
      if (target.checked() && ensured.add(target.contactId())) {
        // Creating a contact by address can lose the address to a concurrent request: the events
        // then go to the contact that won it, for this and the identity's later events.
        target = contacts.ensureExists(target, receivedAt, firstSeenAt);
        resolved.put(command.identity(), target);
        ensured.add(target.contactId());
      }
      TrackedEvent event = new TrackedEvent(target.contactId(), command.eventId(), command.type(),
          command.properties(), command.occurredAt(), receivedAt, source);
      boolean stored = events.putIfAbsent(event, command.occurredAt().plus(retention),
          target.checked() ? null : firstSeenAt);
      results.add(new Result(command.eventId(), target.contactId(), !stored));
    }
    return results;
  }
}
