package dev.nudge.contacts;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes an identify call makes to a profile. Null fields stay as they are; an attribute mapped
 * to an empty Optional is removed.
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
    Map<Channel, Consent> consent) {

  public ProfileUpdate {
    attributes = Map.copyOf(attributes);
    listsAdd = Set.copyOf(listsAdd);
    listsRemove = Set.copyOf(listsRemove);
    consent = Map.copyOf(consent);
  }
}
