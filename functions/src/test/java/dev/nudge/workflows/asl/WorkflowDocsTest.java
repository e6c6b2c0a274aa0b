package dev.nudge.workflows.asl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.workflows.Workflows;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** docs/workflows.md prints the transition report; it must be the one the compiler gives today. */
class WorkflowDocsTest {
  static final List<String> BUNDLED = Workflows.BUNDLED;

  @ParameterizedTest
  @FieldSource("BUNDLED")
  void theDocumentedTransitionReportIsCurrent(String id) throws Exception {
    String docs = Files.readString(Compiled.repoRoot().resolve("docs/workflows.md"));
    String report = TransitionReport.markdown(id, TransitionReport.paths(Compiled.definition(id)));
    assertThat(docs).as("docs/workflows.md holds the report of " + id + "; regenerate it with WorkflowCli report")
        .contains(report);
  }
}
