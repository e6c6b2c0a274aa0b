package dev.nudge.local.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A {@code <workflow>.test.yaml} file as read and validated by {@link ScenarioFiles}: the format is
 * docs/workflows.md, "Testing a workflow as code" (and /work/notes/scenario-format.md, v1).
 *
 * @param workflowFile the workflow under test, {@code <workflow>.yaml} beside the scenario file
 */
public record ScenarioFile(Path path, String workflow, Path workflowFile, Instant start, Setup setup,
    List<Scenario> scenarios) {
  public static final Instant DEFAULT_START = Instant.parse("2026-01-05T08:00:00Z");

  /** Applied before each scenario; the maps keep the file's order. */
  public record Setup(List<String> workflows, Map<String, ObjectNode> segments, ObjectNode scoring,
      Map<String, ObjectNode> templates) {
    public static final Setup NONE = new Setup(List.of(), Map.of(), null, Map.of());
  }

  /** @param until how long after the start the clock runs (the default already applied) */
  public record Scenario(String name, List<ContactSpec> contacts, List<Entry> timeline, Duration until,
      List<Expectation> expect) {}

  /** A contact identified before the timeline starts. */
  public record ContactSpec(String id, String email, String phone, String locale, String timezone,
      ObjectNode attributes, List<String> consent, List<String> lists, ObjectNode location) {}

  /**
   * One timeline entry: a tracked event, or (for {@link #FEEDBACK}) SES feedback on the message
   * {@code message} (a step id) sent to the contact.
   */
  public record Entry(int index, Duration at, String contact, String event, JsonNode properties, String message) {
    public boolean feedback() {
      return FEEDBACK.containsKey(event);
    }
  }

  /** email.* events acted out through the local SES simulation, and its feedback type. */
  public static final Map<String, String> FEEDBACK = Map.of("email.opened", "open", "email.clicked", "click",
      "email.bounced", "bounce", "email.complained", "complaint");

  /**
   * @param messages null when not given: the contact must then receive nothing
   * @param webhooks null when not given (not compared); else exactly these webhook calls, in order
   */
  public record Expectation(String contact, List<ExpectedMessage> messages, List<String> path, String outcome,
      List<String> lists, List<ExpectedWebhook> webhooks) {}

  /** One expected webhook call (the local cloud's inbox); a null url is not compared. */
  public record ExpectedWebhook(String step, String url) {}

  /** One expected message; null fields are not compared. */
  public record ExpectedMessage(String step, String template, String channel, String locale, Duration at) {}

  public static final List<String> OUTCOMES = List.of("converted", "exited", "completed", "waiting", "not-started");
}
