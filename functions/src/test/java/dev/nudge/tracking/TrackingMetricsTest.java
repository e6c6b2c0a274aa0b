package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.testing.TrackingStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracking API's EMF metrics: stored events and refused duplicates, by caller. */
class TrackingMetricsTest {
  private final TrackingStack stack = new TrackingStack();

  private List<JsonNode> metricLines(Runnable calls) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = Log.redirect(new PrintStream(captured, true));
    try {
      calls.run();
    } finally {
      Log.redirect(previous);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.contains("\"_aws\"")) {
        lines.add(Json.parseBody(line.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return lines;
  }

  private static double sum(List<JsonNode> lines, String metric) {
    return lines.stream().filter(l -> l.has(metric)).mapToDouble(l -> l.get(metric).asDouble()).sum();
  }

  @Test
  void aStoredEventAndARepeatedOneCountAsTrackedAndDuplicateUnderTheServerSource() {
    String body = "{\"id\":\"m1\",\"type\":\"page.viewed\",\"contactId\":\"c1\"}";
    List<JsonNode> lines = metricLines(() -> {
      stack.signed("POST /v1/track", body);
      stack.signed("POST /v1/track", body);
    });
    assertThat(sum(lines, "EventsTracked")).isEqualTo(1);
    assertThat(sum(lines, "EventsDuplicate")).isEqualTo(1);
    assertThat(lines).filteredOn(l -> l.has("EventsTracked")).allMatch(l -> l.path("Source").asText().equals("server"));
  }

  @Test
  void aBatchCountsAllItsStoredEventsInOneLine() {
    List<JsonNode> lines = metricLines(() -> stack.signed("POST /v1/track", "{\"batch\":["
        + "{\"id\":\"b1\",\"type\":\"a\",\"contactId\":\"c1\"},{\"id\":\"b2\",\"type\":\"a\",\"contactId\":\"c1\"},"
        + "{\"id\":\"b3\",\"type\":\"a\",\"contactId\":\"c2\"}]}"));
    assertThat(lines).filteredOn(l -> l.has("EventsTracked")).singleElement()
        .satisfies(l -> assertThat(l.get("EventsTracked").asDouble()).isEqualTo(3));
  }
}
