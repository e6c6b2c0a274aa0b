package dev.nudge.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The campaigns' scenario files (docs/campaigns.md) name what their workflows have: every step,
 * template and channel an expectation names is that step's, and every path entry is a step. The
 * scenario runner proves the behaviour; this keeps a renamed step or template from leaving a
 * scenario that can no longer match, and runs in milliseconds.
 */
class CampaignScenarioFilesTest {
  static final List<String> CAMPAIGNS = List.of("welcome-series", "first-purchase", "birthday", "cross-sell",
      "best-customer", "re-engagement", "local-store", "lead-nurturing", "mql-handoff");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Workflows WORKFLOWS = new Workflows(new BundledTemplates());

  @ParameterizedTest
  @FieldSource("CAMPAIGNS")
  void everyExpectationNamesAStepTemplateAndChannelOfTheWorkflows(String id) throws Exception {
    JsonNode file = scenarioFile(id);
    assertThat(file.path("workflow").asText(id)).isEqualTo(id);
    List<Workflow> workflows = new ArrayList<>();
    workflows.add(WORKFLOWS.load(Workflows.bundledText(id)));
    file.path("setup").path("workflows").forEach(w -> workflows.add(WORKFLOWS.load(Workflows.bundledText(w.asText()))));
    assertThat(file.path("scenarios")).as(id + ": scenarios").isNotEmpty();
    for (JsonNode scenario : file.path("scenarios")) {
      String name = id + ": " + scenario.path("name").asText();
      assertThat(scenario.path("expect")).as(name + ": expectations").isNotEmpty();
      for (JsonNode expect : scenario.path("expect")) {
        for (JsonNode message : expect.path("messages")) {
          Step step = find(workflows, message.path("step").asText()).orElse(null);
          assertThat(step).as(name + ": step " + message.path("step")).isNotNull();
          assertThat(step.action()).as(name + ": " + step.id()).isInstanceOf(Step.Message.class);
          String channel = step.action() instanceof Step.Sms ? "sms" : "email";
          String template = step.action() instanceof Step.Sms s ? s.template() : ((Step.Email) step.action()).template();
          assertThat(message.path("template").asText()).as(name + ": template of " + step.id()).isEqualTo(template);
          assertThat(message.path("channel").asText(channel)).as(name + ": channel of " + step.id()).isEqualTo(channel);
        }
        for (JsonNode entered : expect.path("path")) {
          assertThat(workflows.get(0).step(entered.asText())).as(name + ": path step " + entered).isPresent();
        }
      }
    }
  }

  private static Optional<Step> find(List<Workflow> workflows, String stepId) {
    return workflows.stream().flatMap(w -> w.step(stepId).stream()).findFirst();
  }

  private static JsonNode scenarioFile(String id) throws Exception {
    try (InputStream in = CampaignScenarioFilesTest.class.getClassLoader().getResourceAsStream("workflows/" + id + ".test.yaml")) {
      assertThat(in).as("workflows/" + id + ".test.yaml").isNotNull();
      return YAML.readTree(in);
    }
  }
}
