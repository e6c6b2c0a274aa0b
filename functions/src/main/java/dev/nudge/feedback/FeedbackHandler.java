package dev.nudge.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
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
 * The target of the EventBridge rules on SES and SMS delivery events (one event per invocation,
 * answered with what was done; retries and the dead-letter queue are the rules'), and the
 * subscriber of the SMS replies topic (SNS records: two-way SMS, where STOP arrives).
 */
public final class FeedbackHandler implements RequestStreamHandler {
  private final FeedbackService service;
  private final SmsReplies replies;

  public FeedbackHandler() {
    this(Environment.current(), AwsClients.dynamoDb());
  }

  private FeedbackHandler(Environment env, DynamoDbClient ddb) {
    this(env, ddb, new ContactRepository(ddb, env.require("CONTACTS_TABLE")), new EventRepository(ddb,
        env.require("EVENTS_TABLE")), Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400"))));
  }

  private FeedbackHandler(Environment env, DynamoDbClient ddb, ContactRepository contacts, EventRepository events,
      Duration retention) {
    this(new FeedbackService(events, contacts,
        env.optional("STATS_TABLE").map(table -> new StepStats(ddb, table)).orElse(null), retention, env.clock()),
        new SmsReplies(contacts, new ContactService(contacts, events, env.clock(), retention), env.clock()));
  }

  public FeedbackHandler(FeedbackService service) {
    this(service, null);
  }

  /** {@code replies}: null when the stack subscribes no SMS replies topic (tests of SES events alone). */
  public FeedbackHandler(FeedbackService service, SmsReplies replies) {
    this.service = service;
    this.replies = replies;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event;
    try {
      event = Json.mapper().readTree(input);
    } catch (IOException e) {
      // Not JSON at all: nothing to store, and a retry would not make it JSON.
      event = Json.object();
    }
    if (event != null && replies != null && event.path("Records").path(0).path("EventSource").asText().equals("aws:sns")) {
      var results = Json.mapper().createArrayNode();
      for (JsonNode record : event.path("Records")) {
        JsonNode message;
        try {
          message = Json.mapper().readTree(record.path("Sns").path("Message").asText(""));
        } catch (IOException e) {
          message = Json.object();
        }
        results.add(replies.handle(message == null ? Json.object() : message).name().toLowerCase(java.util.Locale.ROOT));
      }
      Json.mapper().writeValue(output, Json.object().set("results", results));
      return;
    }
    FeedbackService.Result result = service.handle(event == null ? Json.object() : event);
    Json.mapper().writeValue(output, Json.object().put("result", result.name().toLowerCase(java.util.Locale.ROOT)));
  }
}
