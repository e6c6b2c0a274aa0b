package dev.nudge.workflows.asl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.workflows.Workflows;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Pins the compiled ASL of every bundled workflow. After an intended compiler change, regenerate
 * with {@code mvn -pl functions test -Dtest=GoldenAslTest -Dnudge.golden.update=true} and review
 * the diff of functions/src/test/resources/golden/.
 */
class GoldenAslTest {
  static final List<String> BUNDLED = Workflows.BUNDLED;

  @ParameterizedTest
  @FieldSource("BUNDLED")
  void compilesToTheGoldenDefinition(String id) throws IOException {
    String compiled = AslCompiler.toJson(Compiled.definition(id));
    if (Boolean.getBoolean("nudge.golden.update")) {
      Path file = Compiled.repoRoot().resolve("functions/src/test/resources/golden/" + id + ".asl.json");
      Files.writeString(file, compiled);
      assertThat(Files.readString(file)).isEqualTo(compiled);
      return;
    }
    try (InputStream golden = getClass().getClassLoader().getResourceAsStream("golden/" + id + ".asl.json")) {
      assertThat(golden).as("golden/" + id + ".asl.json (generate with -Dnudge.golden.update=true)").isNotNull();
      assertThat(compiled).isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @ParameterizedTest
  @FieldSource("BUNDLED")
  void compilingTwiceGivesTheSameText(String id) {
    assertThat(AslCompiler.toJson(Compiled.definition(id))).isEqualTo(AslCompiler.toJson(Compiled.definition(id)));
  }
}
