package dev.nudge.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes CloudWatch Embedded Metric Format lines to the function's log stream, where CloudWatch
 * Logs turns them into metrics with no API call on the request path.
 *
 * <p>Written here rather than with {@code aws-embedded-metrics}: the EMF document is one small,
 * documented JSON object, and that library brings reflection-driven Jackson binding, commons-lang3,
 * javatuples and SLF4J plus environment probing (it tries a CloudWatch agent socket outside
 * Lambda) into every function's cold start, for the one line this class builds with the Jackson
 * tree Nudge already loads. Measured (docs/benchmarks.md, {@code MetricsColdStart}): the first
 * metric line costs a fresh JVM about 15 ms here and about 230 ms with the library.
 */
public final class Metrics {
  private Metrics() {}

  /** Dimension values from name/value pairs; values may be null (written as {@code none}). */
  public static Map<String, String> dims(String... namesAndValues) {
    Map<String, String> dims = new java.util.HashMap<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      dims.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return dims;
  }

  public static void count(Metric metric, Instant at, Map<String, String> dimensions) {
    record(metric, 1, at, dimensions);
  }

  /**
   * One EMF line: the metric under each of its dimension sets. {@code dimensions} must name every
   * dimension the metric declares; a null value is written as {@code none}.
   */
  public static void record(Metric metric, double value, Instant at, Map<String, String> dimensions) {
    Log.raw(Json.write(line(metric, value, at, dimensions)));
  }

  static ObjectNode line(Metric metric, double value, Instant at, Map<String, String> dimensions) {
    Set<String> names = new LinkedHashSet<>();
    metric.dimensionSets().forEach(names::addAll);
    ObjectNode line = Json.object();
    ObjectNode aws = line.putObject("_aws");
    aws.put("Timestamp", at.toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", Metric.NAMESPACE);
    ArrayNode sets = directive.putArray("Dimensions");
    for (var set : metric.dimensionSets()) {
      ArrayNode names0 = sets.addArray();
      set.forEach(names0::add);
    }
    directive.putArray("Metrics").addObject().put("Name", metric.metricName()).put("Unit", metric.unit().cloudWatchName);
    for (String name : names) {
      if (!dimensions.containsKey(name)) {
        throw new IllegalArgumentException("metric " + metric.metricName() + " needs dimension " + name);
      }
      String v = dimensions.get(name);
      line.put(name, v == null || v.isBlank() ? "none" : v);
    }
    line.put(metric.metricName(), value);
    return line;
  }
}
