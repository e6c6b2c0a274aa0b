package dev.nudge.journeys.routing;

import dev.nudge.stats.StepStats;
import dev.nudge.contacts.ConsentTokens;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.messaging.AwsMessenger;
import dev.nudge.messaging.Brand;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.ConfirmationMailer;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.SendLedger;
import dev.nudge.messaging.TemplateSource;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.platform.CachingSecretSource;
import dev.nudge.platform.SecretSource;
import dev.nudge.platform.SsmSecretSource;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

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
    this(router(env, JourneyRuntime.of(env, AwsClients.dynamoDb(), new SfnExecutions(StepFunctionsClient.get())),
        env.optional("STATS_TABLE").map(table -> new StepStats(AwsClients.dynamoDb(), table)).orElse(null),
        confirmations(env)));
  }

  private static Router router(Environment env, JourneyRuntime runtime, StepStats stats, ConfirmationMailer confirmations) {
    return new Router(runtime.workflows(), runtime.entry(), runtime.journeys(), runtime.waits(), runtime.executions(),
        runtime.clock(), stats, confirmations, new dev.nudge.contacts.EventCounters(runtime.contacts(),
            new dev.nudge.contacts.EventRepository(AwsClients.dynamoDb(), env.require("EVENTS_TABLE"))));
  }

  /** Double opt-in confirmations, when the stack gives the router a sender and the token secret. */
  private static ConfirmationMailer confirmations(Environment env) {
    if (env.optional("EMAIL_FROM").isEmpty() || env.optional("TOKEN_SECRET_PARAMETER").isEmpty()) {
      return null;
    }
    var ddb = AwsClients.dynamoDb();
    SecretSource secrets = new CachingSecretSource(new SsmSecretSource(AwsClients.ssm()), env.clock(), Duration.ofMinutes(5));
    String urlParameter = env.require("API_URL_PARAMETER");
    TemplateSource bundled = new BundledMessageTemplates();
    TemplateSource source = env.optional("TEMPLATES_TABLE").map(t -> new TemplateStore(ddb, t).orElse(bundled)).orElse(bundled);
    SesV2Client ses = SesV2Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    return new ConfirmationMailer(new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
        new ConsentTokens(secrets, env.require("TOKEN_SECRET_PARAMETER"), env.clock()),
        () -> secrets.get(urlParameter).orElseThrow(() -> new IllegalStateException("parameter " + urlParameter + " is missing")),
        new MessageTemplates(source, Brand.from(env)),
        new AwsMessenger(ses, null, AwsMessenger.Settings.from(env)),
        new SendLedger(ddb, env.require("JOURNEYS_TABLE")), env.clock());
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
    Json.mapper().writeValue(output, handle(Json.mapper().readTree(input)));
  }

  /** The partial-batch response: {@code {"batchItemFailures": [{"itemIdentifier": <sequence number>}]}}. */
  public ObjectNode handle(JsonNode streamEvent) {
    if (!streamEvent.path("Records").isEmpty()) {
      // Before routing, so a workflow published or paused a moment ago applies to this batch.
      router.refreshWorkflows();
    }
    return StreamRecords.eachInsert(streamEvent, log, "route failed", (event, sequence) -> router.route(event, sequence));
  }
}
