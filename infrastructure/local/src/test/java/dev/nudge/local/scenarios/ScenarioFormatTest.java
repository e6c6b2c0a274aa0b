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

/** Invalid scenario files: exit code 2, a message naming the file, the scenario and the field, and nothing run. */
class ScenarioFormatTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String scenarioYaml) throws Exception {
    Files.copy(BundledScenariosTest.bundled().resolve("abandoned-cart.yaml"), dir.resolve("abandoned-cart.yaml"));
    Files.writeString(dir.resolve("abandoned-cart.test.yaml"), scenarioYaml);
    return ScenarioMain.run(List.of(dir), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static String scenario(String timelineEntry, String expectation) {
    return "scenarios:\n  - name: opened\n    timeline:\n      - " + timelineEntry + "\n    expect:\n      - " + expectation + "\n";
  }

  @Test
  void aDurationThatIsNotIso8601IsRefusedNamingTheFileTheScenarioAndTheField() throws Exception {
    int code = run(scenario("{ at: 1h, contact: ana, event: cart.updated }", "{ contact: ana }"));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("abandoned-cart.test.yaml: scenario \"opened\": scenarios[0].timeline[0].at: '1h'");
    assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing ran").doesNotContain("scenario(s)");
  }

  @Test
  void anUnknownKeyIsRefusedSoAMisspeltExpectationCannotPass() throws Exception {
    int code = run(scenario("{ at: PT0S, contact: ana, event: cart.updated }", "{ contact: ana, outcomes: converted }"));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("scenarios[0].expect[0].outcomes: unknown key");
  }

  @Test
  void anOpenWithoutTheMessageItActsOnIsRefused() throws Exception {
    int code = run(scenario("{ at: PT0S, contact: ana, event: email.opened }", "{ contact: ana }"));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("scenarios[0].timeline[0].message: is required for email.opened");
  }

  @Test
  void anOutcomeOutsideTheListIsRefused() throws Exception {
    int code = run(scenario("{ at: PT0S, contact: ana, event: cart.updated }", "{ contact: ana, outcome: done }"));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("scenarios[0].expect[0].outcome: 'done' is not one of converted, exited, completed");
  }

  @Test
  void anExpectationForAContactTheScenarioNeverNamesIsRefused() throws Exception {
    int code = run(scenario("{ at: PT0S, contact: ana, event: cart.updated }", "{ contact: bob }"));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("scenarios[0].expect[0].contact: 'bob' is neither under contacts nor in the timeline");
  }

  @Test
  void aWorkflowWithoutItsFileBesideTheScenariosIsRefused() throws Exception {
    int code = run("workflow: no-such-workflow\n" + scenario("{ at: PT0S, contact: ana, event: cart.updated }",
        "{ contact: ana }"));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("abandoned-cart.test.yaml: workflow: no workflow file no-such-workflow.yaml");
  }

  @Test
  void aTimelineOutOfOrderIsRefused() throws Exception {
    int code = run("scenarios:\n  - name: late\n    timeline:\n      - { at: PT2H, contact: ana, event: cart.updated }\n"
        + "      - { at: PT1H, contact: ana, event: cart.emptied }\n");

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("scenario \"late\": scenarios[0].timeline[1].at: PT1H is before the previous entry's PT2H");
  }

  @Test
  void aPathThatDoesNotExistExitsTwo() {
    int code = ScenarioMain.run(List.of(dir.resolve("missing.test.yaml")), new PrintStream(out), new PrintStream(err));

    assertThat(code).isEqualTo(ScenarioMain.INVALID);
    assertThat(errors()).contains("missing.test.yaml: no such file or directory");
  }
}
