package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code nudge scoring publish FILE}: PUT /v1/scoring; the events-stream consumer applies the rules from its next batch. */
@Command(name = "publish", header = "Publish lead-scoring rules from a file.",
    description = "Publish lead-scoring rules (PUT /v1/scoring), YAML or JSON: rules (id, event, where, points, cap), "
        + "thresholds and halfLife. Invalid rules are refused with every problem and its path; nothing is "
        + "stored.")
final class ScoringPublishCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE", description = "The rules (.yaml or .json).")
  Path file;

  @Mixin
  TargetOptions target = new TargetOptions();

  ScoringPublishCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw CliException.usage("no such file: " + context.show(file));
    }
    String text = InputFiles.read(file, context);
    String type = file.getFileName().toString().endsWith(".json") ? "application/json" : "application/yaml";
    ApiClient api = target.connect(context);
    ApiClient.Response response = api.admin("PUT", "/v1/scoring", text, type);
    if (!response.ok()) {
      context.err().println(context.show(file) + ": " + response.describe());
      return Nudge.FAILED;
    }
    JsonNode rules = response.json();
    StringBuilder thresholds = new StringBuilder();
    rules.path("thresholds").forEach(t -> thresholds.append(thresholds.length() == 0 ? "" : ", ")
        .append(t.path("name").asText()).append(" at ").append(t.path("score").asInt()));
    context.out().println(context.show(file) + ": scoring version " + rules.path("version").asInt() + " published to "
        + api.where() + ", " + rules.path("rules").asInt() + " rule(s)"
        + (thresholds.length() == 0 ? "" : ", thresholds " + thresholds));
    return Nudge.OK;
  }
}
