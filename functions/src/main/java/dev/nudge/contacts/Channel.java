package dev.nudge.contacts;

import java.util.Locale;
import java.util.Optional;

/** A messaging channel a contact consents to separately. */
public enum Channel {
  EMAIL,
  SMS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Channel> fromWire(String name) {
    for (Channel c : values()) {
      if (c.wireName().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
