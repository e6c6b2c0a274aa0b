package dev.nudge.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A conjunction of criteria on a JSON document (an event, or a contact seen as
 * {@code {"attributes": {...}, "score": n, "lists": [...], ...}}). Every criterion must hold.
 */
public record Filter(List<Criterion> criteria) {
  public static final Filter ALWAYS = new Filter(List.of());

  public Filter {
    criteria = List.copyOf(criteria);
  }

  public boolean isEmpty() {
    return criteria.isEmpty();
  }

  public boolean matches(JsonNode document) {
    return criteria.stream().allMatch(c -> c.matches(document));
  }

  /** One dotted path and the comparisons its value must pass (all of them). */
  public record Criterion(String path, List<Comparison> comparisons) {
    public Criterion {
      comparisons = List.copyOf(comparisons);
    }

    public boolean matches(JsonNode document) {
      JsonNode value = resolve(document, path).orElse(null);
      if (LOCATION_TEXT.contains(path)) {
        // Place names compare case-insensitively: "Madrid", "madrid" and CloudFront's "MADRID"
        // are one city, and the country code is stored upper-case whatever the workflow writes.
        JsonNode folded = fold(value);
        return comparisons.stream().allMatch(c -> new Comparison(c.operator(), fold(c.operand())).test(folded));
      }
      return comparisons.stream().allMatch(c -> c.test(value));
    }
  }

  /** The contact's place names ({@code location.city: {eq: Madrid}}), compared ignoring case. */
  static final java.util.Set<String> LOCATION_TEXT = java.util.Set.of("location.country", "location.region",
      "location.city");

  private static JsonNode fold(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(node.asText().toLowerCase(Locale.ROOT));
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode folded = com.fasterxml.jackson.databind.node.JsonNodeFactory
          .instance.arrayNode();
      node.forEach(element -> folded.add(fold(element)));
      return folded;
    }
    return node;
  }

  public enum Operator {
    EQ, NE, GT, GTE, LT, LTE, IN, EXISTS, CONTAINS,
    /** {@code near: {lat, lon, km}}: the value has {@code lat} and {@code lon} within {@code km} (great circle). */
    NEAR;

    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Operator> of(String keyword) {
      for (Operator op : values()) {
        if (op.keyword().equals(keyword)) {
          return Optional.of(op);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * {@code operand} is the JSON value written in the workflow (a boolean for exists, an array for
   * in, {@code {lat, lon, km}} for near).
   */
  public record Comparison(Operator operator, JsonNode operand) {
    /** {@code value} is null when the path is absent. */
    public boolean test(JsonNode value) {
      boolean present = value != null && !value.isNull() && !value.isMissingNode();
      return switch (operator) {
        case EXISTS -> present == operand.asBoolean(true);
        case EQ -> present && same(value, operand);
        case NE -> !present || !same(value, operand);
        case GT -> present && compare(value, operand) > 0;
        case GTE -> present && compare(value, operand) >= 0 && comparable(value, operand);
        case LT -> present && compare(value, operand) < 0;
        case LTE -> present && compare(value, operand) <= 0 && comparable(value, operand);
        case IN -> present && operand.isArray() && contains(operand, value);
        case CONTAINS -> present && (value.isArray()
            ? contains(value, operand)
            : value.isTextual() && value.asText().contains(operand.asText()));
        case NEAR -> present && near(value, operand);
      };
    }

    /** A value without both coordinates (a location with only a country) is near nothing. */
    private static boolean near(JsonNode value, JsonNode operand) {
      JsonNode lat = value.get("lat");
      JsonNode lon = value.get("lon");
      if (lat == null || lon == null || !lat.isNumber() || !lon.isNumber()) {
        return false;
      }
      return distanceKm(lat.asDouble(), lon.asDouble(),
          operand.path("lat").asDouble(), operand.path("lon").asDouble()) <= operand.path("km").asDouble();
    }

    private static boolean contains(JsonNode array, JsonNode wanted) {
      for (JsonNode element : array) {
        if (same(element, wanted)) {
          return true;
        }
      }
      return false;
    }

    private static boolean same(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        return a.decimalValue().compareTo(b.decimalValue()) == 0;
      }
      return a.equals(b);
    }

    private static boolean comparable(JsonNode a, JsonNode b) {
      return (a.isNumber() && b.isNumber()) || (a.isTextual() && b.isTextual());
    }

    /** Numbers numerically, strings lexically (ISO dates order correctly); anything else never matches. */
    private static int compare(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        return a.decimalValue().compareTo(b.decimalValue());
      }
      if (a.isTextual() && b.isTextual()) {
        return a.asText().compareTo(b.asText());
      }
      // Incomparable types: report "equal" for gte/lte guards and "not greater/less" otherwise.
      return 0;
    }
  }

  /**
   * Follows a dotted path ({@code properties.items}) through objects. A key may itself contain dots:
   * the contact's counters are keyed by event type, so {@code events.order.completed.count} is
   * {@code events} → {@code order.completed} → {@code count}. At each level the longest run of
   * parts that is a key wins.
   */
  public static Optional<JsonNode> resolve(JsonNode document, String path) {
    String[] parts = path.split("\\.");
    JsonNode current = document;
    int i = 0;
    while (i < parts.length) {
      if (current == null || !current.isObject()) {
        return Optional.empty();
      }
      JsonNode next = null;
      int end = parts.length;
      for (; end > i; end--) {
        next = current.get(String.join(".", java.util.Arrays.copyOfRange(parts, i, end)));
        if (next != null) {
          break;
        }
      }
      if (next == null) {
        return Optional.empty();
      }
      current = next;
      i = end;
    }
    return Optional.ofNullable(current).filter(n -> !n.isMissingNode());
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
