package dev.nudge.workflows.asl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.Workflows;
import java.nio.file.Path;

/** Test helper: bundled or inline workflows, compiled. */
final class Compiled {
  static final Workflows WORKFLOWS = new Workflows(new BundledTemplates());

  private Compiled() {}

  static Workflow bundled(String id) {
    return WORKFLOWS.load(Workflows.bundledText(id));
  }

  static ObjectNode definition(String id) {
    return AslCompiler.compile(bundled(id));
  }

  static ObjectNode inline(String yaml) {
    return AslCompiler.compile(WORKFLOWS.load(yaml));
  }

  /** The repository root, passed by the build as nudge.repo.root. */
  static Path repoRoot() {
    String root = System.getProperty("nudge.repo.root");
    if (root == null) {
      throw new IllegalStateException("system property nudge.repo.root is not set; run the tests through Maven "
          + "(functions/pom.xml sets it to the repository root)");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }
}
