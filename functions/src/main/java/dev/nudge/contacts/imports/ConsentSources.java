package dev.nudge.contacts.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import java.util.Iterator;
import java.util.Map;

/**
 * Nothing is sent without consent, and consent without its origin is worth nothing (GDPR asks who
 * collected it, where): an imported subscription must name its source, from the row
 * ({@code consent.source}) or for the whole file (the object's {@code consent-source} metadata).
 * An unsubscription needs none; it is recorded as coming from "import".
 */
final class ConsentSources {
  static final String UNSUBSCRIBE_SOURCE = "import";

  private ConsentSources() {}

  static void apply(ObjectNode body, String rowSource, ImportOptions options) {
    JsonNode consent = body.get("consent");
    if (!(consent instanceof ObjectNode channels)) {
      return;
    }
    String source = rowSource != null ? rowSource : options.consentSource();
    for (Iterator<Map.Entry<String, JsonNode>> it = channels.fields(); it.hasNext(); ) {
      var entry = it.next();
      ObjectNode channel = (ObjectNode) entry.getValue();
      if (source != null) {
        channel.put("source", source);
      } else if ("subscribed".equals(channel.path("status").asText())) {
        throw ApiException.invalid("consent." + entry.getKey() + ".source", "a subscription needs its consent source: "
            + "a consent.source column, or the object's " + ImportOptions.CONSENT_SOURCE_METADATA + " metadata");
      } else {
        channel.put("source", UNSUBSCRIBE_SOURCE);
      }
    }
  }
}
