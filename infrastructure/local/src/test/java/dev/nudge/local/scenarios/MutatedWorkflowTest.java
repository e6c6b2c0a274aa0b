package dev.nudge.local.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled abandoned-cart scenario "ignored reminder → SMS a day later", run through
 * {@link ScenarioMain#run} against the real workflow (exit 0) and against a mutated copy whose
 * waitFor times out after two days instead of one (exit 1, and a report that shows the SMS a day
 * late). Both are built from the real files, so the test follows them.
 */
class MutatedWorkflowTest {
  private static final String SCENARIO = "an ignored reminder brings the SMS a day later";

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** The bundled scenario file with only {@link #SCENARIO}, beside {@code workflow}. */
  private int runWith(String workflow) throws Exception {
    BundledScenariosTest.oneScenarioBeside(dir, "abandoned-cart", SCENARIO, workflow);
    return ScenarioMain.run(List.of(dir), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String realWorkflow() throws Exception {
    return Files.readString(BundledScenariosTest.bundled().resolve("abandoned-cart.yaml"));
  }

  @Test
  void theRealWorkflowPassesItsScenarioAndTheRunExitsZero() throws Exception {
    int code = runWith(realWorkflow());

    assertThat(code).as(out.toString(StandardCharsets.UTF_8) + err).isEqualTo(ScenarioMain.PASSED);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("✓ abandoned-cart.test.yaml › " + SCENARIO)
        .contains("1 passed, 0 failed");
  }

  @Test
  void aWaitForTimeoutOfTwoDaysFailsTheScenarioWithAReportShowingTheSmsADayLate() throws Exception {
    String real = realWorkflow();
    String mutated = real.replace("timeout: P1D", "timeout: P2D");
    assertThat(mutated).as("the real workflow's waitFor timeout is P1D").isNotEqualTo(real);

    int code = runWith(mutated);

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(report).isEqualTo(ScenarioMain.FAILED);
    assertThat(report).contains("✗ abandoned-cart.test.yaml › " + SCENARIO).contains("contact ben");
    // The SMS row: expected a day and an hour after the cart, sent two days and an hour after it.
    assertThat(report.lines().filter(l -> l.startsWith("    ✗ ")).toList()).singleElement().satisfies(row -> {
      assertThat(row).contains("P1DT1H").contains("P2DT1H").contains("sms").contains("cart-sms");
    });
    assertThat(report).contains("0 passed, 1 failed");
  }
}
