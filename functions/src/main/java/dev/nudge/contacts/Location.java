package dev.nudge.contacts;

/**
 * Where a contact is: a country (ISO 3166-1 alpha-2, upper-case), a region and a city (free text,
 * as given), and coordinates in degrees ({@code lat} and {@code lon} are both set or both null).
 * Every part is optional. Stored on the profile as the {@code location} map, replaced whole by a
 * later identify that carries one.
 */
public record Location(String country, String region, String city, Double lat, Double lon) {
  public Location {
    if ((lat == null) != (lon == null)) {
      throw new IllegalArgumentException("lat and lon go together");
    }
  }

  public boolean isEmpty() {
    return country == null && region == null && city == null && lat == null;
  }

  public boolean hasCoordinates() {
    return lat != null;
  }
}
