package dev.nudge.contacts;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A contact's profile. {@code email} is lower-case, {@code phone} E.164; either may be null.
 * {@code mergedIds} are anonymous contacts whose history now belongs to this one; a merged
 * anonymous contact has {@code mergedInto} set instead.
 */
public record Contact(
    String id,
    String email,
    String phone,
    Map<String, Attribute> attributes,
    Map<Channel, Consent> consent,
    Map<Channel, Suppression> suppression,
    String timezone,
    String locale,
    Set<String> lists,
    long leadScore,
    Instant createdAt,
    Instant updatedAt,
    Map<String, EventStats> events,
    Set<String> mergedIds,
    String mergedInto,
    Location location,
    ScoreDecay scoreDecay) {

  public Contact {
    attributes = Map.copyOf(attributes);
    consent = Map.copyOf(consent);
    suppression = Map.copyOf(suppression);
    lists = Set.copyOf(lists);
    events = Map.copyOf(events);
    mergedIds = Set.copyOf(mergedIds);
  }

  /** A contact whose lead score does not decay. */
  public Contact(String id, String email, String phone, Map<String, Attribute> attributes,
      Map<Channel, Consent> consent, Map<Channel, Suppression> suppression, String timezone, String locale,
      Set<String> lists, long leadScore, Instant createdAt, Instant updatedAt, Map<String, EventStats> events,
      Set<String> mergedIds, String mergedInto, Location location) {
    this(id, email, phone, attributes, consent, suppression, timezone, locale, lists, leadScore, createdAt, updatedAt,
        events, mergedIds, mergedInto, location, null);
  }

  /**
   * The lead score at {@code now}: {@link #leadScore()} is the score as last stored, which decays
   * lazily; every condition on the score reads this, at its own evaluation instant.
   */
  public long leadScore(Instant now) {
    return scoreDecay == null ? leadScore : scoreDecay.apply(leadScore, now);
  }

  /** A contact without a location. */
  public Contact(String id, String email, String phone, Map<String, Attribute> attributes,
      Map<Channel, Consent> consent, Map<Channel, Suppression> suppression, String timezone, String locale,
      Set<String> lists, long leadScore, Instant createdAt, Instant updatedAt, Map<String, EventStats> events,
      Set<String> mergedIds, String mergedInto) {
    this(id, email, phone, attributes, consent, suppression, timezone, locale, lists, leadScore, createdAt, updatedAt,
        events, mergedIds, mergedInto, null, null);
  }

  public Optional<Consent> consent(Channel channel) {
    return Optional.ofNullable(consent.get(channel));
  }

  /** Last time any event of this contact occurred (the most recent of the per-type last times). */
  public Optional<Instant> lastSeenAt() {
    return events.values().stream().map(EventStats::lastAt).max(Instant::compareTo);
  }

  /**
   * Whether a message may be sent on {@code channel}: an address, consent subscribed, and no
   * suppression. Pending consent allows only the confirmation request itself, which is not this.
   */
  public boolean reachableBy(Channel channel) {
    boolean hasAddress = channel == Channel.EMAIL ? email != null : phone != null;
    return hasAddress
        && mergedInto == null
        && consent(channel).map(c -> c.status() == ConsentStatus.SUBSCRIBED).orElse(false)
        && !suppression.containsKey(channel);
  }
}
