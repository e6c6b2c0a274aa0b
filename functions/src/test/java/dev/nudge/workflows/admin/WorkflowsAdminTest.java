package dev.nudge.workflows.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.JourneyRecord;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.journeys.routing.Router;
import dev.nudge.testing.TrackingStack;
import dev.nudge.workflows.Workflows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowsAdminTest {
  private final JourneyStack stack = new JourneyStack();
  private final WorkflowsAdminHandler handler = stack.adminHandler();
  private final Router router = new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(),
      stack.runtime.waits(), stack.executions, stack.clock);

  private TrackingStack.Response call(String method, String route, String id, String body) {
    return call(method, route, id, body, Map.of());
  }

  private TrackingStack.Response call(String method, String route, String id, String body, Map<String, String> query) {
    String path = id == null ? route : route.replace("{id}", id);
    ObjectNode event = TrackingStack.event("contacts-admin-get.json", method + " " + route, body);
    event.put("rawPath", path);
    event.put("rawQueryString", "");
    event.remove("queryStringParameters");
    if (!query.isEmpty()) {
      ObjectNode parameters = event.putObject("queryStringParameters");
      query.forEach(parameters::put);
    }
    ((ObjectNode) event.get("requestContext").get("http")).put("method", method).put("path", path);
    if (id != null) {
      event.putObject("pathParameters").put("id", id);
    } else {
      event.remove("pathParameters");
    }
    return TrackingStack.invoke(handler, event);
  }

  private TrackingStack.Response draft(String id, String yaml) {
    return call("PUT", "/v1/workflows/{id}", id, yaml);
  }

  @Test
  void aDraftIsCreatedThenPublishedAsVersionOneBehindTheLiveAlias() {
    TrackingStack.Response created = draft("birthday", Workflows.bundledText("birthday"));
    TrackingStack.Response published = call("POST", "/v1/workflows/{id}/publish", "birthday", "{\"description\":\"first\"}");
    TrackingStack.Response detail = call("GET", "/v1/workflows/{id}", "birthday", null);

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("status").asText()).isEqualTo("draft");
    assertThat(created.json().path("valid").asBoolean()).isTrue();
    assertThat(published.status()).as(published.body()).isEqualTo(200);
    assertThat(published.json().path("status").asText()).isEqualTo("active");
    assertThat(published.json().path("liveVersion").asInt()).isEqualTo(1);
    assertThat(detail.json().path("aliasArn").asText()).isEqualTo(JourneyStack.stateMachineArn("birthday") + ":live");
    assertThat(detail.json().path("versions")).singleElement()
        .satisfies(v -> assertThat(v.path("description").asText()).isEqualTo("first"))
        .satisfies(v -> assertThat(v.path("versionArn").asText()).endsWith(":1"));
  }

  @Test
  void republishingAddsAVersionAndKeepsTheHistory() {
    draft("birthday", Workflows.bundledText("birthday"));
    call("POST", "/v1/workflows/{id}/publish", "birthday", null);
    draft("birthday", Workflows.bundledText("birthday").replace("Happy birthday", "Happy birthday!"));

    TrackingStack.Response second = call("POST", "/v1/workflows/{id}/publish", "birthday", null);

    assertThat(second.json().path("liveVersion").asInt()).isEqualTo(2);
    assertThat(call("GET", "/v1/workflows/{id}", "birthday", null).json().path("versions")).hasSize(2);
    assertThat(stack.deployed).containsExactly("birthday", "birthday");
  }

  @Test
  void anInvalidDraftIsStoredWithItsProblemsButNeverPublished() {
    String broken = Workflows.bundledText("birthday").replace("template: birthday-greeting", "template: no-such-template");
    TrackingStack.Response saved = draft("birthday", broken);
    TrackingStack.Response validated = call("POST", "/v1/workflows/{id}/validate", "birthday", null);
    TrackingStack.Response publish = call("POST", "/v1/workflows/{id}/publish", "birthday", null);

    assertThat(saved.json().path("valid").asBoolean()).isFalse();
    assertThat(validated.json().path("problems").get(0).path("step").asText()).isEqualTo("greeting");
    assertThat(publish.status()).isEqualTo(422);
    assertThat(publish.json().path("error").path("problems")).isNotEmpty();
    assertThat(stack.deployed).isEmpty();
    assertThat(call("GET", "/v1/workflows/{id}", "birthday", null).json().path("liveVersion").asInt()).isZero();
  }

  @Test
  void aDefinitionWhoseIdDiffersFromThePathIsRefusedAndNothingIsStored() {
    TrackingStack.Response refused = draft("other", Workflows.bundledText("birthday"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("id");
    assertThat(call("GET", "/v1/workflows/{id}", "other", null).status()).isEqualTo(404);
    assertThat(call("GET", "/v1/workflows", null, null).json().path("workflows")).isEmpty();
  }

  @Test
  void pauseAndResumeMoveTheStatusAndARepeatedPauseChangesNothing() {
    draft("birthday", Workflows.bundledText("birthday"));
    assertThat(call("POST", "/v1/workflows/{id}/pause", "birthday", null).status()).isEqualTo(409);
    call("POST", "/v1/workflows/{id}/publish", "birthday", null);

    TrackingStack.Response paused = call("POST", "/v1/workflows/{id}/pause", "birthday", null);
    TrackingStack.Response again = call("POST", "/v1/workflows/{id}/pause", "birthday", null);
    TrackingStack.Response resumed = call("POST", "/v1/workflows/{id}/resume", "birthday", null);

    assertThat(paused.json().path("status").asText()).isEqualTo("paused");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("status").asText()).isEqualTo("paused");
    assertThat(resumed.json().path("status").asText()).isEqualTo("active");
  }

  @Test
  void archivingStopsTheJourneysInFlightAndRefusesFurtherEdits() {
    String cart = """
        id: cart
        name: Cart
        trigger: { event: cart.updated }
        reentry: always
        steps:
          - id: reminder
            email: { template: cart-reminder }
        """;
    draft("cart", cart);
    call("POST", "/v1/workflows/{id}/publish", "cart", null);
    stack.contact("c1");
    stack.contact("c2");
    router.route(stack.event("e1", "c1", "cart.updated", "{}"));
    router.route(stack.event("e2", "c2", "cart.updated", "{}"));

    TrackingStack.Response archived = call("POST", "/v1/workflows/{id}/archive", "cart", null);
    TrackingStack.Response again = call("POST", "/v1/workflows/{id}/archive", "cart", null);

    assertThat(archived.json().path("status").asText()).isEqualTo("archived");
    assertThat(archived.json().path("journeysStopped").asInt()).isEqualTo(2);
    assertThat(again.json().path("journeysStopped").asInt()).isZero();
    assertThat(stack.executions.stopped).extracting(s -> s.error()).containsExactly("Nudge.Archived", "Nudge.Archived");
    assertThat(stack.runtime.journeys().forContact("c1")).extracting(JourneyRecord::outcome)
        .containsExactly(JourneyRecord.Outcome.EXITED);
    assertThat(draft("cart", cart).status()).isEqualTo(409);
    assertThat(router.route(stack.event("e3", "c1", "cart.updated", "{}")).entries()).isEmpty();
    assertThat(stack.executions.started).hasSize(2);
  }

  @Test
  void theListShowsEveryWorkflowWithItsStatus() {
    draft("birthday", Workflows.bundledText("birthday"));
    draft("welcome-series", Workflows.bundledText("welcome-series"));
    call("POST", "/v1/workflows/{id}/publish", "welcome-series", null);

    var list = call("GET", "/v1/workflows", null, null).json().path("workflows");

    assertThat(List.of(list.get(0).path("id").asText() + ":" + list.get(0).path("status").asText(),
        list.get(1).path("id").asText() + ":" + list.get(1).path("status").asText()))
        .containsExactly("birthday:draft", "welcome-series:active");
  }

  @Test
  void statsReportEachStepsCountersAndRatesForTheVersion() {
    draft("birthday", Workflows.bundledText("birthday"));
    call("POST", "/v1/workflows/{id}/publish", "birthday", null);
    var stats = stack.stats();
    for (int i = 0; i < 4; i++) {
      stats.count("birthday", "1", "greeting", "sent", "exec-" + i, stack.clock.instant());
      stats.count("birthday", "1", "greeting", "delivered", "msg-" + i, stack.clock.instant());
    }
    stats.count("birthday", "1", "greeting", "opened", "msg-0", stack.clock.instant());
    stats.count("birthday", "1", "greeting", "opened", "msg-0", stack.clock.instant()); // a second open of one message
    stats.count("birthday", "1", "greeting", "opened", "msg-1", stack.clock.instant());
    stats.count("birthday", "1", dev.nudge.stats.StepStats.JOURNEY, "started", "exec-0", stack.clock.instant());

    TrackingStack.Response response = call("GET", "/v1/workflows/{id}/stats", "birthday", null);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var version = response.json().path("versions").get(0);
    assertThat(version.path("version").asText()).isEqualTo("1");
    assertThat(version.path("journeys").path("started").asLong()).isEqualTo(1);
    assertThat(version.path("journeys").path("conversionRate").isNull()).isFalse();
    assertThat(version.path("journeys").path("conversionRate").asDouble()).isZero();
    var step = version.path("steps").get(0);
    assertThat(step.path("step").asText()).isEqualTo("greeting");
    assertThat(step.path("counters").path("sent").asLong()).isEqualTo(4);
    assertThat(step.path("counters").path("opened").asLong()).isEqualTo(2);
    assertThat(step.path("rates").path("open").asDouble()).isEqualTo(0.5);
    assertThat(step.path("rates").path("clickToOpen").asDouble()).isZero();
    assertThat(step.path("rates").path("bounce").asDouble()).isZero();
    assertThat(step.path("firstAt").asText()).isEqualTo(stack.clock.instant().toString());
  }

  @Test
  void statsForADayRangeCountOnlyThoseDaysAndNameTheRange() {
    draft("birthday", Workflows.bundledText("birthday"));
    call("POST", "/v1/workflows/{id}/publish", "birthday", null);
    var stats = stack.stats();
    java.time.Instant today = stack.clock.instant();
    stats.count("birthday", "1", "greeting", "sent", "exec-old", today.minus(java.time.Duration.ofDays(10)));
    stats.count("birthday", "1", "greeting", "sent", "exec-new", today);
    String day = java.time.LocalDate.ofInstant(today, java.time.ZoneOffset.UTC).toString();

    TrackingStack.Response response = call("GET", "/v1/workflows/{id}/stats", "birthday", null,
        Map.of("from", day, "to", day));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("range").path("from").asText()).isEqualTo(day);
    assertThat(response.json().path("versions").get(0).path("steps").get(0).path("counters").path("sent").asLong())
        .isEqualTo(1);
  }

  @Test
  void aStatsRangeWithoutItsEndOrWithAMalformedDayNamesTheField() {
    draft("birthday", Workflows.bundledText("birthday"));
    TrackingStack.Response noEnd = call("GET", "/v1/workflows/{id}/stats", "birthday", null, Map.of("from", "2026-12-01"));
    TrackingStack.Response malformed = call("GET", "/v1/workflows/{id}/stats", "birthday", null,
        Map.of("from", "yesterday", "to", "2026-12-01"));
    TrackingStack.Response backwards = call("GET", "/v1/workflows/{id}/stats", "birthday", null,
        Map.of("from", "2026-12-02", "to", "2026-12-01"));

    assertThat(noEnd.status()).isEqualTo(400);
    assertThat(noEnd.json().path("error").path("field").asText()).isEqualTo("to");
    assertThat(malformed.json().path("error").path("field").asText()).isEqualTo("from");
    assertThat(backwards.json().path("error").path("field").asText()).isEqualTo("to");
  }

  @Test
  void statsOfAnUnknownWorkflowAre404() {
    assertThat(call("GET", "/v1/workflows/{id}/stats", "nope", null).status()).isEqualTo(404);
  }

  @Test
  void aPublishBodyWithADuplicateKeyIsRefusedAndNothingIsPublished() {
    draft("birthday", Workflows.bundledText("birthday"));
    TrackingStack.Response refused = call("POST", "/v1/workflows/{id}/publish", "birthday",
        "{\"description\":\"a\",\"description\":\"b\"}");

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().path("error").path("message").asText()).contains("duplicate key");
    assertThat(stack.deployed).isEmpty();
    assertThat(stack.runtime.store().find("birthday").orElseThrow().published()).isFalse();
  }

  private static final String RECEIPT = """
      id: order-receipt
      name: Order receipt
      trigger: { api: true }
      steps:
        - id: receipt
          email: { template: cart-reminder }
      """;

  private TrackingStack.Response trigger(String workflow, String body) {
    return call("POST", "/v1/workflows/{id}/trigger", workflow, body);
  }

  @Test
  void anApiTriggerStartsOneContactsJourneyOncePerRequestId() {
    stack.contact("buyer");
    draft("order-receipt", RECEIPT);
    call("POST", "/v1/workflows/{id}/publish", "order-receipt", null);

    TrackingStack.Response first = trigger("order-receipt",
        "{\"contactId\":\"buyer\",\"id\":\"order-77\",\"data\":{\"total\":42}}");
    TrackingStack.Response again = trigger("order-receipt",
        "{\"contactId\":\"buyer\",\"id\":\"order-77\",\"data\":{\"total\":42}}");

    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.json().path("result").asText()).isEqualTo("started");
    // While the first journey runs, the repeat meets it (one active journey per contact and workflow).
    assertThat(again.status()).as(again.body()).isEqualTo(409);
    assertThat(again.json().path("result").asText()).isEqualTo("already_active");
    assertThat(stack.executions.started).hasSize(1);
    assertThat(stack.executions.started.get(0).input().path("trigger").path("data").path("total").asInt()).isEqualTo(42);
  }

  @Test
  void anApiTriggerForAnUnknownContactIs404AndStartsNothing() {
    draft("order-receipt", RECEIPT);
    call("POST", "/v1/workflows/{id}/publish", "order-receipt", null);
    TrackingStack.Response response = trigger("order-receipt", "{\"contactId\":\"nobody\",\"id\":\"r1\"}");
    assertThat(response.status()).isEqualTo(404);
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void anApiTriggerOfAWorkflowThatIsNotApiTriggeredIsRefused() {
    stack.contact("buyer");
    draft("birthday", Workflows.bundledText("birthday"));
    call("POST", "/v1/workflows/{id}/publish", "birthday", null);
    TrackingStack.Response response = trigger("birthday", "{\"contactId\":\"buyer\",\"id\":\"r1\"}");
    assertThat(response.status()).isEqualTo(409);
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void anApiTriggerWithoutARequestIdNamesTheField() {
    draft("order-receipt", RECEIPT);
    call("POST", "/v1/workflows/{id}/publish", "order-receipt", null);
    TrackingStack.Response response = trigger("order-receipt", "{\"contactId\":\"buyer\"}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").path("field").asText()).isEqualTo("id");
  }
}
