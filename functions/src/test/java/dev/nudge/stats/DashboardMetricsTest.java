package dev.nudge.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import dev.nudge.testing.SamTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A dashboard or alarm that names a metric nothing emits shows a flat line forever: the classic
 * silent failure. Every Nudge metric the template references must be one {@link Metric} declares,
 * under exactly one of its dimension sets (CloudWatch treats each set as a different metric).
 */
class DashboardMetricsTest {
  private static final Pattern SEARCH = Pattern.compile("\\{Nudge((?:,\\w+)*)\\} MetricName=\"(\\w+)\"");
  private static final SamTemplate TEMPLATE = SamTemplate.load();

  /** "MetricName[Dim,Dim]" with dimensions sorted. */
  private static String key(String name, List<String> dims) {
    return name + new TreeSet<>(dims);
  }

  private static Set<String> declared() {
    Set<String> keys = new TreeSet<>();
    for (Metric m : Metric.values()) {
      m.dimensionSets().forEach(set -> keys.add(key(m.metricName(), set)));
    }
    return keys;
  }

  private static List<String> dashboardReferences() throws Exception {
    JsonNode body = Json.mapper().readTree(TEMPLATE.resource("NudgeDashboard").path("Properties").path("DashboardBody").asText());
    List<String> refs = new ArrayList<>();
    for (JsonNode widget : body.path("widgets")) {
      for (JsonNode metric : widget.path("properties").path("metrics")) {
        if (metric.get(0).isTextual() && metric.get(0).asText().equals("Nudge")) {
          List<String> dims = new ArrayList<>();
          for (int i = 2; i + 1 < metric.size() && metric.get(i).isTextual(); i += 2) {
            dims.add(metric.get(i).asText());
          }
          refs.add(key(metric.get(1).asText(), dims));
        } else if (metric.get(0).isObject() && metric.get(0).has("expression")) {
          Matcher search = SEARCH.matcher(metric.get(0).get("expression").asText());
          while (search.find()) {
            List<String> dims = search.group(1).isEmpty() ? List.of()
                : Arrays.asList(search.group(1).substring(1).split(","));
            refs.add(key(search.group(2), dims));
          }
        }
      }
    }
    return refs;
  }

  private static List<String> alarmReferences() {
    List<String> refs = new ArrayList<>();
    TEMPLATE.resources().properties().forEach(e -> {
      if (!e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
        return;
      }
      JsonNode p = e.getValue().path("Properties");
      List<JsonNode> metrics = new ArrayList<>();
      if (p.has("MetricName")) {
        metrics.add(p);
      }
      p.path("Metrics").forEach(m -> {
        if (m.has("MetricStat")) {
          metrics.add(m.path("MetricStat").path("Metric"));
        }
      });
      for (JsonNode m : metrics) {
        if (m.path("Namespace").asText().equals("Nudge")) {
          List<String> dims = new ArrayList<>();
          m.path("Dimensions").forEach(d -> dims.add(d.path("Name").asText()));
          refs.add(key(m.path("MetricName").asText(), dims));
        }
      }
    });
    return refs;
  }

  @Test
  void everyNudgeMetricOnTheDashboardIsEmittedWithThoseExactDimensions() throws Exception {
    List<String> refs = dashboardReferences();
    assertThat(refs).as("the dashboard shows Nudge metrics").hasSizeGreaterThan(10);
    assertThat(declared()).containsAll(refs);
  }

  @Test
  void everyNudgeMetricAnAlarmWatchesIsEmittedWithThoseExactDimensions() {
    List<String> refs = alarmReferences();
    assertThat(refs).as("alarms watch Nudge metrics").isNotEmpty();
    assertThat(declared()).containsAll(refs);
  }

  @Test
  void theCheckCatchesADimensionSetNoFunctionEmits() {
    assertThat(declared()).doesNotContain(key("MessagesSent", List.of("Workflow")));
  }
}
