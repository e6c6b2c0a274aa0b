package dev.nudge.contacts;

/**
 * How a request names a contact, already validated and normalised (email lower-case, phone
 * E.164). Any of the four may be null, not all.
 */
public record Identity(String contactId, String email, String phone, String anonymousId) {
  public boolean isAnonymousOnly() {
    return contactId == null && email == null && phone == null;
  }

  // Written out rather than generated: a record's generated equals/hashCode is bootstrapped through
  // java.lang.runtime.ObjectMethods on its first call, ~15 ms of method-handle setup in a fresh JVM,
  // and TrackService keys a map by Identity on every first tracked event (docs/benchmarks.md, cold start).
  @Override
  public boolean equals(Object o) {
    return o instanceof Identity other && java.util.Objects.equals(contactId, other.contactId)
        && java.util.Objects.equals(email, other.email) && java.util.Objects.equals(phone, other.phone)
        && java.util.Objects.equals(anonymousId, other.anonymousId);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(contactId, email, phone, anonymousId);
  }
}
