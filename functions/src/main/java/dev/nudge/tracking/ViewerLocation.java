package dev.nudge.tracking;

import dev.nudge.contacts.Location;
import dev.nudge.platform.HttpRequest;
import java.util.Locale;
import java.util.Optional;

/**
 * The viewer's location as CloudFront sends it to the origin, when the deployment sits behind a
 * CloudFront distribution whose origin request policy forwards the viewer-location headers
 * (README, "Geolocation"). Without CloudFront the headers are absent and nothing is inferred.
 *
 * <p>Only browser requests use it: a server-signed request comes from the customer's backend, whose
 * own address says nothing about the contact. The headers are not proof that CloudFront set them (a
 * caller reaching API Gateway directly can send them), but a browser caller can state any
 * {@code location} in the body anyway, so they grant it nothing more. A value that does not parse is
 * dropped, never a 400: the browser did not write it.
 */
final class ViewerLocation {
  static final String COUNTRY = "CloudFront-Viewer-Country";
  static final String REGION = "CloudFront-Viewer-Country-Region";
  static final String REGION_NAME = "CloudFront-Viewer-Country-Region-Name";
  static final String CITY = "CloudFront-Viewer-City";
  static final String LATITUDE = "CloudFront-Viewer-Latitude";
  static final String LONGITUDE = "CloudFront-Viewer-Longitude";

  private ViewerLocation() {}

  static Optional<Location> from(HttpRequest request) {
    String country = header(request, COUNTRY).map(c -> c.toUpperCase(Locale.ROOT)).filter(Validation::isCountry)
        .orElse(null);
    // The region's name (Madrid) as identify callers write it; its ISO 3166-2 code (MD) when only that is forwarded.
    String region = header(request, REGION_NAME).or(() -> header(request, REGION)).orElse(null);
    String city = header(request, CITY).orElse(null);
    Double lat = degrees(request, LATITUDE, 90);
    Double lon = degrees(request, LONGITUDE, 180);
    if (lat == null || lon == null) {
      lat = null;
      lon = null;
    }
    Location location = new Location(country, region, city, lat, lon);
    return location.isEmpty() ? Optional.empty() : Optional.of(location);
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.header(name).map(String::strip)
        .filter(v -> !v.isEmpty() && v.length() <= IdentifyRequest.MAX_PLACE);
  }

  private static Double degrees(HttpRequest request, String name, int limit) {
    Optional<String> text = header(request, name);
    if (text.isEmpty()) {
      return null;
    }
    try {
      double degrees = Double.parseDouble(text.get());
      return Double.isFinite(degrees) && Math.abs(degrees) <= limit ? degrees : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
