package dev.nudge.journeys.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.audiences.SegmentStore;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.testing.TrackingStack;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.WorkflowPublisher;
import dev.nudge.workflows.admin.WorkflowAdmin;
import dev.nudge.workflows.admin.WorkflowsAdminHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/workflows/{id}/broadcast} and the run's {@code GET}, through the admin handler on DynamoDB Local. */
class BroadcastApiTest {
  private static final String NEWS = JourneyStack.PRODUCT_NEWS;
  private final JourneyStack stack = new JourneyStack();
  private final BroadcastRuns runs = new BroadcastRuns(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"));
  private final WorkflowsAdminHandler handler = new WorkflowsAdminHandler(new WorkflowAdmin(stack.runtime.store(),
      new BundledTemplates(), (workflow, description, number) -> {
        String sm = JourneyStack.stateMachineArn(workflow.id());
        return new WorkflowPublisher.Published(sm, sm + ":1", sm + ":live", true);
      }, stack.runtime.journeys(), stack.runtime.entry(), stack.executions, stack.clock), null,
      new BroadcastAdmin(stack.runtime.store(), new SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE")), runs,
          stack.executions, "arn:aws:states:us-east-1:000000000000:stateMachine:broadcast", stack.clock));

  private TrackingStack.Response call(String method, String route, String path, String body, String run) {
    ObjectNode event = TrackingStack.event("contacts-admin-get.json", method + " " + route, body);
    event.put("rawPath", path);
    event.put("rawQueryString", "");
    event.remove("queryStringParameters");
    ((ObjectNode) event.get("requestContext").get("http")).put("method", method).put("path", path);
    ObjectNode parameters = event.putObject("pathParameters").put("id", "product-news");
    if (run != null) {
      parameters.put("run", run);
    }
    return TrackingStack.invoke(handler, event);
  }

  private TrackingStack.Response broadcast(String body) {
    return call("POST", "/v1/workflows/{id}/broadcast", "/v1/workflows/product-news/broadcast", body, null);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"id\": \"r1\", \"segment\": \"readers\", \"list\": \"customers\"}|list",
      "{\"id\": \"r1\", \"where\": {\"attributes.plan\": \"pro\"}}|where",
      "{\"id\": \"r1\"}|segment",
      "{\"id\": \"r1\", \"list\": \"customers\", \"where\": {\"attributes.plan\": {\"between\": 1}}}|where",
      "{\"id\": \"r1\", \"list\": \"customers\", \"where\": [1]}|where",
      "{\"id\": \"r1\", \"list\": \"no spaces\"}|list",
      "{\"id\": \"r1\", \"list\": 7}|list"})
  void aBadAudienceIsRefusedNamingTheFieldAndNothingIsStored(String body, String field) {
    stack.publish(NEWS);

    TrackingStack.Response response = broadcast(body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().path("error").path("field").asText()).isEqualTo(field);
    assertThat(runs.find("product-news", "r1")).isEmpty();
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void aRunToAListWithAFilterIsStartedAndItsRecordNamesTheAudience() {
    stack.publish(NEWS);

    TrackingStack.Response started = broadcast(
        "{\"id\": \"pro\", \"list\": \"customers\", \"where\": {\"attributes.plan\": \"pro\"}}");
    TrackingStack.Response again = broadcast("{\"id\": \"pro\", \"list\": \"customers\"}");
    TrackingStack.Response read = call("GET", "/v1/workflows/{id}/broadcasts/{run}", "/v1/workflows/product-news/broadcasts/pro",
        null, "pro");

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(200);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().path("list").asText()).isEqualTo("customers");
    assertThat(read.json().has("segment")).isFalse();
    assertThat(read.json().path("where").path("attributes.plan").asText()).isEqualTo("pro");
    assertThat(read.json().path("status").asText()).isEqualTo("running");
    assertThat(read.json().path("reached").asLong()).isZero();
    assertThat(read.json().path("skippedBy").isObject()).isTrue();
  }
}
