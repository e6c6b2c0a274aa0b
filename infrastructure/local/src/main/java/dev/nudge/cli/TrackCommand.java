package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nudge track TYPE --contact ID}: POST /v1/track, signed as a backend signs it. */
@Command(name = "track", header = "Send a contact's event.", sortOptions = false,
    description = "Send an event (POST /v1/track), signed like your backend signs it. The same --id twice is stored "
        + "once (answered \"duplicate\"), so retries are safe.")
final class TrackCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "TYPE", description = "The event type, e.g. cart.updated.")
  String type;

  @Option(names = {"-c", "--contact"}, required = true, paramLabel = "CONTACT", description = "Your id for the contact.")
  String contactId;

  @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
      description = "An event property (repeatable); JSON values are kept as such: total=59.9, "
          + "items='[{\"sku\":\"A1\"}]'.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--id", paramLabel = "EVENT_ID", description = "The event id, the idempotency key (default: a new one).")
  String id;

  @Mixin
  TargetOptions target = new TargetOptions();

  TrackCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String eventId = id != null ? id : "cli-" + UUID.randomUUID();
    ObjectNode body = ApiClient.JSON.createObjectNode().put("id", eventId).put("type", type).put("contactId", contactId);
    if (!properties.isEmpty()) {
      body.set("properties", Values.object(properties));
    }
    ApiClient api = target.connect(context);
    JsonNode result = api.tracking("/v1/track", body).check("track " + type).json();
    context.out().println(type + " " + result.path("id").asText(eventId) + " for " + result.path("contactId").asText(contactId)
        + ": " + result.path("status").asText());
    return Nudge.OK;
  }
}
