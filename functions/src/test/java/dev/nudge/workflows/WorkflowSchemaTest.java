package dev.nudge.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** docs/workflow.schema.json agrees with the parser on the bundled workflows and on mistakes. */
class WorkflowSchemaTest {
  static final List<String> BUNDLED = Workflows.BUNDLED;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonSchema SCHEMA = load();

  private static JsonSchema load() {
    String root = System.getProperty("nudge.repo.root");
    if (root == null) {
      throw new IllegalStateException("system property nudge.repo.root is not set; run the tests through Maven");
    }
    try {
      JsonNode schema = new ObjectMapper().readTree(Files.readString(Path.of(root, "docs", "workflow.schema.json")));
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read docs/workflow.schema.json", e);
    }
  }

  private static Set<ValidationMessage> validate(String yaml) throws Exception {
    return SCHEMA.validate(YAML.readTree(yaml));
  }

  @ParameterizedTest
  @FieldSource("BUNDLED")
  void bundledWorkflowsMatchTheSchema(String id) throws Exception {
    assertThat(validate(Workflows.bundledText(id))).isEmpty();
  }

  @Test
  void aWorkflowWithEveryStepKindMatchesTheSchema() throws Exception {
    assertThat(validate(Fixtures.EVERY_KIND)).isEmpty();
  }

  @Test
  void theSchemaRejectsAnUnknownFieldABadDurationAndAStepWithoutAction() throws Exception {
    Set<ValidationMessage> messages =
        validate("id: t\ntrigger: { event: x }\ncolour: blue\nsteps:\n  - id: a\n    wait: { duration: 2 days }\n");
    assertThat(messages).extracting(ValidationMessage::getMessage).anySatisfy(m -> assertThat(m).contains("colour"));
    assertThat(messages).extracting(m -> m.getInstanceLocation().toString()).contains("$.steps[0].wait.duration");
    assertThat(validate("id: t\ntrigger: { event: x }\nsteps:\n  - id: a\n    next: end\n")).isNotEmpty();
  }

  @Test
  void theSchemaRejectsAPlainHttpWebhookAndSendWindowWithQuietHours() throws Exception {
    assertThat(validate("id: t\ntrigger: { event: x }\nsteps:\n  - id: a\n    webhook: { url: \"http://x.example\" }\n")).isNotEmpty();
    assertThat(validate("id: t\ntrigger: { event: x }\nsendWindow: { from: \"09:00\", to: \"17:00\" }\n"
        + "quietHours: { from: \"21:00\", to: \"08:00\" }\nsteps:\n  - id: a\n    exit: {}\n")).isNotEmpty();
  }

  @Test
  void theSchemaTakesANearWithinRangeAndRejectsOneWithoutARadius() throws Exception {
    String workflow = "id: t\ntrigger: { event: x }\naudience:\n  where: { location: { near: %s } }\n"
        + "steps:\n  - id: a\n    email: { template: welcome-1 }\n";
    assertThat(validate(workflow.formatted("{ lat: 40.4168, lon: -3.7038, km: 25 }"))).isEmpty();
    assertThat(validate(workflow.formatted("{ lat: 40.4168, lon: -3.7038 }"))).isNotEmpty();
    assertThat(validate(workflow.formatted("{ lat: 40.4168, lon: -3.7038, km: 0 }"))).isNotEmpty();
  }
}
