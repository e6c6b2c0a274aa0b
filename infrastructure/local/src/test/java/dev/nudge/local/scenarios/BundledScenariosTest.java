package dev.nudge.local.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.TestClouds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario of every bundled workflow's {@code <workflow>.test.yaml}, one dynamic test each,
 * run as {@code ./nudge test} runs them; a failing scenario fails with the runner's report.
 */
class BundledScenariosTest {
  static Path bundled() {
    return Path.of(System.getProperty("nudge.repo.root", "../.."), ScenarioMain.BUNDLED).toAbsolutePath().normalize();
  }

  /**
   * Writes into {@code dir} the bundled {@code <workflowId>.test.yaml} narrowed to the one scenario
   * named {@code scenario}, beside {@code workflow} (the real definition or a mutated copy), for a
   * test to run with {@link ScenarioMain#run}.
   */
  static void oneScenarioBeside(Path dir, String workflowId, String scenario, String workflow) throws Exception {
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    var file = (com.fasterxml.jackson.databind.node.ObjectNode) yaml.readTree(
        bundled().resolve(workflowId + ".test.yaml").toFile());
    var only = yaml.createArrayNode();
    file.path("scenarios").forEach(s -> {
      if (s.path("name").asText().equals(scenario)) {
        only.add(s);
      }
    });
    assertThat(only).as("the bundled scenario '%s'", scenario).hasSize(1);
    file.set("scenarios", only);
    java.nio.file.Files.writeString(dir.resolve(workflowId + ".yaml"), workflow);
    java.nio.file.Files.writeString(dir.resolve(workflowId + ".test.yaml"), yaml.writeValueAsString(file));
  }

  @TestFactory
  Stream<DynamicTest> everyBundledScenarioPasses() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    ScenarioRunner runner = new ScenarioRunner(TestClouds.repoTemplate(), LocalCloud.inProcessPort());
    for (Path path : ScenarioFiles.find(bundled())) {
      ScenarioFile file = ScenarioFiles.read(path);
      for (ScenarioFile.Scenario scenario : file.scenarios()) {
        tests.add(DynamicTest.dynamicTest(path.getFileName() + " › " + scenario.name(), () -> {
          ScenarioRunner.Result result = runner.run(file, scenario);
          assertThat(result.passed()).as("%s › %s%n%s", path.getFileName(), scenario.name(), result.report()).isTrue();
        }));
      }
    }
    assertThat(tests).as("scenarios under " + bundled()).isNotEmpty();
    return tests.stream();
  }
}
