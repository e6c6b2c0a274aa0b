package dev.nudge.journeys.broadcast;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nudge.audiences.SegmentStore;
import dev.nudge.journeys.JourneyRuntime;
import dev.nudge.journeys.SfnExecutions;
import dev.nudge.journeys.StepFunctionsClient;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** Runs the schedule triggers on an EventBridge schedule (every 5 minutes in the template). */
public final class ScheduledBroadcastsHandler implements RequestStreamHandler {
  private final ScheduledBroadcasts schedules;

  public ScheduledBroadcastsHandler() {
    this(Environment.current());
  }

  private ScheduledBroadcastsHandler(Environment env) {
    this(env, JourneyRuntime.of(env, AwsClients.dynamoDb(), new SfnExecutions(StepFunctionsClient.get())));
  }

  private ScheduledBroadcastsHandler(Environment env, JourneyRuntime runtime) {
    this(new ScheduledBroadcasts(runtime.workflows(), new BroadcastAdmin(runtime.store(),
        new SegmentStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")),
        new BroadcastRuns(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")), runtime.executions(),
        env.require("BROADCAST_STATE_MACHINE_ARN"), runtime.clock()), runtime.clock(),
        Duration.ofMinutes(Long.parseLong(env.optional("SCHEDULE_LOOKBACK_MINUTES").orElse("60")))));
  }

  public ScheduledBroadcastsHandler(ScheduledBroadcasts schedules) {
    this.schedules = schedules;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    var out = Json.object();
    var runs = out.putArray("runs");
    schedules.run().forEach(s -> runs.addObject().put("workflow", s.workflow()).put("run", s.run())
        .put("created", s.created()));
    Json.mapper().writeValue(output, out);
  }
}
