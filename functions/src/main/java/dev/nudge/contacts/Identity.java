package dev.nudge.contacts;

/**
 * How a request names a contact, already validated and normalised (email lower-case, phone
 * E.164). Any of the four may be null, not all.
 */
public record Identity(String contactId, String email, String phone, String anonymousId) {
  public boolean isAnonymousOnly() {
    return contactId == null && email == null && phone == null;
  }
}
