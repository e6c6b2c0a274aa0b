package dev.nudge.workflows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reading a definition into a valid workflow in one call. */
public final class Workflows {
  /** The example workflows bundled under {@code workflows/} on the classpath. */
  public static final List<String> BUNDLED = List.of(
      "welcome-series", "abandoned-cart", "birthday", "re-engagement", "lead-nurturing", "subject-line-test",
      "first-purchase", "cross-sell", "best-customer", "best-customer-club", "local-store", "mql-handoff",
      "pro-early-access");

  private final WorkflowValidator validator;

  public Workflows(TemplateCatalog templates) {
    this.validator = new WorkflowValidator(templates);
  }

  /** @throws InvalidWorkflowException listing every problem */
  public Workflow load(String text) {
    WorkflowParser.Parsed parsed = WorkflowParser.parse(text);
    List<Problem> problems = validator.check(parsed);
    if (!problems.isEmpty()) {
      throw new InvalidWorkflowException(problems);
    }
    return parsed.workflow();
  }

  public List<Problem> problems(String text) {
    return validator.check(WorkflowParser.parse(text));
  }

  public static String bundledText(String id) {
    try (InputStream in = Workflows.class.getClassLoader().getResourceAsStream("workflows/" + id + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled workflow " + id);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
