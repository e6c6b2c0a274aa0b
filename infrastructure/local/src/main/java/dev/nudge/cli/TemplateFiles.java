package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A template file is the API's template input (channel, defaultLocale, utm, locales) as YAML or
 * JSON, named {@code <id>.yaml}; the channel may instead be the name of its folder
 * ({@code email/}, {@code sms/}), as in the bundled templates.
 */
final class TemplateFiles {
  static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9-]{0,59}$");
  /** What GET /v1/templates/{id} adds to the input; not part of a file. */
  private static final List<String> METADATA = List.of("id", "version", "stored", "bundled", "savedAt", "segments");

  private TemplateFiles() {}

  static ObjectNode input(JsonNode template) {
    ObjectNode input = template.deepCopy();
    METADATA.forEach(input::remove);
    return input;
  }
}
