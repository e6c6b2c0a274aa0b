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
 * A scenario's {@code webhooks} expectation reads the local cloud's webhook inbox: the bundled
 * MQL hand-off scenario fails when its workflow posts to another URL, and the report shows both.
 */
class WebhookExpectationTest {
  private static final String SCENARIO = "two webinars cross MQL, sales is notified and the lead gets the note";
  private static final String CRM = "https://crm.example.com/hooks/nudge/qualified-lead";

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void aWebhookToAnotherUrlFailsTheScenarioNamingBothUrls() throws Exception {
    String real = Files.readString(BundledScenariosTest.bundled().resolve("mql-handoff.yaml"));
    String mutated = real.replace(CRM, "https://crm.example.com/hooks/nudge/other");
    assertThat(mutated).as("the workflow posts to " + CRM).isNotEqualTo(real);
    BundledScenariosTest.oneScenarioBeside(dir, "mql-handoff", SCENARIO, mutated);

    int code = ScenarioMain.run(List.of(dir), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(report).isEqualTo(ScenarioMain.FAILED);
    assertThat(report).contains("webhooks:").contains("notify-sales → " + CRM)
        .contains("notify-sales → https://crm.example.com/hooks/nudge/other");
  }
}
