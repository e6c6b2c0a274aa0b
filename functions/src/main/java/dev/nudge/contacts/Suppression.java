package dev.nudge.contacts;

import java.time.Instant;
import java.util.Locale;

/** Why a channel must not be used for a contact regardless of consent (a hard bounce, a complaint). */
public record Suppression(Reason reason, Instant at) {
  public enum Reason {
    BOUNCED,
    COMPLAINED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
