package dev.nudge.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nudge.platform.Json;
import dev.nudge.workflows.Workflows;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTestsTest {
  private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

  private static Map<String, StepStats.Counter> arm(long entered, long delivered, long opened, long clicked) {
    Map<String, StepStats.Counter> c = new HashMap<>();
    c.put("entered", new StepStats.Counter(entered, T, T));
    c.put("sent", new StepStats.Counter(entered, T, T));
    c.put("delivered", new StepStats.Counter(delivered, T, T));
    c.put("opened", new StepStats.Counter(opened, T, T));
    c.put("clicked", new StepStats.Counter(clicked, T, T));
    return c;
  }

  @Test
  void theNormalCdfMatchesItsTable() {
    assertThat(SplitTests.normalCdf(0)).isCloseTo(0.5, within(1e-6));
    assertThat(SplitTests.normalCdf(1.96)).isCloseTo(0.975, within(1e-4));
    assertThat(SplitTests.normalCdf(-1.0)).isCloseTo(0.1587, within(1e-4));
  }

  @Test
  void aClearDifferenceInOpenRateHasASmallPValueAndEqualRatesAPValueOfOne() {
    var clear = Json.object();
    SplitTests.test(clear, 100, 1000, 150, 1000);
    assertThat(clear.path("difference").asDouble()).isEqualTo(-0.05);
    assertThat(clear.path("z").asDouble()).isCloseTo(-3.38, within(0.01));
    assertThat(clear.path("pValue").asDouble()).isLessThan(0.001);
    var same = Json.object();
    SplitTests.test(same, 50, 500, 50, 500);
    assertThat(same.path("pValue").asDouble()).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void theBundledSubjectLineTestReportsItsArmsSideBySideWithComparisonsOfTheArmsThatSent() {
    var steps = new HashMap<String, Map<String, StepStats.Counter>>();
    steps.put("subject-a", arm(450, 440, 88, 22));
    steps.put("subject-b", arm(450, 445, 134, 40));
    steps.put("holdout", Map.of("entered", new StepStats.Counter(100, T, T)));
    var splits = SplitTests.report(dev.nudge.workflows.WorkflowParser.parse(Workflows.bundledText("subject-line-test")).workflow(), steps);
    var ab = splits.get(0);
    assertThat(ab.path("step").asText()).isEqualTo("ab");
    assertThat(ab.path("arms")).extracting(a -> a.path("arm").asText()).containsExactly("subject-a", "subject-b", "holdout");
    assertThat(ab.path("arms").get(0).path("openRate").asDouble()).isEqualTo(0.2);
    assertThat(ab.path("arms").get(2).path("entered").asLong()).isEqualTo(100);
    assertThat(ab.path("arms").get(2).path("openRate").isNull()).isTrue();
    // Only a against b: the holdout sent nothing.
    assertThat(ab.path("comparisons")).hasSize(2);
    assertThat(ab.path("comparisons").get(0).path("metric").asText()).isEqualTo("openRate");
    assertThat(ab.path("comparisons").get(0).path("pValue").asDouble()).isLessThan(0.01);
  }
}
