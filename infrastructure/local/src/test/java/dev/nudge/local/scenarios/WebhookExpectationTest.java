package dev.nudge.local.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String SCENARIO = "two webinars cross MQL, sales is notified and the lead gets the note";
  private static final String CRM = "https://crm.example.com/hooks/nudge/qualified-lead";

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void aWebhookToAnotherUrlFailsTheScenarioNamingBothUrls() throws Exception {
    Path bundled = BundledScenariosTest.bundled();
    ObjectNode file = (ObjectNode) YAML.readTree(bundled.resolve("mql-handoff.test.yaml").toFile());
    ArrayNode only = YAML.createArrayNode();
    for (JsonNode scenario : file.path("scenarios")) {
      if (scenario.path("name").asText().equals(SCENARIO)) {
        only.add(scenario);
      }
    }
    assertThat(only).as("the bundled scenario '%s'", SCENARIO).hasSize(1);
    file.set("scenarios", only);
    String real = Files.readString(bundled.resolve("mql-handoff.yaml"));
    String mutated = real.replace(CRM, "https://crm.example.com/hooks/nudge/other");
    assertThat(mutated).as("the workflow posts to " + CRM).isNotEqualTo(real);
    Files.writeString(dir.resolve("mql-handoff.yaml"), mutated);
    Files.writeString(dir.resolve("mql-handoff.test.yaml"), YAML.writeValueAsString(file));

    int code = ScenarioMain.run(List.of(dir), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(report).isEqualTo(ScenarioMain.FAILED);
    assertThat(report).contains("webhooks:").contains("notify-sales → " + CRM)
        .contains("notify-sales → https://crm.example.com/hooks/nudge/other");
  }
}
