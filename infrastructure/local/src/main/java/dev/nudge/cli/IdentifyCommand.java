package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nudge identify CONTACT ...}: POST /v1/identify, signed with a webhook key as a backend signs it. */
@Command(name = "identify", header = "Create or update a contact (e-mail, phone, consent, attributes).", sortOptions = false,
    description = "Create or update a contact (POST /v1/identify), signed like your backend signs it (the key is read "
        + "from the signing-keys parameter in SSM; or set NUDGE_KEY_ID and NUDGE_SIGNING_SECRET). --consent "
        + "subscribes channels; a subscription without double opt-in writes contact.subscribed, which starts a "
        + "welcome series.")
final class IdentifyCommand implements Callable<Integer> {
  enum Channel { email, sms }

  private final CliContext context;

  @Parameters(paramLabel = "CONTACT", description = "Your id for the contact (contactId).")
  String contactId;

  @Option(names = "--email", paramLabel = "ADDRESS")
  String email;

  @Option(names = "--phone", paramLabel = "E164", description = "International format, e.g. +34600000001.")
  String phone;

  @Option(names = "--consent", paramLabel = "CHANNEL", split = ",", description = "Subscribe these channels: email, sms.")
  List<Channel> consent = new ArrayList<>();

  @Option(names = "--double-opt-in", description = "Leave the subscription pending until confirmed (prints the confirmation URL).")
  boolean doubleOptIn;

  @Option(names = {"-a", "--attribute"}, paramLabel = "KEY=VALUE", description = "A profile attribute (repeatable).")
  Map<String, String> attributes = new LinkedHashMap<>();

  @Option(names = "--locale", paramLabel = "TAG", description = "e.g. es-ES.")
  String locale;

  @Option(names = "--timezone", paramLabel = "ZONE", description = "e.g. Europe/Madrid.")
  String timezone;

  @Option(names = "--list", paramLabel = "LIST", description = "Add the contact to this static list (repeatable).")
  List<String> lists = new ArrayList<>();

  @Mixin
  TargetOptions target = new TargetOptions();

  IdentifyCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("contactId", contactId);
    if (email != null) {
      body.put("email", email);
    }
    if (phone != null) {
      body.put("phone", phone);
    }
    if (!attributes.isEmpty()) {
      body.set("attributes", Values.object(attributes));
    }
    if (locale != null) {
      body.put("locale", locale);
    }
    if (timezone != null) {
      body.put("timezone", timezone);
    }
    if (!lists.isEmpty()) {
      lists.forEach(body.putObject("lists").putArray("add")::add);
    }
    if (!consent.isEmpty()) {
      ObjectNode c = body.putObject("consent");
      consent.forEach(channel -> c.putObject(channel.name()).put("status", "subscribed").put("source", "nudge-cli")
          .put("doubleOptIn", doubleOptIn));
    }
    ApiClient api = target.connect(context);
    JsonNode result = api.tracking("/v1/identify", body).check("identify " + contactId).json();
    context.out().println("contact " + result.path("contactId").asText() + (result.path("created").asBoolean() ? " created" : " updated"));
    result.path("consent").fields().forEachRemaining(e -> context.out().println("  " + e.getKey() + ": "
        + e.getValue().path("status").asText()
        + (e.getValue().hasNonNull("confirmationUrl") ? "  confirm at " + e.getValue().get("confirmationUrl").asText() : "")));
    return Nudge.OK;
  }
}
