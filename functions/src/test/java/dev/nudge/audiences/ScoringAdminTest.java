package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import dev.nudge.testing.TemplateTables;
import dev.nudge.testing.TrackingStack;
import org.junit.jupiter.api.Test;

/** PUT and GET /v1/scoring through the handler, against DynamoDB Local. */
class ScoringAdminTest {
  private final TrackingStack stack = new TrackingStack();
  private final ScoringStore store = new ScoringStore(stack.ddb, TemplateTables.create(stack.ddb, "WorkflowsTable"));
  private final ScoringAdminHandler handler = new ScoringAdminHandler(store, stack.clock);

  private TrackingStack.Response call(String routeKey, String body) {
    var event = TrackingStack.event("track-signed.json", routeKey, body);
    event.put("rawPath", "/v1/scoring");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/scoring");
    return TrackingStack.invoke(handler, event);
  }

  private static JsonNode json(TrackingStack.Response response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void publishingValidRulesStoresThemAsVersionOneAndGetReturnsThem() throws Exception {
    TrackingStack.Response put = call("PUT /v1/scoring", ScoringRulesTest.RULES);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(json(put).path("version").asInt()).isEqualTo(1);
    JsonNode got = json(call("GET /v1/scoring", ""));
    assertThat(got.path("definition").asText()).isEqualTo(ScoringRulesTest.RULES);
    assertThat(got.path("rules").asInt()).isEqualTo(4);
    assertThat(got.path("thresholds").get(0).path("name").asText()).isEqualTo("MQL");
  }

  @Test
  void publishingAgainMakesTheNextVersion() throws Exception {
    call("PUT /v1/scoring", ScoringRulesTest.RULES);
    assertThat(json(call("PUT /v1/scoring", ScoringRulesTest.RULES)).path("version").asInt()).isEqualTo(2);
  }

  @Test
  void invalidRulesAreRefusedWithTheFieldNamedAndNothingIsStored() throws Exception {
    TrackingStack.Response put = call("PUT /v1/scoring", "rules:\n  - { id: a, event: page.viewed, points: 0 }\n");
    assertThat(put.status()).isEqualTo(400);
    assertThat(json(put).path("error").path("field").asText()).isEqualTo("/rules/0/points");
    assertThat(json(put).path("error").path("problems")).hasSize(1);
    assertThat(store.current()).isEmpty();
    assertThat(call("GET /v1/scoring", "").status()).isEqualTo(404);
  }

  @Test
  void anOversizedBodyIsRefused() throws Exception {
    TrackingStack.Response put = call("PUT /v1/scoring", "# " + "x".repeat(ScoringAdminHandler.MAX_BYTES) + "\n");
    assertThat(put.status()).isEqualTo(400);
    assertThat(json(put).path("error").path("field").asText()).isEqualTo("body");
    assertThat(store.current()).isEmpty();
  }
}
