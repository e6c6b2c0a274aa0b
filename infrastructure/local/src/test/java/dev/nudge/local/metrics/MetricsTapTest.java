package dev.nudge.local.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.platform.Log;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * A cloud's metrics come from the log lines its functions write. The scenario runner silences the
 * log for its run and restores what it found: a cloud started afterwards must still get its lines
 * (the dashboard tests read zero when the tap was lost).
 */
class MetricsTapTest {
  private static final String EMF = "{\"_aws\":{\"Timestamp\":1767225600000,\"CloudWatchMetrics\":[{\"Namespace\":\"Nudge\","
      + "\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"EmailsSent\",\"Unit\":\"Count\"}]}]},\"EmailsSent\":1.0}";

  @Test
  void aCloudAttachedAfterTheLogWasSilencedAndRestoredStillReceivesItsMetrics() {
    PrintStream original = Log.redirect(new PrintStream(OutputStream.nullOutputStream()));
    LocalMetrics duringTheSilence = new LocalMetrics();
    MetricsTap.attach(duringTheSilence);
    Log.redirect(original);
    LocalMetrics afterwards = new LocalMetrics();
    MetricsTap.attach(afterwards);
    try {
      Log.raw(EMF);

      assertThat(afterwards.all()).singleElement().satisfies(point -> {
        assertThat(point.metric()).isEqualTo("EmailsSent");
        assertThat(point.value()).isEqualTo(1.0);
      });
    } finally {
      MetricsTap.detach(duringTheSilence);
      MetricsTap.detach(afterwards);
    }
  }
}
