package dev.nudge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nudge test}: scenario files run in-process by the scenario runner (dev.nudge.local.scenarios.ScenarioMain). */
class TestCommandTest {
  private static final String WORKFLOW = "id: cli-hello\ntrigger: { event: cli.hello }\naudience: { consent: email }\n"
      + "steps:\n  - id: wait-1h\n    wait: { duration: PT1H }\n  - id: hello\n    email: { template: welcome-1 }\n";

  private final Cli cli = Cli.offline();

  @TempDir
  Path dir;

  @BeforeEach
  void workflow() throws IOException {
    Files.writeString(dir.resolve("cli-hello.yaml"), WORKFLOW);
  }

  private Path scenario(String expectedStep) throws IOException {
    return Files.writeString(dir.resolve("cli-hello.test.yaml"), """
        scenarios:
          - name: a greeting an hour after hello
            contacts:
              - { id: ana, email: ana@example.com, locale: en, consent: [email] }
            timeline:
              - { at: PT0S, contact: ana, event: cli.hello }
            until: P1D
            expect:
              - contact: ana
                messages:
                  - { step: %s, template: welcome-1, channel: email, at: PT1H }
        """.formatted(expectedStep));
  }

  @Test
  void aScenarioThatHoldsPassesWithExitZero() throws IOException {
    scenario("hello");

    Cli.Result result = cli.run("test", dir.toString());

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out()).contains("✓ cli-hello.test.yaml › a greeting an hour after hello").contains("1 passed, 0 failed");
  }

  @Test
  void aScenarioThatFailsExitsOneWithTheTimelines() throws IOException {
    scenario("greeting");

    Cli.Result result = cli.run("test", dir.resolve("cli-hello.test.yaml").toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(1);
    assertThat(result.out()).contains("✗ cli-hello.test.yaml").contains("greeting").contains("0 passed, 1 failed");
  }

  @Test
  void aPathThatDoesNotExistIsAUsageError() {
    Cli.Result result = cli.run("test", dir.resolve("missing.test.yaml").toString());

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("no such file or directory");
  }

  @Test
  void anInvalidScenarioFileIsAUsageError() throws IOException {
    Files.writeString(dir.resolve("cli-hello.test.yaml"), "scenarios:\n  - name: no contacts\n    expect: 3\n");

    Cli.Result result = cli.run("test", dir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("cli-hello.test.yaml");
  }
}
