package dev.nudge.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final Instant AT = Instant.parse("2026-12-04T01:00:00Z");

  @Test
  void aLineIsAnEmbeddedMetricFormatDocumentInTheNudgeNamespace() {
    JsonNode line = Metrics.line(Metric.MESSAGES_SENT, 1, AT,
        Metrics.dims("Channel", "email", "Workflow", "welcome-series", "Step", "welcome"));
    JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(AT.toEpochMilli());
    assertThat(directive.path("Namespace").asText()).isEqualTo("Nudge");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Channel\"],[\"Workflow\",\"Step\"]]");
    assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("MessagesSent");
    assertThat(directive.path("Metrics").get(0).path("Unit").asText()).isEqualTo("Count");
    assertThat(line.path("MessagesSent").asDouble()).isEqualTo(1.0);
    assertThat(line.path("Channel").asText()).isEqualTo("email");
    assertThat(line.path("Step").asText()).isEqualTo("welcome");
  }

  @Test
  void aDimensionTheMetricDeclaresCannotBeLeftOut() {
    assertThatThrownBy(() -> Metrics.line(Metric.MESSAGES_SKIPPED, 1, AT, Metrics.dims("Channel", "sms")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Reason");
  }

  @Test
  void anUnknownValueIsWrittenAsNoneSoTheMetricStillCounts() {
    JsonNode line = Metrics.line(Metric.MESSAGES_SKIPPED, 1, AT, Metrics.dims("Channel", "email", "Reason", null));
    assertThat(line.path("Reason").asText()).isEqualTo("none");
  }
}
