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

  /**
   * Great-circle distance in kilometres by the haversine formula, on a sphere of the Earth's mean
   * radius (error under 0.5% against the ellipsoid, plenty for "within 25 km of a store").
   * Hand-written: the formula is five lines, and the geodesy libraries (GeographicLib, Spatial4j,
   * JTS) would add a jar to every function for it.
   */
  public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /** The IUGG mean Earth radius. */
  public static final double EARTH_RADIUS_KM = 6371.0088;
}
