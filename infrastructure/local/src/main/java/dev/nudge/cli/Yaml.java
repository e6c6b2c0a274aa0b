package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;

/** YAML files read as JSON trees (the API takes JSON for templates) and written back. */
final class Yaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .disable(YAMLGenerator.Feature.SPLIT_LINES));

  private Yaml() {}

  /** The document, or a usage error naming the file (exit 2): a file that is not YAML cannot be sent. */
  static JsonNode parse(String text, String file) {
    try {
      JsonNode node = YAML.readTree(text);
      if (node == null || !node.isObject()) {
        throw CliException.usage(file + ": not a YAML or JSON object");
      }
      return node;
    } catch (IOException e) {
      throw CliException.usage(file + ": not YAML: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }

  static String write(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
