package dev.nudge.messaging.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.messaging.Brand;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.MessageTemplate;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.OutgoingMessage;
import dev.nudge.messaging.StoredTemplateCatalog;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.platform.Json;
import dev.nudge.testing.CountingDynamoDb;
import dev.nudge.testing.SamTemplate;
import dev.nudge.testing.TemplateTables;
import dev.nudge.testing.TrackingStack;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.WorkflowParser;
import dev.nudge.workflows.WorkflowValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The templates admin API against DynamoDB Local, through the handler as Lambda runs it. */
class TemplatesAdminTest {
  private final TrackingStack stack = new TrackingStack();
  private final String table = TemplateTables.create(stack.ddb, "TemplatesTable");
  private final List<OutgoingMessage> outbox = new ArrayList<>();
  private final Brand brand = new Brand("Acme", null, "#0f766e", "1 Main St, Springfield");

  private TemplatesAdminHandler handler(DynamoDbClient ddb) {
    TemplateStore store = new TemplateStore(ddb, table);
    BundledMessageTemplates bundled = new BundledMessageTemplates();
    return new TemplatesAdminHandler(new TemplatesAdmin(store, bundled, new MessageTemplates(store.orElse(bundled), brand),
        new dev.nudge.contacts.ContactRepository(ddb, stack.contactsTable), message -> {
          outbox.add(message);
          return "msg-" + outbox.size();
        }, stack.clock));
  }

  private final TemplatesAdminHandler handler = handler(stack.ddb);

  private TrackingStack.Response call(TemplatesAdminHandler h, String route, String id, String body) {
    ObjectNode event = TrackingStack.event("track-signed.json", route, body);
    if (id != null) {
      String path = route.substring(route.indexOf(' ') + 1).replace("{id}", id);
      event.put("rawPath", path);
      ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
      event.putObject("pathParameters").put("id", id);
    }
    return TrackingStack.invoke(h, event);
  }

  private TrackingStack.Response call(String route, String id, String body) {
    return call(handler, route, id, body);
  }

  private static String email(String subject, String html) {
    ObjectNode body = Json.object();
    body.put("channel", "email");
    ObjectNode locales = body.putObject("locales");
    locales.putObject("en").put("subject", subject).put("html", html);
    locales.putObject("es").put("subject", "ES " + subject).put("html", html);
    return Json.write(body);
  }

  @Test
  void eachSaveIsANewVersionAndOldVersionsStayReadable() {
    assertThat(call("PUT /v1/templates/{id}", "spring", email("Spring is here", "<p>One</p>")).status()).isEqualTo(201);
    var second = call("PUT /v1/templates/{id}", "spring", email("Spring is here", "<p>Two</p>"));
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().path("version").asInt()).isEqualTo(2);
    assertThat(call("GET /v1/templates/{id}", "spring", null).json().path("locales").path("en").path("html").asText())
        .isEqualTo("<p>Two</p>");
    ObjectNode event = TrackingStack.event("track-signed.json", "GET /v1/templates/{id}", null);
    event.putObject("pathParameters").put("id", "spring");
    event.putObject("queryStringParameters").put("version", "1");
    assertThat(TrackingStack.invoke(handler, event).json().path("locales").path("en").path("html").asText())
        .isEqualTo("<p>One</p>");
  }

  @Test
  void aSendUsesTheStoredTemplateOverTheBundledOneAndReportsItsVersion() {
    call("PUT /v1/templates/{id}", "welcome-1", email("Hello from the table", "<p>Stored</p>"));
    TemplateStore store = new TemplateStore(stack.ddb, table);
    MessageTemplates templates = new MessageTemplates(store.orElse(new BundledMessageTemplates()), brand);
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, "welcome-1", Json.object());
    assertThat(rendered.subject()).isEqualTo("Hello from the table");
    assertThat(rendered.templateVersion()).isEqualTo(1);
    assertThat(templates.render(Channel.EMAIL, "welcome-2", Json.object()).templateVersion()).isZero();
  }

  @Test
  void afterADeleteSendsFallBackToTheBundledTemplate() {
    call("PUT /v1/templates/{id}", "welcome-1", email("Hello from the table", "<p>Stored</p>"));
    call("DELETE /v1/templates/{id}", "welcome-1", null);
    TemplateStore store = new TemplateStore(stack.ddb, table);
    MessageTemplates.Rendered rendered = new MessageTemplates(store.orElse(new BundledMessageTemplates()), brand)
        .render(Channel.EMAIL, "welcome-1", Json.object());
    assertThat(rendered.subject()).isEqualTo("Welcome to Acme");
    assertThat(rendered.templateVersion()).isZero();
    assertThat(store.version("welcome-1", 1)).isPresent();
  }

  @Test
  void anUnparsableTemplateIsRefusedNamingThePartAndNothingIsStored() {
    var refused = call("PUT /v1/templates/{id}", "broken", email("Hi", "<p>{% for x in y %}</p>"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("locales.en.html");
    assertThat(call("GET /v1/templates/{id}", "broken", null).status()).isEqualTo(404);
    assertThat(storedIds()).isEmpty();
  }

  /** The ids the list reports as stored (bundled ones are listed too, as not stored). */
  private List<String> storedIds() {
    List<String> ids = new ArrayList<>();
    call("GET /v1/templates", null, null).json().path("templates").forEach(t -> {
      if (t.path("stored").asBoolean()) {
        ids.add(t.path("id").asText());
      }
    });
    return ids;
  }

  @Test
  void anUnknownFilterIsRefused() {
    var refused = call("PUT /v1/templates/{id}", "t", email("Hi {{ contact.firstName | shout }}", "<p>x</p>"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("locales.en.subject");
    assertThat(refused.json().path("error").path("message").asText()).contains("shout");
    assertThat(storedIds()).isEmpty();
  }

  @Test
  void anOversizedBodyIsRefusedStatingTheLimit() {
    var refused = call("PUT /v1/templates/{id}", "t", email("Hi", "<p>" + "x".repeat(100_001) + "</p>"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("locales.en.html");
    assertThat(refused.json().path("error").path("message").asText()).contains("100000");
    assertThat(storedIds()).isEmpty();
  }

  @Test
  void aVariantForAnUnknownLocaleIsRefused() {
    String body = email("Hi", "<p>x</p>").replace("\"es\"", "\"qq\"");
    var refused = call("PUT /v1/templates/{id}", "t", body);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("locales.qq");
    assertThat(storedIds()).isEmpty();
  }

  @Test
  void anIdWithPathCharactersIsRefused() {
    var refused = call("PUT /v1/templates/{id}", "..%2Fetc", email("Hi", "<p>x</p>"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("id");
    assertThat(storedIds()).isEmpty();
  }

  @Test
  void aUtmSettingThatIsNotOneOfTheFourOrNotASafeValueIsRefusedNamingItAndNothingIsStored() {
    ObjectNode body = (ObjectNode) Json.parseBody(email("Hi", "<p>x</p>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.putObject("utm").put("term", "x");
    var unknown = call("PUT /v1/templates/{id}", "t", Json.write(body));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorField()).isEqualTo("utm.term");
    body.putObject("utm").put("campaign", "spring sale&x=1");
    var unsafe = call("PUT /v1/templates/{id}", "t", Json.write(body));
    assertThat(unsafe.status()).isEqualTo(400);
    assertThat(unsafe.errorField()).isEqualTo("utm.campaign");
    assertThat(storedIds()).isEmpty();
  }

  @Test
  void aTemplatesUtmSettingIsSavedAndReturned() {
    ObjectNode body = (ObjectNode) Json.parseBody(email("Hi", "<p>x</p>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.putObject("utm").put("campaign", "spring-2027");
    assertThat(call("PUT /v1/templates/{id}", "t", Json.write(body)).status()).isEqualTo(201);
    assertThat(call("GET /v1/templates/{id}", "t", null).json().path("utm").path("campaign").asText()).isEqualTo("spring-2027");
  }

  @Test
  void aTemplateKeepsItsChannel() {
    call("PUT /v1/templates/{id}", "t", email("Hi", "<p>x</p>"));
    var refused = call("PUT /v1/templates/{id}", "t", "{\"channel\":\"sms\",\"locales\":{\"en\":{\"body\":\"Hi\"}}}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("channel");
  }

  @Test
  void savingAnSmsReportsItsSegments() {
    var saved = call("PUT /v1/templates/{id}", "sms-1",
        "{\"channel\":\"sms\",\"locales\":{\"en\":{\"body\":\"Your code is ready\"},\"pl\":{\"body\":\"Zażółć gęślą jaźń\"}}}");
    assertThat(saved.status()).isEqualTo(201);
    JsonNode segments = saved.json().path("segments");
    assertThat(segments.path("en").path("encoding").asText()).isEqualTo("GSM-7");
    assertThat(segments.path("pl").path("encoding").asText()).isEqualTo("UCS-2");
    assertThat(segments.path("pl").path("segments").asInt()).isEqualTo(1);
  }

  @Test
  void theListShowsStoredTemplatesUntilDeleted() {
    call("PUT /v1/templates/{id}", "a", email("A", "<p>a</p>"));
    call("PUT /v1/templates/{id}", "b", email("B", "<p>b</p>"));
    assertThat(call("DELETE /v1/templates/{id}", "a", null).status()).isEqualTo(200);
    List<JsonNode> stored = new ArrayList<>();
    call("GET /v1/templates", null, null).json().path("templates").forEach(t -> {
      if (t.path("stored").asBoolean()) {
        stored.add(t);
      }
    });
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).path("id").asText()).isEqualTo("b");
    assertThat(stored.get(0).path("languages").toString()).isEqualTo("[\"en\",\"es\"]");
    assertThat(call("DELETE /v1/templates/{id}", "a", null).status()).isEqualTo(404);
    assertThat(call("PUT /v1/templates/{id}", "a", email("A again", "<p>a</p>")).json().path("version").asInt()).isEqualTo(2);
  }

  private JsonNode listed(String id) {
    for (JsonNode t : call("GET /v1/templates", null, null).json().path("templates")) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    return null;
  }

  @Test
  void theListShowsTheBundledTemplatesAsVersionZeroNotStored() {
    JsonNode welcome = listed("welcome-1");
    assertThat(welcome).isNotNull();
    assertThat(welcome.path("bundled").asBoolean()).isTrue();
    assertThat(welcome.path("stored").asBoolean()).isFalse();
    assertThat(welcome.path("version").asInt()).isZero();
    assertThat(welcome.has("savedAt")).isFalse();
    assertThat(listed("cart-sms").path("channel").asText()).isEqualTo("sms");
  }

  @Test
  void aStoredTemplateWithABundledIdIsListedOnceAsStoredAndOverridingTheBundledOne() {
    call("PUT /v1/templates/{id}", "welcome-1", email("Hello from the table", "<p>Stored</p>"));
    JsonNode welcome = listed("welcome-1");
    assertThat(welcome.path("stored").asBoolean()).isTrue();
    assertThat(welcome.path("bundled").asBoolean()).isTrue();
    assertThat(welcome.path("version").asInt()).isEqualTo(1);
    long entries = 0;
    for (JsonNode t : call("GET /v1/templates", null, null).json().path("templates")) {
      entries += t.path("id").asText().equals("welcome-1") ? 1 : 0;
    }
    assertThat(entries).isEqualTo(1);
  }

  @Test
  void seedingABundledTemplateIsPuttingBackWhatGetReturns() {
    JsonNode bundled = call("GET /v1/templates/{id}", "cart-reminder", null).json();
    var seeded = call("PUT /v1/templates/{id}", "cart-reminder", Json.write(bundled));
    assertThat(seeded.status()).as(seeded.body()).isEqualTo(201);
    assertThat(seeded.json().path("version").asInt()).isEqualTo(1);
    assertThat(seeded.json().path("locales")).isEqualTo(bundled.path("locales"));
    assertThat(listed("cart-reminder").path("stored").asBoolean()).isTrue();
  }

  @Test
  void aBundledTemplateIsReadableAsVersionZero() {
    JsonNode body = call("GET /v1/templates/{id}", "cart-sms", null).json();
    assertThat(body.path("channel").asText()).isEqualTo("sms");
    assertThat(body.path("version").asInt()).isZero();
    assertThat(body.path("stored").asBoolean()).isFalse();
    assertThat(body.path("segments").path("en").path("segments").asInt()).isEqualTo(1);
  }

  @Test
  void previewRendersForAStoredContactInTheirLanguage() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"ana\",\"locale\":\"es-ES\",\"attributes\":{\"firstName\":\"Ana\"}}");
    var preview = call("POST /v1/templates/{id}/preview", "welcome-1", "{\"contactId\":\"ana\"}");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.json().path("subject").asText()).isEqualTo("Te damos la bienvenida a Acme, Ana");
    assertThat(preview.json().path("locale").asText()).isEqualTo("es");
    assertThat(preview.json().path("html").asText()).contains("Hola, Ana:");
    assertThat(preview.json().path("text").asText()).contains("Hola, Ana:");
  }

  @Test
  void previewRendersASampleContextAndListsWhatIsMissing() {
    var preview = call("POST /v1/templates/{id}/preview", "cart-reminder",
        "{\"context\":{\"trigger\":{\"properties\":{\"items\":[{\"name\":\"Hat\",\"price\":20,\"quantity\":1}]}}}}");
    assertThat(preview.json().path("text").asText()).contains("Hi there,").contains("Hat 20.00");
    assertThat(preview.json().path("missing").toString()).contains("contact.firstName");
  }

  @Test
  void aTestSendGoesToTheGivenAddressTaggedAsATest() {
    var sent = call("POST /v1/templates/{id}/test-send", "welcome-1",
        "{\"to\":\"marketer@example.com\",\"context\":{\"contact\":{\"firstName\":\"Ada\"}}}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(200);
    assertThat(outbox).hasSize(1);
    OutgoingMessage message = outbox.get(0);
    assertThat(message.to()).isEqualTo("marketer@example.com");
    assertThat(message.subject()).isEqualTo("[Test] Welcome to Acme, Ada");
    assertThat(message.tags()).containsEntry(TemplatesAdmin.TEST_TAG, "true").doesNotContainKey("workflow");
  }

  @Test
  void aTestSendNeedsAnAddressOfTheTemplatesChannel() {
    var refused = call("POST /v1/templates/{id}/test-send", "cart-sms", "{\"to\":\"marketer@example.com\"}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("to");
    assertThat(outbox).isEmpty();
  }

  @Test
  void workflowValidationSeesAStoredTemplateOnlyForItsChannel() {
    call("PUT /v1/templates/{id}", "flash-sale", "{\"channel\":\"sms\",\"locales\":{\"en\":{\"body\":\"Sale!\"}}}");
    WorkflowValidator validator = new WorkflowValidator(
        new StoredTemplateCatalog(new BundledTemplates(), new TemplateStore(stack.ddb, table)));
    String yaml = "id: flash\ntrigger: { event: sale.started }\nsteps:\n  - id: tell\n    %s: { template: flash-sale }\n";
    assertThat(validator.check(WorkflowParser.parse(String.format(yaml, "sms")))).isEmpty();
    assertThat(validator.check(WorkflowParser.parse(String.format(yaml, "email"))))
        .extracting(Problem::message).containsExactly("no email template \"flash-sale\"");
  }

  // ---- least privilege: the DynamoDB calls of every route, against the policy in template.yaml

  private static Set<String> granted(String function) {
    Set<String> grants = new HashSet<>();
    for (JsonNode policy : SamTemplate.load().resource(function).path("Properties").path("Policies")) {
      for (JsonNode statement : policy.path("Statement")) {
        JsonNode actions = statement.path("Action");
        JsonNode resources = statement.path("Resource");
        for (JsonNode action : actions.isArray() ? actions : List.of(actions)) {
          for (JsonNode resource : resources.isArray() ? resources : List.of(resources)) {
            grants.add(action.asText() + " " + resource.asText().replace("${", "").replace(".Arn}", "").replace(".Arn", ""));
          }
        }
      }
    }
    return grants;
  }

  private Set<String> notGranted(String function, CountingDynamoDb calls) {
    Set<String> missing = new TreeSet<>();
    Set<String> grants = granted(function);
    for (String permission : calls.permissions()) {
      String logical = permission.replace(table, "TemplatesTable").replace(stack.contactsTable, "ContactsTable");
      if (!grants.contains(logical)) {
        missing.add(logical);
      }
    }
    return missing;
  }

  @Test
  void templatesAdminFunctionsPolicyCoversEveryRoute() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"ana\",\"locale\":\"es-ES\"}");
    CountingDynamoDb calls = new CountingDynamoDb();
    TemplatesAdminHandler counted = handler(calls.client());
    assertThat(call(counted, "PUT /v1/templates/{id}", "t", email("Hi", "<p>x</p>")).status()).isEqualTo(201);
    assertThat(call(counted, "PUT /v1/templates/{id}", "t", email("Hi", "<p>y</p>")).status()).isEqualTo(200);
    assertThat(call(counted, "GET /v1/templates/{id}", "t", null).status()).isEqualTo(200);
    assertThat(call(counted, "GET /v1/templates", null, null).status()).isEqualTo(200);
    assertThat(call(counted, "POST /v1/templates/{id}/preview", "t", "{\"contactId\":\"ana\"}").status()).isEqualTo(200);
    assertThat(call(counted, "POST /v1/templates/{id}/test-send", "t", "{\"to\":\"m@example.com\"}").status()).isEqualTo(200);
    assertThat(call(counted, "DELETE /v1/templates/{id}", "t", null).status()).isEqualTo(200);
    assertThat(calls.permissions()).isNotEmpty();
    assertThat(notGranted("TemplatesAdminFunction", calls)).isEmpty();
    assertThat(granted("TemplatesAdminFunction")).noneMatch(g -> g.substring(0, g.indexOf(' ')).contains("*"));
  }

  @Test
  void theStepFunctionMayReadStoredTemplates() {
    call("PUT /v1/templates/{id}", "t", email("Hi", "<p>x</p>"));
    CountingDynamoDb calls = new CountingDynamoDb();
    TemplateStore store = new TemplateStore(calls.client(), table);
    new MessageTemplates(store.orElse(new BundledMessageTemplates()), brand).render(Channel.EMAIL, "t", Json.object());
    assertThat(notGranted("StepFunction", calls)).isEmpty();
    assertThat(notGranted("WorkflowsAdminFunction", calls)).isEmpty();
    assertThat(SamTemplate.load().resource("StepFunction").path("Properties").path("Environment").path("Variables")
        .has("TEMPLATES_TABLE")).isTrue();
  }

  @Test
  void aStoredTemplateRoundTripsThroughItsJsonForm() {
    MessageTemplate t = MessageTemplate.fromJson("x", Json.mapper().valueToTree(Json.mapper().createObjectNode()
        .put("channel", "sms").set("locales", Json.object().set("en", Json.object().put("body", "Hi")))), 3);
    assertThat(MessageTemplate.fromJson("x", t.toJson(), 3)).isEqualTo(t);
  }
}
