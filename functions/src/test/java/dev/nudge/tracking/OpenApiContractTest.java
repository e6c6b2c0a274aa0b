package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nudge.testing.SamTemplate;
import dev.nudge.testing.TrackingStack;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.MessageTemplate;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.messaging.admin.TemplatesAdmin;
import dev.nudge.messaging.admin.TemplatesAdminHandler;
import dev.nudge.testing.TemplateTables;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml, template.yaml and the handlers describe the same API. */
class OpenApiContractTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
  private final JsonNode openApi = load();
  private final List<SamTemplate.Route> templateRoutes = SamTemplate.load().httpRoutes();

  private static JsonNode load() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(
          Files.readString(SamTemplate.repoRoot().resolve("docs/openapi.yaml")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Set<String> documentedRoutes() {
    Set<String> routes = new HashSet<>();
    openApi.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (METHODS.contains(method)) {
        routes.add(method.toUpperCase() + " " + path.getKey());
      }
    }));
    return routes;
  }

  @Test
  void everyDocumentedRouteIsInTheTemplateAndEveryTemplateRouteIsDocumented() {
    Set<String> inTemplate = new HashSet<>();
    templateRoutes.forEach(r -> inTemplate.add(r.routeKey()));
    assertThat(documentedRoutes()).isNotEmpty().isEqualTo(inTemplate);
  }

  @Test
  void everyRouteIsAnsweredByTheHandlerTheTemplateNamesForIt() {
    TrackingStack stack = new TrackingStack();
    RequestStreamHandler workflowsAdmin = new dev.nudge.journeys.JourneyStack().adminHandler();
    TemplateStore templateStore = new TemplateStore(stack.ddb, TemplateTables.create(stack.ddb, "TemplatesTable"));
    RequestStreamHandler templatesAdmin = new TemplatesAdminHandler(new TemplatesAdmin(templateStore,
        new BundledMessageTemplates(), new MessageTemplates(), stack.contacts, m -> "m", stack.clock));
    String workflowsTable = TemplateTables.create(stack.ddb, "WorkflowsTable");
    RequestStreamHandler scoringAdmin = new dev.nudge.audiences.AudiencesAdminHandler(
        new dev.nudge.audiences.ScoringStore(stack.ddb, workflowsTable),
        new dev.nudge.audiences.SegmentStore(stack.ddb, workflowsTable),
        new dev.nudge.audiences.SegmentMembers(stack.ddb, TemplateTables.create(stack.ddb, "SegmentsTable")),
        new dev.nudge.audiences.ListMembers(stack.ddb, stack.contactsTable,
            new dev.nudge.contacts.EventRepository(stack.ddb, stack.eventsTable), stack.clock,
            java.time.Duration.ofDays(400)), stack.clock);
    RequestStreamHandler importsAdmin = new dev.nudge.contacts.imports.ImportsAdminHandler(
        new dev.nudge.contacts.imports.ImportRecords(stack.ddb, workflowsTable));
    Map<String, RequestStreamHandler> handlers = Map.of(
        importsAdmin.getClass().getName(), importsAdmin,
        scoringAdmin.getClass().getName(), scoringAdmin,
        stack.track.getClass().getName(), stack.track,
        stack.consent.getClass().getName(), stack.consent,
        stack.admin.getClass().getName(), stack.admin,
        workflowsAdmin.getClass().getName(), workflowsAdmin,
        templatesAdmin.getClass().getName(), templatesAdmin);
    List<String> unanswered = new ArrayList<>();
    for (SamTemplate.Route route : templateRoutes) {
      String className = route.handler().substring(0, route.handler().indexOf("::"));
      assertThat(handlers).as("%s's handler %s serves %s: add it to this test's handler map", route.function(),
          className, route.routeKey()).containsKey(className);
      String path = route.path().replace("{token}", "t").replace("{id}", "c").replace("{list}", "l");
      ObjectNode event = TrackingStack.event("track-signed.json", route.routeKey(), "{}");
      event.put("rawPath", path);
      ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
      event.putObject("pathParameters").put("token", "t").put("id", "c").put("list", "l");
      TrackingStack.Response response = TrackingStack.invoke(handlers.get(className), event);
      if (response.status() == 404 && response.body().contains("no_route")) {
        unanswered.add(route.routeKey());
      }
    }
    assertThat(unanswered).isEmpty();
  }

  @Test
  void aHandlerAnswersNoRouteForARouteItDoesNotServe() {
    TrackingStack stack = new TrackingStack();
    ObjectNode event = TrackingStack.event("track-signed.json", "GET /v1/contacts/{id}", null);
    assertThat(TrackingStack.invoke(stack.track, event).errorCode()).isEqualTo("no_route");
  }

  @Test
  void adminRoutesAreIamOnlyInBothDocuments() {
    for (SamTemplate.Route route : templateRoutes) {
      JsonNode security = openApi.path("paths").path(route.path()).path(route.method().toLowerCase()).path("security");
      boolean documentedIam = security.size() == 1 && security.get(0).has("iam");
      assertThat(documentedIam).as(route.routeKey()).isEqualTo(route.iamAuth());
    }
  }

  @Test
  void theDocumentedEventFieldsAreExactlyTheOnesTheParserAccepts() {
    assertThat(fieldNames("TrackEvent")).isEqualTo(TrackCommand.FIELDS);
    assertThat(fieldNames("Identify")).isEqualTo(IdentifyRequest.FIELDS);
  }

  @Test
  void theDocumentedLimitsAreTheEnforcedOnes() {
    JsonNode batch = openApi.path("components").path("schemas").path("TrackBatch").path("properties").path("batch");
    assertThat(batch.path("maxItems").asInt()).isEqualTo(Validation.MAX_BATCH);
    assertThat(openApi.path("components").path("schemas").path("Identify").path("properties").path("attributes")
        .path("maxProperties").asInt()).isEqualTo(IdentifyRequest.MAX_ATTRIBUTES);
    String description = openApi.path("info").path("description").asText();
    assertThat(description).contains("Body " + Validation.MAX_BODY_BYTES / 1024 + " KiB")
        .contains("at most " + Validation.MAX_PROPERTY_KEYS + " keys")
        .contains("nesting at most " + Validation.MAX_PROPERTY_DEPTH + " levels")
        .contains("strings at most " + Validation.MAX_STRING + " characters");
  }

  @Test
  void theDocumentedTemplateLimitsAreTheEnforcedOnes() {
    JsonNode variant = openApi.path("components").path("schemas").path("TemplateVariant").path("properties");
    assertThat(variant.path("subject").path("maxLength").asInt()).isEqualTo(MessageTemplate.MAX_SUBJECT);
    assertThat(variant.path("preheader").path("maxLength").asInt()).isEqualTo(MessageTemplate.MAX_SUBJECT);
    assertThat(variant.path("html").path("maxLength").asInt()).isEqualTo(MessageTemplate.MAX_PART);
    assertThat(variant.path("text").path("maxLength").asInt()).isEqualTo(MessageTemplate.MAX_PART);
    assertThat(variant.path("body").path("maxLength").asInt()).isEqualTo(MessageTemplate.MAX_SMS);
    assertThat(openApi.path("paths").path("/v1/templates/{id}").path("put").path("summary").asText())
        .contains(String.format(java.util.Locale.ROOT, "%,d bytes", MessageTemplate.MAX_TOTAL));
  }

  private Set<String> fieldNames(String schema) {
    Set<String> names = new HashSet<>();
    openApi.path("components").path("schemas").path(schema).path("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }
}
