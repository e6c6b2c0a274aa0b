package dev.nudge.journeys.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.DateAttributeIndex;
import dev.nudge.journeys.JourneyEntry;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the date triggers on an EventBridge schedule (every 15 minutes in the template). The
 * scheduled event's content does not matter: the injected clock says what "now" is.
 */
public final class DateTriggerHandler implements RequestStreamHandler {
  private final DateTriggers triggers;
  private final Log log = new Log("date-triggers");

  public DateTriggerHandler() {
    this(Environment.current(), JourneyRuntime.of(Environment.current(), AwsClients.dynamoDb(),
        new SfnExecutions(StepFunctionsClient.get())), AwsClients.dynamoDb());
  }

  public DateTriggerHandler(Environment env, JourneyRuntime runtime, software.amazon.awssdk.services.dynamodb.DynamoDbClient ddb) {
    this(new DateTriggers(runtime.workflows(), new DateAttributeIndex(ddb, env.require("CONTACTS_TABLE")), runtime.entry(),
        runtime.clock(), Duration.ofMinutes(Long.parseLong(env.optional("DATE_TRIGGER_LOOKBACK_MINUTES").orElse("60")))));
  }

  public DateTriggerHandler(DateTriggers triggers) {
    this.triggers = triggers;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    Json.mapper().writeValue(output, run());
  }

  /** {@code {"results": {"STARTED": n, ...}}}: how many contacts each entry rule answer applied to. */
  public ObjectNode run() {
    List<DateTriggers.Fired> fired = triggers.run();
    Map<JourneyEntry.Result, Integer> counts = new TreeMap<>();
    fired.forEach(f -> counts.merge(f.result(), 1, Integer::sum));
    log.info("date triggers", Map.of("fired", fired.size(), "results", counts));
    ObjectNode out = Json.object();
    ObjectNode results = out.putObject("results");
    counts.forEach((k, v) -> results.put(k.name(), v));
    return out;
  }
}
