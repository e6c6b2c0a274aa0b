package dev.nudge.workflows.pinpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.cli.WorkflowCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinpointImportCliTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new WorkflowCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(), () -> {
          throw new AssertionError("no AWS call expected");
        }).run(args);
  }

  private Path file(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void importPinpointPrintsTheWorkflowOnStdoutAndWhatDidNotConvertOnStderr() throws Exception {
    Path journey = file("journey.json", PinpointJourneyImportTest.fixture("every-activity.json"));

    assertThat(run("import", "pinpoint", journey.toString())).isZero();

    String yaml = out.toString(StandardCharsets.UTF_8);
    assertThat(yaml).contains("id: abandoned-cart-recovery").contains("steps:");
    assertThat(new Workflows((channel, template) -> true).load(yaml).steps()).isNotEmpty();
    String report = err.toString(StandardCharsets.UTF_8);
    assertThat(report).contains(journey + ": activity PushNudge: ").contains(journey + ": journey: Limits.DailyCap")
        .contains("thing(s) not converted exactly");
  }

  @Test
  void importPinpointOfUnreadableJsonExitsTwoNamingTheProblem() throws Exception {
    Path journey = file("journey.json", "{\"JourneyResponse\": {\"Name\": \"x\", \"Activities\": {}}}");

    assertThat(run("import", "pinpoint", journey.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a readable Pinpoint journey: Activities:");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void importWithoutASourceOrFileIsAUsageError() {
    assertThat(run("import", "braze", "x.json")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: WorkflowCli import pinpoint FILE");
    assertThat(run("import", "pinpoint", dir.resolve("missing.json").toString())).isEqualTo(2);
  }
}
