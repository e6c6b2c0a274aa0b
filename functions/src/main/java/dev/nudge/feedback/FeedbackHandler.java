package dev.nudge.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.stats.StepStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The target of the EventBridge rule on SES events ({@code source: aws.ses}): one event per
 * invocation, answered with what was done. Retries and the dead-letter queue are the rule's.
 */
public final class FeedbackHandler implements RequestStreamHandler {
  private final FeedbackService service;

  public FeedbackHandler() {
    this(Environment.current(), AwsClients.dynamoDb());
  }

  private FeedbackHandler(Environment env, DynamoDbClient ddb) {
    this(new FeedbackService(new EventRepository(ddb, env.require("EVENTS_TABLE")),
        new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
        env.optional("STATS_TABLE").map(table -> new StepStats(ddb, table)).orElse(null),
        Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400"))), env.clock()));
  }

  public FeedbackHandler(FeedbackService service) {
    this.service = service;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event;
    try {
      event = Json.MAPPER.readTree(input);
    } catch (IOException e) {
      // Not JSON at all: nothing to store, and a retry would not make it JSON.
      event = Json.object();
    }
    FeedbackService.Result result = service.handle(event == null ? Json.object() : event);
    Json.MAPPER.writeValue(output, Json.object().put("result", result.name().toLowerCase(java.util.Locale.ROOT)));
  }
}
