package dev.nudge.audiences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nudge.workflows.Problem;

/** Reads an audience definition (scoring rules, a segment): YAML or JSON, duplicate keys refused. */
final class Definitions {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** The tree, or the one problem at the root that made it unreadable. */
  record Read(JsonNode tree, Problem problem) {}

  private Definitions() {}

  static Read read(String text) {
    try {
      return new Read(YAML.readTree(text == null ? "" : text), null);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      return new Read(null, new Problem(null, "", "not valid YAML or JSON" + where + ": " + e.getOriginalMessage()));
    }
  }
}
