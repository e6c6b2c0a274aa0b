package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.routing.RouterHandler;
import dev.nudge.journeys.schedule.DateTriggerHandler;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TrackingStack;
import dev.nudge.workflows.admin.WorkflowsAdminHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The journey runtime's no-argument constructors, as Lambda and the local cloud call them: the
 * configuration from {@link Environment#current()}, SDK clients from the default chain redirected
 * to DynamoDB Local by the aws.* system properties. No Step Functions call is made here.
 */
class JourneyWiringTest {
  private static final String[] PROPERTIES = {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"};

  @BeforeAll
  static void pointTheSdkAtDynamoDbLocal() {
    System.setProperty("aws.endpointUrl", LocalDynamoDb.endpoint().toString());
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  @AfterAll
  static void restore() {
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
  }

  private final JourneyStack stack = new JourneyStack();

  private Environment env() {
    Map<String, String> variables = new HashMap<>(stack.variables);
    variables.put("WORKFLOW_ROLE_ARN", "arn:aws:iam::123456789012:role/workflows");
    variables.put("STEP_FUNCTION_ARN", "arn:aws:lambda:us-east-1:123456789012:function:step:live");
    return new Environment(variables, stack.clock);
  }

  private static String invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String input)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theRouterBuiltFromItsEnvironmentAnswersAnEmptyBatchWithNoFailures() throws Exception {
    RouterHandler router = Environment.with(env(), RouterHandler::new);

    String out = invoke(router, "{\"Records\":[]}");

    assertThat(Json.mapper().readTree(out).path("batchItemFailures").isArray()).isTrue();
  }

  @Test
  void theDateSchedulerBuiltFromItsEnvironmentRunsOnAScheduledEvent() throws Exception {
    DateTriggerHandler scheduler = Environment.with(env(), DateTriggerHandler::new);

    String out = invoke(scheduler, "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}");

    assertThat(Json.mapper().readTree(out).path("results").isObject()).isTrue();
  }

  @Test
  void theWorkflowAdminBuiltFromItsEnvironmentListsWorkflows() {
    stack.publish(dev.nudge.workflows.Workflows.bundledText("birthday"));
    WorkflowsAdminHandler admin = Environment.with(env(), WorkflowsAdminHandler::new);
    ObjectNode event = TrackingStack.event("contacts-admin-get.json", "GET /v1/workflows", null);
    event.put("rawPath", "/v1/workflows");
    event.put("rawQueryString", "");
    event.remove("queryStringParameters");
    event.remove("pathParameters");
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/workflows");

    var response = TrackingStack.invoke(admin, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("workflows").get(0).path("id").asText()).isEqualTo("birthday");
  }
}
