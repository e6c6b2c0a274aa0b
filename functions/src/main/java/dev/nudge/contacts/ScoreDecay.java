package dev.nudge.contacts;

import java.time.Duration;
import java.time.Instant;

/**
 * How a contact's stored lead score decays (profile attributes {@code leadScoreAt} and
 * {@code leadScoreHalfLife}): the score was stored {@code at} and halves every {@code halfLife}
 * (null: the scoring rules had none, so it never decays). Decay is computed when the score is
 * read, at the reader's instant, never written by a scan.
 */
public record ScoreDecay(Instant at, Duration halfLife) {

  /** {@code stored} at {@code now}. */
  public long apply(long stored, Instant now) {
    return decayed(stored, at, now, halfLife);
  }

  /** The score {@code stored} at {@code at}, halved every {@code halfLife} until {@code now}, rounded; unchanged without decay. */
  public static long decayed(long stored, Instant at, Instant now, Duration halfLife) {
    if (halfLife == null || at == null || stored == 0 || !now.isAfter(at)) {
      return stored;
    }
    double halves = (double) Duration.between(at, now).toMillis() / halfLife.toMillis();
    return Math.round(stored * Math.pow(0.5, halves));
  }
}
