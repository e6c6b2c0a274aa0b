package dev.nudge.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseTimesTest {
  private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

  @Test
  void aDelayFallsInTheFirstBucketWhoseBoundReachesIt() {
    assertThat(ResponseTimes.counter("opened", Duration.ofSeconds(30))).isEqualTo("opened-within-PT1M");
    assertThat(ResponseTimes.counter("opened", Duration.ofMinutes(5))).isEqualTo("opened-within-PT5M");
    assertThat(ResponseTimes.counter("clicked", Duration.ofHours(30))).isEqualTo("clicked-within-PT48H");
    assertThat(ResponseTimes.counter("converted", Duration.ofDays(90))).isEqualTo("converted-within-longer");
  }

  @Test
  void p50AndP90AreTheBoundsOfTheBucketsWhereTheCumulativeCountCrossesThem() {
    Map<String, StepStats.Counter> counters = new HashMap<>();
    counters.put("opened-within-PT5M", new StepStats.Counter(5, T, T));
    counters.put("opened-within-PT1H", new StepStats.Counter(3, T, T));
    counters.put("opened-within-PT96H", new StepStats.Counter(2, T, T));
    var d = ResponseTimes.distribution("opened", counters);
    assertThat(d.path("samples").asLong()).isEqualTo(10);
    assertThat(d.path("p50").asText()).isEqualTo("PT5M");
    assertThat(d.path("p90").asText()).isEqualTo("PT96H");
    assertThat(d.path("buckets").path("<=PT1H").asLong()).isEqualTo(3);
  }

  @Test
  void noSamplesIsNoDistribution() {
    assertThat(ResponseTimes.distribution("clicked", Map.of())).isNull();
  }
}
