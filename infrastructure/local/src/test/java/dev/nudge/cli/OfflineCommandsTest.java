package dev.nudge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands that need no cloud: validate, compile, import pinpoint, and the arguments local and bench hand on. */
class OfflineCommandsTest {
  private final Cli cli = Cli.offline();

  @TempDir
  Path temp;

  @Nested
  class Validate {
    @Test
    void everyBundledWorkflowIsValid() {
      Cli.Result result = cli.run("validate", Cli.WORKFLOWS.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("welcome-series.yaml: valid (welcome-series");
    }

    @Test
    void anInvalidWorkflowIsListedWithItsProblemsAndExitsOne() throws IOException {
      Path bad = Files.writeString(temp.resolve("bad.yaml"),
          "id: bad\ntrigger: { event: a.b }\nsteps:\n  - id: hello\n    email: { template: no-such-template }\n");

      Cli.Result result = cli.run("validate", bad.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.err()).contains("bad.yaml: ").contains("no-such-template").contains("problem(s)");
    }

    @Test
    void aMissingFileIsAUsageError() {
      Cli.Result result = cli.run("validate", temp.resolve("nothing.yaml").toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).contains("no such file or directory");
    }

    @Test
    void relativePathsAreReadFromTheCallersDirectory() {
      Cli.Result result = new Cli(null, Cli.WORKFLOWS).run("validate", "birthday.yaml");

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).startsWith("birthday.yaml: valid");
    }
  }

  @Nested
  class Compile {
    @Test
    void writesTheStatesLanguageDefinition() throws IOException {
      Path out = temp.resolve("welcome.asl.json");

      Cli.Result result = cli.run("compile", Cli.WORKFLOWS.resolve("welcome-series.yaml").toString(), "-o", out.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(Files.readString(out)).contains("\"StartAt\"").contains("\"States\"");
    }

    @Test
    void withoutAFileIsAUsageError() {
      Cli.Result result = cli.run("compile");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("Missing required parameter: 'FILE'");
    }
  }

  @Nested
  class ImportPinpoint {
    private final Path journey = Cli.REPO.resolve("functions/src/test/resources/pinpoint/every-activity.json");

    @Test
    void convertsAJourneyAndListsWhatDidNotConvertExactly() {
      Cli.Result result = cli.run("import", "pinpoint", journey.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("steps:");
      assertThat(result.err()).contains("activities converted");
    }

    @Test
    void aFileThatIsNotAJourneyIsAUsageError() throws IOException {
      Path notJson = Files.writeString(temp.resolve("journey.json"), "not json");

      Cli.Result result = cli.run("import", "pinpoint", notJson.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).contains("not a readable Pinpoint journey");
    }

    @Test
    void importWithoutASourceIsAUsageError() {
      assertThat(cli.run("import").code()).isEqualTo(2);
    }
  }

  @Nested
  class Local {
    @Test
    void handsItsOptionsToTheLocalCloudsMain() {
      LocalCommand local = parse(new LocalCommand(), "--in-memory", "--port", "9999", "--time-scale", "60",
          "--param", "BrandName=Acme");

      assertThat(local.mainArguments()).containsExactly("--in-memory", "--port", "9999", "--time-scale", "60.0",
          "--param", "BrandName=Acme");
    }

    @Test
    void aPortThatIsNotANumberIsAUsageError() {
      Cli.Result result = cli.run("local", "--port", "eighty");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("--port");
    }

    @Test
    void dataAndInMemoryExcludeEachOther() {
      assertThat(cli.run("local", "--in-memory", "--data", "x").code()).isEqualTo(2);
    }
  }

  @Nested
  class Bench {
    @Test
    void handsItsOptionsToTheBenchmark() {
      BenchCommand bench = parse(new BenchCommand(), "--seconds", "5", "--clients", "2", "--in-memory");

      assertThat(bench.benchmarkArguments()).containsExactly("--seconds", "5", "--clients", "2", "--in-memory");
    }

    @Test
    void handsTheLatencyOptionsTheBenchmarksDocumentationUsesToTheBenchmark() {
      BenchCommand bench = parse(new BenchCommand(), "--no-starts", "--seconds", "20", "--emails", "30", "--jfr", "/tmp/c.jfr");

      assertThat(bench.benchmarkArguments()).containsExactly("--seconds", "20", "--clients", "8", "--no-starts",
          "--emails", "30", "--jfr", "/tmp/c.jfr");
    }

    @Test
    void handsAPacedRateToTheBenchmark() {
      BenchCommand bench = parse(new BenchCommand(), "--no-starts", "--rate", "150");

      assertThat(bench.benchmarkArguments()).containsExactly("--seconds", "20", "--clients", "8", "--no-starts",
          "--rate", "150");
    }

    @Test
    void aRateBelowOneIsAUsageError() {
      Cli.Result result = cli.run("bench", "--rate", "0");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("--rate");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
      Cli.Result result = cli.run("bench", "--rounds", "3");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("Unknown option").contains("'--rounds'");
    }
  }

  @Nested
  class Help {
    @Test
    void everyCommandHasHelpWithTheExitCodes() {
      for (String command : new String[] {"local", "bench", "validate", "compile", "test", "publish", "templates", "scoring",
          "stats", "identify", "track", "outbox", "contacts", "import"}) {
        Cli.Result result = cli.run(command, "--help");

        assertThat(result.code()).as(command).isZero();
        assertThat(result.out()).as(command).contains("Usage: nudge " + command).contains("Exit codes:")
            .contains("2   usage error");
      }
    }

    @Test
    void anUnknownCommandIsAUsageError() {
      Cli.Result result = cli.run("deploy");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("Unmatched argument at index 0: 'deploy'");
    }

    @Test
    void noCommandPrintsTheCommandsAndIsAUsageError() {
      Cli.Result result = cli.run();

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("Commands:").contains("publish");
    }
  }

  private static <T> T parse(T command, String... args) {
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
