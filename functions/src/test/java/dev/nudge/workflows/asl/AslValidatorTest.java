package dev.nudge.workflows.asl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.workflows.Workflows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every compiled definition passes AWS Labs' asl-validator (npm), installed by the functions build. */
class AslValidatorTest {
  static final List<String> BUNDLED = Workflows.BUNDLED;

  @TempDir
  Path dir;

  record Result(int exit, String output) {}

  static Result validate(Path... definitions) throws IOException, InterruptedException {
    Path validator = Compiled.repoRoot().resolve("node_modules/.bin/asl-validator");
    if (!Files.isExecutable(validator)) {
      throw new AssertionError(validator + " is missing: run `npm install` at the repository root "
          + "(the functions build does it in process-test-resources when ../package-lock.json exists)");
    }
    List<String> command = new java.util.ArrayList<>(List.of(validator.toString()));
    for (Path definition : definitions) {
      command.add("--json-path");
      command.add(definition.toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("asl-validator finished").isTrue();
    return new Result(process.exitValue(), output);
  }

  /** One validator run for all of them: starting node costs seconds on a busy machine. */
  @Test
  void everyBundledWorkflowAndEveryStepKindCompileToDefinitionsAslValidatorAccepts() throws Exception {
    List<Path> files = new java.util.ArrayList<>();
    for (String id : BUNDLED) {
      Path file = dir.resolve(id + ".asl.json");
      Files.writeString(file, AslCompiler.toJson(Compiled.definition(id)));
      files.add(file);
    }
    Path everyKind = dir.resolve("every-kind.asl.json");
    Files.writeString(everyKind, AslCompiler.toJson(Compiled.inline(AslCompilerTest.EVERY_KIND)));
    files.add(everyKind);
    Result result = validate(files.toArray(Path[]::new));
    assertThat(result.exit()).as(result.output()).isZero();
    for (String id : concat(BUNDLED, "every-kind")) {
      assertThat(result.output()).contains(id + ".asl.json\" is valid");
    }
  }

  @Test
  void theValidatorRejectsABrokenDefinition() throws Exception {
    // Guards the guard: a validator that accepted anything would make the tests above meaningless.
    Path file = dir.resolve("broken.asl.json");
    Files.writeString(file, "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Wait\",\"Next\":\"B\"}}}");
    assertThat(validate(file).exit()).isNotZero();
  }

  private static List<String> concat(List<String> list, String more) {
    List<String> all = new java.util.ArrayList<>(list);
    all.add(more);
    return all;
  }
}
