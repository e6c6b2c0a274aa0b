package dev.nudge.contacts;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The per-type event counters ({@code events.<type>.count}, firstAt, lastAt), kept off the
 * tracking hot path: the events stream's contact-state consumer counts each stored event once,
 * in the stream's per-contact order, and creates the profile of a contact id that was tracked
 * without one. Readers that must see an event before that consumer has counted it (the router
 * checking the audience of the workflow the event triggers) read the contact with
 * {@link ContactRepository.Including}. Consistency per reader: docs/data-model.md.
 */
public final class EventCounters {
  /** What {@link #count} did with one event. */
  public enum Outcome { COUNTED, FIRST_OF_TYPE, DUPLICATE, NO_CONTACT }

  /** Merges chain at most this far (an anonymous contact into a known one); more is a loop. */
  private static final int MAX_HOPS = 4;

  private final ContactRepository contacts;
  private final EventRepository events;

  public EventCounters(ContactRepository contacts, EventRepository events) {
    this.contacts = contacts;
    this.events = events;
  }

  /**
   * Counts the event of the stream record {@code sequence} stored under {@code contactId}, exactly
   * once: on that contact's counter, or, if the contact was merged into another, on that one's.
   * A contact with no profile gets one first if the event is still stored ({@link #ensureProfile});
   * an event whose contact was erased is not counted ({@link Outcome#NO_CONTACT}).
   */
  public Outcome count(String contactId, String eventId, String type, Instant occurredAt, String sequence) {
    String seq = padded(sequence);
    String target = contactId;
    boolean ensured = false;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      // A profile this loop just created has no counter yet: create it without the failing update first.
      var counted = ensured && target.equals(contactId) ? contacts.countFirstEvent(target, contactId, type, occurredAt, seq)
          : contacts.countEvent(target, contactId, type, occurredAt, seq);
      switch (counted) {
        case COUNTED:
          return Outcome.COUNTED;
        case FIRST_OF_TYPE:
          return Outcome.FIRST_OF_TYPE;
        case DUPLICATE:
          return Outcome.DUPLICATE;
        case MERGED:
          Optional<String> into = contacts.findRef(target).map(ContactRepository.ProfileRef::mergedInto);
          if (into.isEmpty()) {
            return Outcome.NO_CONTACT;
          }
          target = into.get();
          break;
        case NO_PROFILE:
          if (ensured || !target.equals(contactId) || !ensureProfile(contactId, eventId)) {
            return Outcome.NO_CONTACT;
          }
          ensured = true;
          break;
        default:
          throw new IllegalStateException();
      }
    }
    throw new IllegalStateException("contact " + contactId + " is merged more than " + MAX_HOPS + " deep");
  }

  /**
   * Creates the profile of a contact tracked by its own contact id (the hot path does not read
   * whether it exists) from the event that names it: created at the event's arrival, with the
   * viewer location the event carries. A conditional put, so the router and the contact-state
   * consumer may both try. False, creating nothing, when the event is no longer stored: the
   * contact was erased after the event was written, and must not come back.
   */
  public boolean ensureProfile(String contactId, String eventId) {
    Optional<EventRepository.Sighting> sighting = events.sighting(contactId, eventId);
    if (sighting.isEmpty()) {
      return false;
    }
    ProfileUpdate empty = new ProfileUpdate(null, null, Map.of(), null, null, Set.of(), Set.of(), null, Map.of());
    contacts.create(contactId, empty.withLocation(sighting.get().firstSeenAt()), sighting.get().receivedAt());
    return true;
  }

  /** Stream sequence numbers are decimal strings of up to 40 digits; padded, they compare as text. */
  public static String padded(String sequence) {
    if (sequence == null || !sequence.matches("\\d{1,40}")) {
      throw new IllegalArgumentException("a stream sequence number of digits is required");
    }
    return "0".repeat(40 - sequence.length()) + sequence;
  }
}
