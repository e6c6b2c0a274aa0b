package dev.nudge.local.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What CloudWatch does with the functions' Embedded Metric Format lines, on one machine: each line
 * the in-process functions print becomes one data point per declared dimension set, queryable by
 * namespace, metric name and exact dimensions, as CloudWatch stores them. Bounded, oldest first out.
 */
public final class LocalMetrics {
  static final int MAX_POINTS = 200_000;

  /** One value of a metric under exactly these dimensions (name to value). */
  public record Point(String namespace, String metric, Map<String, String> dimensions, Instant at, double value) {}

  private final List<Point> points = new CopyOnWriteArrayList<>();

  /** Reads one printed line; lines that are not EMF documents are ignored. */
  public void accept(String line) {
    if (line == null || !line.contains("\"_aws\"")) {
      return;
    }
    JsonNode doc;
    try {
      doc = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      return;
    }
    Instant at = Instant.ofEpochMilli(doc.path("_aws").path("Timestamp").asLong());
    List<Point> parsed = new ArrayList<>();
    for (JsonNode directive : doc.path("_aws").path("CloudWatchMetrics")) {
      String namespace = directive.path("Namespace").asText();
      for (JsonNode metric : directive.path("Metrics")) {
        String name = metric.path("Name").asText();
        JsonNode value = doc.path(name);
        if (!value.isNumber()) {
          continue;
        }
        for (JsonNode set : directive.path("Dimensions")) {
          Map<String, String> dims = new HashMap<>();
          set.forEach(d -> dims.put(d.asText(), doc.path(d.asText()).asText()));
          parsed.add(new Point(namespace, name, Map.copyOf(dims), at, value.asDouble()));
        }
      }
    }
    points.addAll(parsed);
    int excess = points.size() - MAX_POINTS;
    if (excess > 0) {
      points.subList(0, excess).clear();
    }
  }

  /** The points of a metric under exactly these dimensions. */
  public List<Point> query(String namespace, String metric, Map<String, String> dimensions) {
    return points.stream().filter(p -> p.namespace().equals(namespace) && p.metric().equals(metric)
        && p.dimensions().equals(dimensions)).toList();
  }

  /** What a SEARCH over {namespace,dims...} MetricName="metric" finds: each dimension-value combination. */
  public List<Map<String, String>> search(String namespace, String metric, Set<String> dimensionNames) {
    Set<Map<String, String>> found = new HashSet<>();
    for (Point p : points) {
      if (p.namespace().equals(namespace) && p.metric().equals(metric) && p.dimensions().keySet().equals(dimensionNames)) {
        found.add(p.dimensions());
      }
    }
    return found.stream().sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
  }

  public List<Point> all() {
    return List.copyOf(points);
  }
}
