package dev.nudge.messaging.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ContactJson;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.MessageTemplate;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.Messenger;
import dev.nudge.messaging.OutgoingMessage;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import dev.nudge.workflows.WorkflowParser;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Message templates as data: save (a new version each time), read, list, delete, preview and
 * test-send. A template is refused before anything is stored if any part does not parse, names an
 * unknown filter, is too large, or has a variant for something that is not a language.
 */
public final class TemplatesAdmin {
  /** The tag SES carries on a test send; feedback without a workflow tag counts for no statistic. */
  public static final String TEST_TAG = "nudge-test";
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  public record Saved(TemplateStore.Stored stored, boolean created) {}

  public record TestSent(String messageId, MessageTemplates.Rendered rendered) {}

  private final TemplateStore store;
  private final BundledMessageTemplates bundled;
  private final MessageTemplates renderer;
  private final ContactRepository contacts;
  private final Messenger messenger;
  private final Clock clock;
  private final Log log = new Log("templates-admin");

  public TemplatesAdmin(TemplateStore store, BundledMessageTemplates bundled, MessageTemplates renderer,
      ContactRepository contacts, Messenger messenger, Clock clock) {
    this.store = store;
    this.bundled = bundled;
    this.renderer = renderer;
    this.contacts = contacts;
    this.messenger = messenger;
    this.clock = clock;
  }

  public Saved save(String id, JsonNode body) {
    requireId(id);
    MessageTemplate template = MessageTemplate.fromJson(id, body, 0);
    Optional<TemplateStore.Stored> current = store.current(id, true);
    if (current.isPresent() && !current.get().deleted() && current.get().template().channel() != template.channel()) {
      throw ApiException.invalid("channel", "template " + id + " is a " + current.get().template().channel().wireName()
          + " template; a template keeps its channel");
    }
    int expected = current.map(s -> s.template().version()).orElse(0);
    Instant now = clock.instant();
    MessageTemplate saved = store.save(template, expected, now).orElseThrow(
        () -> new ApiException(409, "conflict", "another save of this template happened at the same time; retry", "id"));
    log.info("saved", Map.of("template", id, "version", saved.version()));
    return new Saved(new TemplateStore.Stored(saved, now, false), current.isEmpty() || current.get().deleted());
  }

  /** The stored template, else the bundled one (version 0, stored: false). */
  public TemplateStore.Stored find(String id) {
    requireId(id);
    Optional<TemplateStore.Stored> stored = store.current(id, true).filter(s -> !s.deleted());
    if (stored.isPresent()) {
      return stored.get();
    }
    for (Channel channel : Channel.values()) {
      Optional<MessageTemplate> b = bundled.find(channel, id);
      if (b.isPresent()) {
        return new TemplateStore.Stored(b.get(), null, false);
      }
    }
    throw new ApiException(404, "not_found", "no such template", "id");
  }

  public Optional<MessageTemplate> version(String id, int version) {
    requireId(id);
    return store.version(id, version);
  }

  /**
   * One line of the list: {@code stored} (a version is in the table), {@code bundled} (the jar
   * ships one with this id: while nothing is stored it is what sends use, version 0; a stored one
   * overrides it, and deleting that falls back to it).
   */
  public record Listed(TemplateStore.Summary summary, boolean stored, boolean bundled) {}

  /** The stored templates and the bundled ones, by id; a stored template names whether it overrides a bundled one. */
  public List<Listed> list() {
    java.util.Map<String, Listed> byId = new java.util.TreeMap<>();
    java.util.Set<String> bundledIds = new java.util.HashSet<>();
    for (MessageTemplate t : bundled.all()) {
      bundledIds.add(t.id());
      byId.put(t.id(), new Listed(new TemplateStore.Summary(t.id(), t.channel(), 0, t.defaultLocale(),
          List.copyOf(new java.util.TreeSet<>(t.locales().keySet())), null), false, true));
    }
    for (TemplateStore.Summary s : store.list()) {
      byId.put(s.id(), new Listed(s, true, bundledIds.contains(s.id())));
    }
    return List.copyOf(byId.values());
  }

  public void delete(String id) {
    requireId(id);
    if (!store.delete(id, clock.instant())) {
      throw new ApiException(404, "not_found", "no stored template " + id + " (bundled templates cannot be deleted)", "id");
    }
    log.info("deleted", Map.of("template", id));
  }

  /** Renders the template for a stored contact ({@code contactId}) and/or a sample {@code context}. */
  public MessageTemplates.Rendered preview(String id, JsonNode body) {
    MessageTemplate template = find(id).template();
    return renderer.render(template, context(body));
  }

  /**
   * Sends the rendered template to the address in the call, tagged as a test. It does not go
   * through the send service: no ledger entry, no journey, no frequency cap, no statistics.
   */
  public TestSent testSend(String id, JsonNode body) {
    MessageTemplate template = find(id).template();
    JsonNode to = body == null ? null : body.get("to");
    if (to == null || !to.isTextual()) {
      throw ApiException.invalid("to", "to is the address to send the test to");
    }
    String address = to.asText().trim();
    if (template.channel() == Channel.EMAIL ? !EMAIL.matcher(address).matches() : !E164.matcher(address).matches()) {
      throw ApiException.invalid("to", template.channel() == Channel.EMAIL
          ? "to must be an e-mail address" : "to must be a phone number in E.164 form (+34612345678)");
    }
    MessageTemplates.Rendered rendered = renderer.render(template, context(body));
    String subject = rendered.subject() == null ? null : "[Test] " + rendered.subject();
    String messageId = messenger.send(new OutgoingMessage(template.channel(), address, subject, rendered.text(),
        rendered.html(), Map.of(TEST_TAG, "true", "template", id, "templateVersion",
            Integer.toString(template.version()))));
    log.info("test-sent", Map.of("template", id, "version", template.version(), "messageId", messageId));
    return new TestSent(messageId, rendered);
  }

  private ObjectNode context(JsonNode body) {
    if (body != null && !body.isObject() && !body.isMissingNode() && !body.isNull()) {
      throw ApiException.invalid("body", "the body is a JSON object");
    }
    ObjectNode context = Json.object();
    if (body == null || !body.isObject()) {
      return context;
    }
    JsonNode contactId = body.get("contactId");
    if (contactId != null) {
      if (!contactId.isTextual() || contactId.asText().isBlank()) {
        throw ApiException.invalid("contactId", "contactId is a contact's id");
      }
      context = ContactJson.contact(contacts.find(contactId.asText()).orElseThrow(
          () -> new ApiException(404, "not_found", "no such contact", "contactId")), clock.instant());
    }
    JsonNode sample = body.get("context");
    if (sample != null) {
      if (!sample.isObject()) {
        throw ApiException.invalid("context", "context is an object, e.g. {\"contact\": {\"firstName\": \"Ada\"}, \"trigger\": {...}}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = sample.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        context.set(e.getKey(), e.getValue());
      }
    }
    JsonNode locale = body.get("locale");
    if (locale != null) {
      if (!locale.isTextual()) {
        throw ApiException.invalid("locale", "locale is a language tag such as es-ES");
      }
      context.put("locale", locale.asText());
    }
    return context;
  }

  static void requireId(String id) {
    if (id == null || !WorkflowParser.ID.matcher(id).matches()) {
      throw ApiException.invalid("id", "a template id is 1 to 60 of a-z, 0-9 and -, starting with a letter or digit");
    }
  }
}
