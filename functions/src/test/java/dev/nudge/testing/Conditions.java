package dev.nudge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.WorkflowParser;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Branch conditions written as in a workflow, for tests of their evaluation. */
public final class Conditions {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Conditions() {}

  /** The condition of a {@code when:} in YAML; a condition that does not parse fails the test. */
  public static Condition when(String yaml) {
    try {
      WorkflowParser.ConditionParse parsed = WorkflowParser.parseCondition(YAML.readTree(yaml), "/when");
      assertThat(parsed.problems()).as("problems of " + yaml).isEmpty();
      return parsed.condition();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
