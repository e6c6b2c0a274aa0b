package dev.nudge.platform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Stored times are UTC with exactly three fractional digits, so that comparing the strings (as
 * DynamoDB condition expressions do) compares the instants. Instant.toString drops zero fractions
 * and would break that.
 */
public final class Times {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  public static String format(Instant instant) {
    return FORMAT.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }

  public static Instant parse(String stored) {
    return Instant.parse(stored);
  }
}
