package dev.nudge.journeys.broadcast;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nudge.audiences.SegmentMembers;
import dev.nudge.contacts.ListIndex;
import dev.nudge.journeys.JourneyRuntime;
import dev.nudge.journeys.SfnExecutions;
import dev.nudge.journeys.StepFunctionsClient;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The broadcast state machine's Task: one page of a run ({@link Broadcasts}). */
public final class BroadcastHandler implements RequestStreamHandler {
  private final Broadcasts broadcasts;

  public BroadcastHandler() {
    this(Environment.current());
  }

  private BroadcastHandler(Environment env) {
    this(wire(env, JourneyRuntime.of(env, AwsClients.dynamoDb(), new SfnExecutions(StepFunctionsClient.get()))));
  }

  private static Broadcasts wire(Environment env, JourneyRuntime runtime) {
    return new Broadcasts(runtime.store(), new SegmentMembers(AwsClients.dynamoDb(), env.require("SEGMENTS_TABLE")),
        new ListIndex(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE")),
        runtime.entry(), new BroadcastRuns(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")), env.clock(),
        Integer.parseInt(env.optional("BROADCAST_PAGE_SIZE").orElse("100")),
        Double.parseDouble(env.optional("BROADCAST_RATE_PER_SECOND").orElse("14")));
  }

  public BroadcastHandler(Broadcasts broadcasts) {
    this.broadcasts = broadcasts;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.mapper().writeValue(output, broadcasts.page(Json.mapper().readTree(input)));
  }
}
