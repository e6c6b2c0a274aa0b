package dev.nudge.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contacts capability: identity resolution, identify (profile, consent, merge), lookup with
 * timeline, and erasure. Reads happen before writes, and every refusal is thrown before the first
 * write, so a refused request leaves nothing behind.
 */
public final class ContactService {
  /**
   * Where a request's identity points: an existing contact, or one to create under this id.
   * {@code checked} is false when existence was not read (see {@link #resolveForTracking}).
   */
  public record Resolved(String contactId, boolean exists, boolean checked, Identity identity) {
    Resolved(String contactId, boolean exists, Identity identity) {
      this(contactId, exists, true, identity);
    }
  }

  /** What an identify call asks for a channel's consent. */
  public record ConsentRequest(ConsentStatus status, String source, boolean doubleOptIn) {}

  public record IdentifyCommand(Identity identity, ProfileUpdate profile, Map<Channel, ConsentRequest> consent) {}

  /** {@code pending} maps each channel left waiting for confirmation to the pending request's time. */
  public record IdentifyResult(String contactId, boolean created, boolean merged, Map<Channel, Consent> consent,
      Map<Channel, Instant> pending) {}

  public record Erasure(String contactId, List<String> contactIds, int eventsDeleted) {}

  public static final String CONSENT_EVENT = "consent.changed";
  public static final String SUBSCRIBED_EVENT = "contact.subscribed";
  public static final String UNSUBSCRIBED_EVENT = "contact.unsubscribed";
  /** What a {@code list:} trigger starts on; the lists API writes the same events. */
  public static final String LIST_JOINED_EVENT = "list.joined";
  public static final String LIST_LEFT_EVENT = "list.left";
  /**
   * How long after a consent change a repeated identify writes the change's events again if they
   * are missing (an identify interrupted between the contact write and the event writes, resent).
   */
  static final java.time.Duration EVENT_REPAIR_WINDOW = java.time.Duration.ofHours(1);

  private final ContactRepository contacts;
  private final EventRepository events;
  private final Clock clock;
  private final Duration eventRetention;

  public ContactService(ContactRepository contacts, EventRepository events, Clock clock, Duration eventRetention) {
    this.contacts = contacts;
    this.events = events;
    this.clock = clock;
    this.eventRetention = eventRetention;
  }

  /**
   * Finds the contact an identity names, reading only: by contact id, else by e-mail, else by
   * phone (the indexes first, then the id derived from the address), else by anonymous id (an
   * anonymous id merged into a known contact resolves to that contact).
   */
  public Resolved resolve(Identity identity) {
    if (identity.contactId() != null) {
      return follow(identity.contactId(), identity);
    }
    if (identity.email() != null) {
      Optional<String> indexed = contacts.idByEmail(identity.email());
      return indexed.isPresent() ? new Resolved(indexed.get(), true, identity)
          : follow(ContactIds.forEmail(identity.email()), identity);
    }
    if (identity.phone() != null) {
      Optional<String> indexed = contacts.idByPhone(identity.phone());
      return indexed.isPresent() ? new Resolved(indexed.get(), true, identity)
          : follow(ContactIds.forPhone(identity.phone()), identity);
    }
    return follow(ContactIds.anonymous(identity.anonymousId()), identity);
  }

  /**
   * As {@link #resolve}, except that a caller's own contact id is taken as is, without reading:
   * such an id is never merged away, so the only question is whether its profile exists, and the
   * events stream's consumers answer that after the fact (the first to find it missing creates it,
   * see {@link EventCounters#ensureProfile}). That keeps an event for a known contact id at one
   * write and no read.
   */
  public Resolved resolveForTracking(Identity identity) {
    if (identity.contactId() != null) {
      return new Resolved(identity.contactId(), false, false, identity);
    }
    return resolve(identity);
  }

  private Resolved follow(String contactId, Identity identity) {
    Optional<ContactRepository.ProfileRef> ref = contacts.findRef(contactId);
    if (ref.isPresent() && ref.get().mergedInto() != null) {
      return new Resolved(ref.get().mergedInto(), true, identity);
    }
    return new Resolved(contactId, ref.isPresent(), identity);
  }

  /**
   * Creates the resolved contact if it does not exist yet, with the address it was found by, and
   * returns the contact to use. Creating a contact with an address claims the address in the same
   * transaction; if a concurrent request gave the address to another contact first, the identity
   * is resolved again and so converges on that contact, as it would have had it come a moment later.
   */
  public Resolved ensureExists(Resolved resolved, Instant now) {
    return ensureExists(resolved, now, null);
  }

  /** As {@link #ensureExists(Resolved, Instant)}, a contact created now getting {@code location} (may be null). */
  public Resolved ensureExists(Resolved resolved, Instant now, Location location) {
    Resolved current = resolved;
    for (int attempt = 1; ; attempt++) {
      if (current.exists() && current.checked()) {
        return current;
      }
      // Only the address the id was derived from: any other is checked for conflicts by identify first.
      Identity id = current.identity();
      String email = id.email() != null && current.contactId().equals(ContactIds.forEmail(id.email())) ? id.email() : null;
      String phone = id.phone() != null && current.contactId().equals(ContactIds.forPhone(id.phone())) ? id.phone() : null;
      try {
        contacts.create(current.contactId(), addresses(email, phone).withLocation(location), now);
        return new Resolved(current.contactId(), true, id);
      } catch (AddressTakenException | ContactRepository.ConcurrentChangeException lostRace) {
        if (attempt == ATTEMPTS) {
          throw conflict(lostRace);
        }
        current = resolve(id);
      }
    }
  }

  private static ProfileUpdate addresses(String email, String phone) {
    return new ProfileUpdate(email, phone, Map.of(), null, null, java.util.Set.of(), java.util.Set.of(), null, Map.of());
  }

  /** How often a request that lost a race for an address or a profile is read and tried again. */
  private static final int ATTEMPTS = 5;

  private static ApiException conflict(RuntimeException lostRace) {
    if (lostRace instanceof AddressTakenException taken) {
      return new ApiException(409, "conflict", taken.getMessage(), taken.type().field());
    }
    return new ApiException(409, "conflict", "a concurrent request changed this contact; retry", null);
  }

  /**
   * Identify: resolves the contact, refuses an address another contact holds (409 naming the
   * field), then creates or updates the profile, merges the anonymous id and records consent. A
   * request that loses a race for an address to a concurrent one (its transaction is refused,
   * nothing written) starts again from the reads: an address-only request then finds the winner and
   * updates it; one naming another contact is refused like any address found taken.
   */
  public IdentifyResult identify(IdentifyCommand command) {
    for (int attempt = 1; ; attempt++) {
      try {
        return identifyOnce(command);
      } catch (AddressTakenException | ContactRepository.ConcurrentChangeException lostRace) {
        if (attempt == ATTEMPTS) {
          throw conflict(lostRace);
        }
      }
    }
  }

  private IdentifyResult identifyOnce(IdentifyCommand command) {
    Instant now = clock.instant();
    Identity identity = command.identity();
    Resolved target = resolve(identity.isAnonymousOnly() ? identity
        : new Identity(identity.contactId(), identity.email(), identity.phone(), null));
    Optional<Contact> existing = target.exists() ? contacts.find(target.contactId()) : Optional.empty();

    // The address the target was resolved by, if any: the e-mail, else the phone, when no contact id is named.
    AddressType resolvedBy = identity.contactId() != null ? null
        : identity.email() != null ? AddressType.EMAIL : identity.phone() != null ? AddressType.PHONE : null;
    if (identity.email() != null) {
      checkAddressIsFree(AddressType.EMAIL, identity.email(), target, existing, resolvedBy == AddressType.EMAIL);
    }
    if (identity.phone() != null) {
      checkAddressIsFree(AddressType.PHONE, identity.phone(), target, existing, resolvedBy == AddressType.PHONE);
    }

    Map<Channel, Consent> consentChanges = new EnumMap<>(Channel.class);
    Map<Channel, Consent> repairs = new EnumMap<>(Channel.class);
    Map<Channel, Instant> pending = new EnumMap<>(Channel.class);
    for (var entry : command.consent().entrySet()) {
      Channel channel = entry.getKey();
      ConsentRequest request = entry.getValue();
      boolean hasAddress = channel == Channel.EMAIL
          ? identity.email() != null || existing.map(Contact::email).isPresent()
          : identity.phone() != null || existing.map(Contact::phone).isPresent();
      if (!hasAddress && request.status() == ConsentStatus.SUBSCRIBED) {
        throw ApiException.invalid("consent." + channel.wireName(),
            "subscribing to " + channel.wireName() + " needs the contact's " + (channel == Channel.EMAIL ? "email" : "phone"));
      }
      Optional<ConsentStatus> current = existing.flatMap(c -> c.consent(channel)).map(Consent::status);
      ConsentStatus wanted = request.status() == ConsentStatus.SUBSCRIBED && request.doubleOptIn()
          ? ConsentStatus.PENDING : request.status();
      if (current.isPresent() && (current.get() == wanted
          || (current.get() == ConsentStatus.SUBSCRIBED && wanted == ConsentStatus.PENDING))) {
        // Already so, or already confirmed: no new consent record, no new event. But a resend of an
        // identify interrupted after the consent was stored and before its events were (a crash, a
        // throttled write) must still write them, or the welcome series never starts: a recent
        // change's events are written again under their own ids (conditional puts: no duplicates).
        Consent stored = existing.flatMap(c -> c.consent(channel)).orElseThrow();
        if (current.get() == wanted && !stored.at().isBefore(now.minus(EVENT_REPAIR_WINDOW))) {
          repairs.put(channel, stored);
        }
        continue;
      }
      consentChanges.put(channel, new Consent(wanted, request.source(), now));
      if (wanted == ConsentStatus.PENDING) {
        pending.put(channel, now);
      }
    }

    ProfileUpdate p = command.profile();
    ProfileUpdate update = new ProfileUpdate(p.email(), p.phone(), p.attributes(), p.timezone(),
        p.locale(), p.listsAdd(), p.listsRemove(), p.leadScore(), consentChanges, p.location());
    // A new contact is created with everything at once, its addresses claimed in the same
    // transaction; an existing one (or one created concurrently) is updated.
    boolean created = existing.isEmpty() && contacts.create(target.contactId(), update, now);
    if (!created) {
      contacts.update(target.contactId(), update, now, existing.orElse(null));
    }

    boolean merged = false;
    if (identity.anonymousId() != null) {
      String anonymous = ContactIds.anonymous(identity.anonymousId());
      if (!anonymous.equals(target.contactId())) {
        merged = contacts.merge(anonymous, target.contactId(), now);
      }
    }
    for (var change : consentChanges.entrySet()) {
      ObjectNode properties = Json.object();
      properties.put("channel", change.getKey().wireName());
      properties.put("status", change.getValue().status().wireName());
      properties.put("source", change.getValue().source());
      recordEvent(target.contactId(), "consent:" + change.getKey().wireName() + ":" + now.toEpochMilli(),
          properties, "identify", now);
    }
    for (var repair : repairs.entrySet()) {
      ObjectNode properties = Json.object();
      properties.put("channel", repair.getKey().wireName());
      properties.put("status", repair.getValue().status().wireName());
      properties.put("source", repair.getValue().source());
      recordEvent(target.contactId(), "consent:" + repair.getKey().wireName() + ":" + repair.getValue().at().toEpochMilli(),
          properties, "identify", repair.getValue().at());
    }
    // Lists the identify changed, as the lists API reports them: a list: trigger starts on
    // list.joined whichever way the contact joined. Compared with the profile read before the
    // update, so adding a list the contact already has writes nothing.
    java.util.Set<String> before = existing.map(Contact::lists).orElse(java.util.Set.of());
    for (String list : p.listsAdd()) {
      if (!before.contains(list)) {
        recordListChange(target.contactId(), LIST_JOINED_EVENT, list, now);
      }
    }
    for (String list : p.listsRemove()) {
      if (before.contains(list)) {
        recordListChange(target.contactId(), LIST_LEFT_EVENT, list, now);
      }
    }
    return new IdentifyResult(target.contactId(), created, merged, consentChanges, pending);
  }

  private void recordListChange(String contactId, String type, String list, Instant now) {
    ObjectNode properties = Json.object().put("list", list);
    // Counted by the events stream's contact-state consumer, like every stored event.
    events.putIfAbsent(new TrackedEvent(contactId, type + ":" + list + ":" + now.toEpochMilli(), type, properties, now,
        now, "identify"), now.plus(eventRetention));
  }

  /**
   * Refuses an address another contact holds (409 naming the field). The uniqueness item is
   * authoritative; the index answers only for addresses given before those items existed, and
   * such an address already on the target gets its item now (the lazy backfill, one write).
   */
  private void checkAddressIsFree(AddressType type, String address, Resolved target, Optional<Contact> existing,
      boolean resolvedByIt) {
    Optional<String> claimed = contacts.owner(type, address);
    Optional<String> holder = claimed.isPresent() ? claimed : contacts.indexed(type, address);
    if (holder.isPresent() && !holder.get().equals(target.contactId())
        && !existing.map(c -> c.mergedIds().contains(holder.get())).orElse(false)) {
      if (resolvedByIt) {
        // A concurrent request gave the address to a contact since it was resolved: resolve again,
        // and this request updates that contact instead of being refused.
        throw new AddressTakenException(type);
      }
      throw new ApiException(409, "conflict", type.field() + " belongs to another contact", type.field());
    }
    String held = existing.map(c -> type == AddressType.EMAIL ? c.email() : c.phone()).orElse(null);
    if (claimed.isEmpty() && address.equals(held)) {
      contacts.claim(target.contactId(), type, address);
    }
  }

  /**
   * Moves one channel's consent from {@code expected} to {@code replacement} (the confirmation and
   * unsubscribe links) and records a consent event; false if the consent is no longer {@code expected}.
   */
  public boolean changeConsent(String contactId, Channel channel, Consent expected, Consent replacement) {
    if (!contacts.replaceConsent(contactId, channel, expected, replacement, replacement.at())) {
      return false;
    }
    ObjectNode properties = Json.object();
    properties.put("channel", channel.wireName());
    properties.put("status", replacement.status().wireName());
    properties.put("source", replacement.source());
    recordEvent(contactId, "consent:" + channel.wireName() + ":" + replacement.at().toEpochMilli(), properties,
        replacement.source(), replacement.at());
    return true;
  }

  /**
   * The recipient withdrew consent outside Nudge (a STOP reply to an SMS, a number on the
   * carrier's opt-out list): recorded as an unsubscribe from {@code source}, which writes
   * {@code contact.unsubscribed} so journeys listing it as an exit event end. False when the
   * contact is unknown or the channel was already unsubscribed (a repeated STOP changes nothing).
   */
  public boolean withdraw(String contactId, Channel channel, String source, Instant at) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Contact> contact = contacts.find(contactId);
      if (contact.isEmpty()) {
        return false;
      }
      Consent current = contact.get().consent().get(channel);
      if (current != null && current.status() == ConsentStatus.UNSUBSCRIBED) {
        return false;
      }
      if (changeConsent(contact.get().id(), channel, current, new Consent(ConsentStatus.UNSUBSCRIBED, source, at))) {
        return true;
      }
    }
    return false;
  }

  private void recordEvent(String contactId, String eventId, ObjectNode properties, String source, Instant now) {
    // Both events are counted by the events stream's contact-state consumer, like every stored event.
    events.putIfAbsent(new TrackedEvent(contactId, eventId, CONSENT_EVENT, properties, now, now, source),
        now.plus(eventRetention));
    // The lifecycle events workflows are written against (a welcome series triggers on
    // contact.subscribed, every series exits on contact.unsubscribed): a subscription without double
    // opt-in at once, one with double opt-in when it is confirmed; pending writes neither.
    String lifecycle = switch (properties.path("status").asText()) {
      case "subscribed" -> SUBSCRIBED_EVENT;
      case "unsubscribed" -> UNSUBSCRIBED_EVENT;
      default -> null;
    };
    if (lifecycle != null) {
      ObjectNode lifecycleProperties = Json.object();
      lifecycleProperties.put("channel", properties.path("channel").asText());
      lifecycleProperties.put("source", properties.path("source").asText());
      events.putIfAbsent(new TrackedEvent(contactId, lifecycle + ":" + eventId, lifecycle, lifecycleProperties, now, now,
          source), now.plus(eventRetention));
    }
  }

  /** The contact (following a merge), or empty. */
  public Optional<Contact> find(String contactId) {
    Optional<Contact> contact = contacts.find(contactId);
    if (contact.isPresent() && contact.get().mergedInto() != null) {
      return contacts.find(contact.get().mergedInto());
    }
    return contact;
  }

  public List<TrackedEvent> timeline(Contact contact, int limit) {
    List<String> ids = new ArrayList<>();
    ids.add(contact.id());
    ids.addAll(contact.mergedIds());
    return events.timeline(ids, limit);
  }

  /**
   * Erases the contact, the anonymous contacts merged into it, and all their events. Events go
   * first, the profile last, so an interrupted erasure is finished by repeating it.
   */
  public Optional<Erasure> erase(String contactId) {
    Optional<Contact> contact = find(contactId);
    if (contact.isEmpty()) {
      return Optional.empty();
    }
    List<String> ids = new ArrayList<>(contact.get().mergedIds());
    ids.add(contact.get().id());
    int deleted = 0;
    for (String id : ids) {
      deleted += events.deleteAll(id);
    }
    // The address uniqueness items name the address in their key: they go with the profile.
    contacts.releaseAddresses(contact.get().id(), contact.get().email(), contact.get().phone());
    for (String id : ids) {
      contacts.deletePartition(id);
    }
    return Optional.of(new Erasure(contact.get().id(), List.copyOf(ids), deleted));
  }

  /**
   * Erasure of an id whose profile is gone: what was written under it after (or left by) an
   * earlier erasure, its events and its partition's items. Empty when there was nothing.
   */
  public Optional<Erasure> eraseRemains(String contactId) {
    int deleted = events.deleteAll(contactId);
    int items = contacts.deletePartition(contactId);
    return deleted + items == 0 ? Optional.empty() : Optional.of(new Erasure(contactId, List.of(contactId), deleted));
  }
}
