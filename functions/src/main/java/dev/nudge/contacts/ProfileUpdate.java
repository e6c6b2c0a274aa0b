package dev.nudge.contacts;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes an identify call makes to a profile. Null fields stay as they are; an attribute mapped
 * to an empty Optional is removed. A {@code location} replaces the stored one whole.
 */
public record ProfileUpdate(
    String email,
    String phone,
    Map<String, Optional<Attribute>> attributes,
    String timezone,
    String locale,
    Set<String> listsAdd,
    Set<String> listsRemove,
    Long leadScore,
    Map<Channel, Consent> consent,
    Location location) {

  public ProfileUpdate {
    attributes = Map.copyOf(attributes);
    listsAdd = Set.copyOf(listsAdd);
    listsRemove = Set.copyOf(listsRemove);
    consent = Map.copyOf(consent);
  }

  /** An update that leaves the location as it is. */
  public ProfileUpdate(String email, String phone, Map<String, Optional<Attribute>> attributes, String timezone,
      String locale, Set<String> listsAdd, Set<String> listsRemove, Long leadScore, Map<Channel, Consent> consent) {
    this(email, phone, attributes, timezone, locale, listsAdd, listsRemove, leadScore, consent, null);
  }

  public ProfileUpdate withLocation(Location replacement) {
    return new ProfileUpdate(email, phone, attributes, timezone, locale, listsAdd, listsRemove, leadScore, consent,
        replacement);
  }
}
