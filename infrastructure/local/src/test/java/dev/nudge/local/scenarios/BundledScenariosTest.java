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
