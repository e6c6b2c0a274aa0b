package dev.nudge.journeys.routing;

import dev.nudge.stats.StepStats;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.JourneyRuntime;
import dev.nudge.journeys.SfnExecutions;
import dev.nudge.journeys.StepFunctionsClient;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Consumes the events table's DynamoDB stream. Records are routed in order; at the first failure
 * the handler stops and reports that record's sequence number (ReportBatchItemFailures), so Lambda
 * retries from it and a contact's later events never overtake an earlier one. Only INSERTs are
 * events: an event item is written once, and TTL expiry arrives as REMOVE.
 */
public final class RouterHandler implements RequestStreamHandler {
  private final Router router;
  private final Log log = new Log("router");

  public RouterHandler() {
    this(Environment.current());
  }

  private RouterHandler(Environment env) {
    this(router(JourneyRuntime.of(env, AwsClients.dynamoDb(), new SfnExecutions(StepFunctionsClient.get())),
        env.optional("STATS_TABLE").map(table -> new StepStats(AwsClients.dynamoDb(), table)).orElse(null)));
  }

  private static Router router(JourneyRuntime runtime, StepStats stats) {
    return new Router(runtime.workflows(), runtime.entry(), runtime.journeys(), runtime.waits(), runtime.executions(),
        runtime.clock(), stats);
  }

  public RouterHandler(JourneyRuntime runtime) {
    this(new Router(runtime.workflows(), runtime.entry(), runtime.journeys(), runtime.waits(), runtime.executions(),
        runtime.clock()));
  }

  public RouterHandler(Router router) {
    this.router = router;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.MAPPER.writeValue(output, handle(Json.MAPPER.readTree(input)));
  }

  /** The partial-batch response: {@code {"batchItemFailures": [{"itemIdentifier": <sequence number>}]}}. */
  public ObjectNode handle(JsonNode streamEvent) {
    ObjectNode response = Json.object();
    var failures = response.putArray("batchItemFailures");
    if (!streamEvent.path("Records").isEmpty()) {
      // Before routing, so a workflow published or paused a moment ago applies to this batch.
      router.refreshWorkflows();
    }
    for (JsonNode record : streamEvent.path("Records")) {
      JsonNode dynamodb = record.path("dynamodb");
      String sequence = dynamodb.path("SequenceNumber").asText();
      if (!"INSERT".equals(record.path("eventName").asText()) || !dynamodb.has("NewImage")) {
        continue;
      }
      try {
        router.route(StreamRecords.event(dynamodb.get("NewImage")));
      } catch (RuntimeException e) {
        // The exception message may quote event properties: log the type and ids only.
        log.error("route failed", Map.of("sequence", sequence, "exception", e.getClass().getName(),
            "eventId", dynamodb.path("Keys").path("eventId").path("S").asText()));
        failures.addObject().put("itemIdentifier", sequence);
        break;
      }
    }
    return response;
  }
}
