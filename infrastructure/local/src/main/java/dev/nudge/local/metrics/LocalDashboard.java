package dev.nudge.local.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's {@code AWS::CloudWatch::Dashboard} body, evaluated against {@link LocalMetrics}:
 * metric widgets (namespace, name, dimension pairs, stat), {@code SEARCH} expressions and the
 * arithmetic of metric math ({@code 100 * opened / delivered}). Each series is bucketed by the
 * widget's period over the (virtual) time the data covers, and totalled for the whole range.
 * AWS namespaces (AWS/Lambda, AWS/SQS, AWS/States) have no local data: those series say so
 * instead of drawing a flat line.
 */
public final class LocalDashboard {
  private static final Pattern SEARCH = Pattern.compile(
      "SEARCH\\('\\{([^}]+)\\}\\s+MetricName=\"([^\"]+)\"',\\s*'(\\w+)',\\s*(\\d+)\\)");
  private static final int MAX_BUCKETS = 60;

  /** One drawn line: values per bucket, and the total over the whole range. */
  public record Series(String label, double[] values, double total, boolean visible, String note) {}

  public record Widget(String title, String markdown, List<Series> series) {}

  public record Evaluated(List<Widget> widgets, Instant from, Instant to, long bucketSeconds) {}

  private final LocalMetrics metrics;

  public LocalDashboard(LocalMetrics metrics) {
    this.metrics = metrics;
  }

  public Evaluated evaluate(String dashboardBody, Instant now) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(dashboardBody);
    } catch (IOException e) {
      throw new IllegalArgumentException("DashboardBody is not JSON: " + e.getMessage());
    }
    // At least the last hour, as a CloudWatch dashboard opens; longer when the data goes further back.
    Instant lastHour = now.minus(Duration.ofHours(1));
    Instant from = metrics.all().stream().map(LocalMetrics.Point::at).min(Instant::compareTo)
        .filter(first -> first.isBefore(lastHour)).orElse(lastHour);
    List<Widget> widgets = new ArrayList<>();
    long bucketSeconds = 300;
    for (JsonNode widget : body.path("widgets")) {
      JsonNode p = widget.path("properties");
      if (widget.path("type").asText().equals("text")) {
        widgets.add(new Widget(null, p.path("markdown").asText(""), List.of()));
        continue;
      }
      long period = p.path("period").asLong(300);
      long range = Math.max(1, Duration.between(from, now).getSeconds());
      bucketSeconds = Math.max(1, Math.max(Math.min(period, range), (range + MAX_BUCKETS - 1) / MAX_BUCKETS));
      widgets.add(new Widget(p.path("title").asText(""), null,
          series(p, from, now, bucketSeconds)));
    }
    return new Evaluated(widgets, from, now, bucketSeconds);
  }

  private List<Series> series(JsonNode p, Instant from, Instant to, long bucket) {
    String defaultStat = p.path("stat").asText("Average");
    Map<String, Series> byId = new LinkedHashMap<>();
    List<Series> result = new ArrayList<>();
    int buckets = (int) Math.max(1, (Duration.between(from, to).getSeconds() + bucket) / bucket);
    for (JsonNode metric : p.path("metrics")) {
      JsonNode last = metric.get(metric.size() - 1);
      ObjectNode options = last.isObject() ? (ObjectNode) last : Json.object();
      boolean visible = options.path("visible").asBoolean(true);
      String id = options.path("id").asText(null);
      if (metric.get(0).isObject() && options.has("expression")) {
        String expression = options.get("expression").asText();
        Matcher search = SEARCH.matcher(expression);
        if (search.find()) {
          List<String> parts = Arrays.stream(search.group(1).split(",")).map(String::trim).toList();
          String namespace = parts.get(0);
          var names = new LinkedHashSet<>(parts.subList(1, parts.size()));
          String stat = search.group(3);
          if (namespace.startsWith("AWS/")) {
            result.add(new Series(namespace + " " + search.group(2), new double[buckets], 0, visible,
                "AWS metric: not emulated locally"));
            continue;
          }
          for (Map<String, String> dims : metrics.search(namespace, search.group(2), names)) {
            String label = String.join(" ", names.stream().map(dims::get).toList());
            result.add(compute(label, metrics.query(namespace, search.group(2), dims), stat, from, bucket, buckets, visible));
          }
          continue;
        }
        Series computed = arithmetic(options.path("label").asText(expression), expression, byId, buckets, visible);
        result.add(computed);
        if (id != null) {
          byId.put(id, computed);
        }
        continue;
      }
      String namespace = metric.get(0).asText();
      String name = metric.get(1).asText();
      Map<String, String> dims = new LinkedHashMap<>();
      for (int i = 2; i + 1 < metric.size() && metric.get(i).isTextual(); i += 2) {
        dims.put(metric.get(i).asText(), metric.get(i + 1).asText());
      }
      String label = options.path("label").asText(name + (dims.isEmpty() ? "" : " " + String.join(" ", dims.values())));
      String stat = options.path("stat").asText(defaultStat);
      Series s = namespace.startsWith("AWS/")
          ? new Series(label, new double[buckets], 0, visible, namespace + ": not emulated locally")
          : compute(label, metrics.query(namespace, name, dims), stat, from, bucket, buckets, visible);
      if (id != null) {
        byId.put(id, s);
      }
      result.add(s);
    }
    return result;
  }

  private static Series compute(String label, List<LocalMetrics.Point> points, String stat, Instant from, long bucket,
      int buckets, boolean visible) {
    List<List<Double>> perBucket = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      perBucket.add(new ArrayList<>());
    }
    List<Double> all = new ArrayList<>();
    for (LocalMetrics.Point point : points) {
      int i = (int) Math.min(buckets - 1, Math.max(0, Duration.between(from, point.at()).getSeconds() / bucket));
      perBucket.get(i).add(point.value());
      all.add(point.value());
    }
    double[] values = new double[buckets];
    for (int i = 0; i < buckets; i++) {
      values[i] = statistic(perBucket.get(i), stat);
    }
    return new Series(label, values, statistic(all, stat), visible, null);
  }

  static double statistic(List<Double> values, String stat) {
    if (values.isEmpty()) {
      return 0;
    }
    return switch (stat) {
      case "Sum" -> values.stream().mapToDouble(Double::doubleValue).sum();
      case "Maximum" -> values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      case "Minimum" -> values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      case "SampleCount" -> values.size();
      default -> {
        if (stat.matches("p\\d+(\\.\\d+)?")) {
          double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          double q = Double.parseDouble(stat.substring(1)) / 100;
          yield sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1 < 0 ? 0 : Math.ceil(q * sorted.length) - 1)];
        }
        yield values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      }
    };
  }

  /**
   * Metric math's arithmetic: ids, numbers, + - * / and parentheses, bucket by bucket and on the
   * totals (a rate over the range is the ratio of the totals, not the sum of ratios). Division by
   * zero gives 0, where CloudWatch would leave a gap. Written here because a local dashboard needs
   * only this corner of metric math; anything else is reported as not evaluated.
   */
  private static Series arithmetic(String label, String expression, Map<String, Series> byId, int buckets, boolean visible) {
    try {
      double[] values = new double[buckets];
      for (int i = 0; i < buckets; i++) {
        int bucket = i;
        values[i] = new Arithmetic(expression, id -> series(byId, id).values()[bucket]).parse();
      }
      double total = new Arithmetic(expression, id -> series(byId, id).total()).parse();
      return new Series(label, values, total, visible, null);
    } catch (IllegalArgumentException e) {
      return new Series(label, new double[buckets], 0, visible, "not evaluated locally: " + e.getMessage());
    }
  }

  private static Series series(Map<String, Series> byId, String id) {
    Series s = byId.get(id);
    if (s == null) {
      throw new IllegalArgumentException("unknown id " + id);
    }
    return s;
  }

  private static final class Arithmetic {
    private final String text;
    private final java.util.function.Function<String, Double> ids;
    private int pos;

    Arithmetic(String text, java.util.function.Function<String, Double> ids) {
      this.text = text;
      this.ids = ids;
    }

    double parse() {
      double value = sum();
      skip();
      if (pos != text.length()) {
        throw new IllegalArgumentException("unsupported expression at '" + text.substring(pos) + "'");
      }
      return value;
    }

    private double sum() {
      double value = product();
      while (true) {
        skip();
        if (eat('+')) {
          value += product();
        } else if (eat('-')) {
          value -= product();
        } else {
          return value;
        }
      }
    }

    private double product() {
      double value = factor();
      while (true) {
        skip();
        if (eat('*')) {
          value *= factor();
        } else if (eat('/')) {
          double divisor = factor();
          value = divisor == 0 ? 0 : value / divisor;
        } else {
          return value;
        }
      }
    }

    private double factor() {
      skip();
      if (eat('(')) {
        double value = sum();
        skip();
        if (!eat(')')) {
          throw new IllegalArgumentException("missing )");
        }
        return value;
      }
      int start = pos;
      if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
          pos++;
        }
        return Double.parseDouble(text.substring(start, pos));
      }
      while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos || (pos < text.length() && text.charAt(pos) == '(')) {
        throw new IllegalArgumentException("unsupported expression at '" + text.substring(start) + "'");
      }
      return ids.apply(text.substring(start, pos));
    }

    private boolean eat(char c) {
      if (pos < text.length() && text.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void skip() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }
  }

  /** The evaluated dashboard as JSON (the page's charts read it; so can curl). */
  public static ObjectNode toJson(Evaluated evaluated) {
    ObjectNode root = Json.object();
    root.put("from", evaluated.from().toString()).put("to", evaluated.to().toString())
        .put("bucketSeconds", evaluated.bucketSeconds());
    ArrayNode widgets = root.putArray("widgets");
    for (Widget w : evaluated.widgets()) {
      ObjectNode node = widgets.addObject();
      if (w.markdown() != null) {
        node.put("markdown", w.markdown());
        continue;
      }
      node.put("title", w.title());
      ArrayNode series = node.putArray("series");
      for (Series s : w.series()) {
        if (!s.visible()) {
          continue;
        }
        ObjectNode sn = series.addObject().put("label", s.label()).put("total", s.total());
        if (s.note() != null) {
          sn.put("note", s.note());
        }
        ArrayNode values = sn.putArray("values");
        for (double v : s.values()) {
          values.add(v);
        }
      }
    }
    return root;
  }

}
