package dev.nudge.contacts;

import java.util.Locale;
import java.util.Optional;

public enum ConsentStatus {
  SUBSCRIBED,
  UNSUBSCRIBED,
  /** Asked to subscribe; waits for the double opt-in confirmation. Nothing is sent but the confirmation. */
  PENDING;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ConsentStatus> fromWire(String name) {
    for (ConsentStatus s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
