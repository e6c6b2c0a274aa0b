package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.nudge.testing.SamTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * template.yaml passes cfn-lint. The npm package "cfn-lint" (1.9.x, node_modules/.bin) predates
 * AWS::Serverless::HttpApi, SnapStart, Architectures and java21, so it rejects any current SAM
 * template; the linter used here is AWS's cfn-lint (Python, v1), from -Dnudge.cfnlint or PATH.
 */
class TemplateLintTest {

  @Test
  void templatePassesCfnLint() throws Exception {
    String cfnLint = locateCfnLint();
    Path template = SamTemplate.repoRoot().resolve("template.yaml");
    Process process = new ProcessBuilder(cfnLint, template.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("cfn-lint finished").isTrue();
    assertThat(process.exitValue()).as("cfn-lint exit code; output:%n%s", output).isZero();
  }

  private static String locateCfnLint() throws IOException, InterruptedException {
    String configured = System.getProperty("nudge.cfnlint");
    List<String> candidates = configured != null ? List.of(configured) : pathCandidates();
    for (String candidate : candidates) {
      Process version = new ProcessBuilder(candidate, "--version").redirectErrorStream(true).start();
      String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (version.waitFor(60, TimeUnit.SECONDS) && version.exitValue() == 0 && out.matches("cfn-lint [1-9][0-9]*\\..*")) {
        return candidate;
      }
    }
    return fail("AWS cfn-lint (v1 or later) was not found on PATH. Install it with `pip install cfn-lint` "
        + "(or `pipx install cfn-lint`), or point -Dnudge.cfnlint=/path/to/cfn-lint at it. "
        + "The npm package of the same name is too old for AWS::Serverless::HttpApi.");
  }

  private static List<String> pathCandidates() {
    String path = System.getenv().getOrDefault("PATH", "");
    return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .map(dir -> Path.of(dir, "cfn-lint"))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .distinct()
        .toList();
  }
}
