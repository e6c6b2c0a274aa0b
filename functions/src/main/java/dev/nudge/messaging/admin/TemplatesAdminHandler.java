package dev.nudge.messaging.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.messaging.AwsMessenger;
import dev.nudge.messaging.Brand;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.MessageTemplate;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.SmsSegments;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;

/**
 * The message templates admin API (IAM-signed requests only): save (each save a new version),
 * read, list, delete, preview and test-send. Bodies are JSON: {@code {"channel", "defaultLocale",
 * "locales": {"en": {"subject", "preheader", "html", "text"}}}} or, for SMS, {@code "body"} per variant.
 */
public final class TemplatesAdminHandler extends HttpApiHandler {
  private final TemplatesAdmin admin;

  public TemplatesAdminHandler() {
    this(Environment.current());
  }

  private TemplatesAdminHandler(Environment env) {
    this(wire(env));
  }

  private static TemplatesAdmin wire(Environment env) {
    var ddb = AwsClients.dynamoDb();
    TemplateStore store = new TemplateStore(ddb, env.require("TEMPLATES_TABLE"));
    BundledMessageTemplates bundled = new BundledMessageTemplates();
    return new TemplatesAdmin(store, bundled, new MessageTemplates(store.orElse(bundled), Brand.from(env)).prime(),
        new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
        AwsMessenger.fromEnvironment(env),
        env.clock());
  }

  public TemplatesAdminHandler(TemplatesAdmin admin) {
    super("templates-admin");
    this.admin = admin;
    route("GET /v1/templates", r -> list());
    route("GET /v1/templates/{id}", this::get);
    route("PUT /v1/templates/{id}", this::save);
    route("DELETE /v1/templates/{id}", r -> {
      admin.delete(id(r));
      ObjectNode body = Json.object();
      body.put("id", id(r));
      body.put("deleted", true);
      return HttpResponse.json(200, body);
    });
    route("POST /v1/templates/{id}/preview", r -> HttpResponse.json(200, rendered(admin.preview(id(r), json(r)))));
    route("POST /v1/templates/{id}/test-send", r -> {
      TemplatesAdmin.TestSent sent = admin.testSend(id(r), json(r));
      ObjectNode body = rendered(sent.rendered());
      body.put("messageId", sent.messageId());
      body.put("test", true);
      return HttpResponse.json(200, body);
    });
  }

  private static String id(HttpRequest request) {
    return request.pathParameters().getOrDefault("id", "");
  }

  private static JsonNode json(HttpRequest request) {
    if (request.body() == null || request.body().length == 0) {
      return Json.object();
    }
    JsonNode node = Json.parseBody(request.body());
    return node == null ? Json.object() : node;
  }

  private HttpResponse list() {
    ObjectNode body = Json.object();
    ArrayNode templates = body.putArray("templates");
    for (TemplatesAdmin.Listed listed : admin.list()) {
      TemplateStore.Summary s = listed.summary();
      ObjectNode o = templates.addObject();
      o.put("id", s.id());
      o.put("channel", s.channel().wireName());
      o.put("version", s.version());
      o.put("defaultLocale", s.defaultLocale());
      ArrayNode languages = o.putArray("languages");
      s.languages().forEach(languages::add);
      if (s.savedAt() != null) {
        o.put("savedAt", Times.format(s.savedAt()));
      }
      o.put("stored", listed.stored());
      o.put("bundled", listed.bundled());
    }
    return HttpResponse.json(200, body);
  }

  private HttpResponse get(HttpRequest request) {
    String version = request.queryParameters().get("version");
    if (version != null) {
      int v;
      try {
        v = Integer.parseInt(version);
      } catch (NumberFormatException e) {
        throw ApiException.invalid("version", "version is a positive integer");
      }
      MessageTemplate template = admin.version(id(request), v).orElseThrow(
          () -> new ApiException(404, "not_found", "no such template version", "version"));
      return HttpResponse.json(200, template(new TemplateStore.Stored(template, null, false)));
    }
    return HttpResponse.json(200, template(admin.find(id(request))));
  }

  private HttpResponse save(HttpRequest request) {
    TemplatesAdmin.Saved saved = admin.save(id(request), json(request));
    return HttpResponse.json(saved.created() ? 201 : 200, template(saved.stored()));
  }

  private static ObjectNode template(TemplateStore.Stored stored) {
    MessageTemplate t = stored.template();
    ObjectNode body = t.toJson();
    body.put("stored", t.version() > 0);
    if (stored.savedAt() != null) {
      body.put("savedAt", Times.format(stored.savedAt()));
    }
    if (!t.segments().isEmpty()) {
      ObjectNode segments = body.putObject("segments");
      for (var e : t.segments().entrySet()) {
        SmsSegments.Count c = e.getValue();
        segments.putObject(e.getKey()).put("encoding", c.encoding()).put("characters", c.units())
            .put("segments", c.segments());
      }
    }
    return body;
  }

  private static ObjectNode rendered(MessageTemplates.Rendered r) {
    ObjectNode body = Json.object();
    body.put("templateId", r.templateId());
    body.put("templateVersion", r.templateVersion());
    body.put("locale", r.locale());
    body.put("subject", r.subject());
    body.put("preheader", r.preheader());
    body.put("text", r.text());
    body.put("html", r.html());
    ArrayNode missing = body.putArray("missing");
    r.missing().forEach(missing::add);
    return body;
  }
}
