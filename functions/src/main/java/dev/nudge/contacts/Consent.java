package dev.nudge.contacts;

import java.time.Instant;
import java.util.Objects;

/** Consent for one channel: its status, where it came from (a form, an import, a link) and when. */
public record Consent(ConsentStatus status, String source, Instant at) {
  public Consent {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(at, "at");
  }
}
