package dev.nudge.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.workflows.Workflows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowCliTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return new WorkflowCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        env, () -> {
          throw new AssertionError("no AWS call expected");
        }).run(args);
  }

  private Path file(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void validatePrintsValidForABundledWorkflow() throws Exception {
    Path cart = file("cart.yaml", Workflows.bundledText("abandoned-cart"));
    assertThat(run(Map.of(), "validate", cart.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("valid (5 steps)");
  }

  @Test
  void validateListsEveryProblemAndExitsWithOne() throws Exception {
    Path bad = file("bad.yaml", "id: bad\ntrigger: { event: x }\nsteps:\n  - id: a\n    wait: { duration: soon }\n    next: b\n");
    assertThat(run(Map.of(), "validate", bad.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("/steps/0/wait/duration (step a)")
        .contains("/steps/0/next (step a)")
        .contains("2 problem(s)");
  }

  @Test
  void compilePrintsTheAslDefinition() throws Exception {
    Path welcome = file("welcome.yaml", Workflows.bundledText("welcome-series"));
    assertThat(run(Map.of(), "compile", welcome.toString())).isZero();
    assertThat(new ObjectMapper().readTree(out.toByteArray()).path("StartAt").asText()).isEqualTo("Enter");
  }

  @Test
  void reportPrintsTransitionsPerPath() throws Exception {
    Path welcome = file("welcome.yaml", Workflows.bundledText("welcome-series"));
    assertThat(run(Map.of(), "report", welcome.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("| welcome → wait-2d → getting-started → wait-12d → feedback | 5 | 7 (5 + 2)");
  }

  @Test
  void publishWithoutTheStackOutputsIsAUsageError() throws Exception {
    Path welcome = file("welcome.yaml", Workflows.bundledText("welcome-series"));
    assertThat(run(Map.of(), "publish", welcome.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("NUDGE_WORKFLOW_ROLE_ARN");
  }

  @Test
  void anUnknownCommandOrMissingFileIsAUsageError() {
    assertThat(run(Map.of(), "deploy", "x.yaml")).isEqualTo(2);
    assertThat(run(Map.of(), "validate", dir.resolve("missing.yaml").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:").contains("no such file");
  }
}
