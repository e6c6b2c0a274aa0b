package dev.nudge.journeys;

import dev.nudge.stats.StepStats;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.messaging.AwsMessenger;
import dev.nudge.messaging.Brand;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.TemplateSource;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.messaging.SendLedger;
import dev.nudge.messaging.SendService;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.CachingSecretSource;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.SecretSource;
import dev.nudge.platform.SsmSecretSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The one function every compiled state machine calls ({@code ${StepFunctionArn}}). Parses the
 * payload, runs the action, answers with its result; errors propagate so Step Functions retries
 * or catches them.
 */
public final class StepActionsHandler implements RequestStreamHandler {
  private final StepActions actions;

  public StepActionsHandler() {
    this(wire(Environment.current()));
  }

  public StepActionsHandler(StepActions actions) {
    this.actions = actions;
  }

  private static StepActions wire(Environment env) {
    var ddb = AwsClients.dynamoDb();
    String journeysTable = env.require("JOURNEYS_TABLE");
    SendLedger ledger = new SendLedger(ddb, journeysTable);
    SfnClient sfn = SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    SecretSource secrets = new CachingSecretSource(new SsmSecretSource(AwsClients.ssm()), env.clock(), Duration.ofMinutes(5));
    String keyName = env.require("WEBHOOK_SIGNING_KEY_PARAMETER");
    // Redirect.NEVER: a redirect could lead past the private-network check to an internal address.
    Webhooks webhooks = new Webhooks(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build(),
        () -> secrets.get(keyName).orElseThrow(() -> new IllegalStateException("parameter " + keyName + " is missing"))
            .getBytes(StandardCharsets.UTF_8), env.clock(),
        Boolean.parseBoolean(env.optional("WEBHOOK_ALLOW_PRIVATE_NETWORKS").orElse("false")),
        env.optional("WEBHOOK_CAPTURE_URL").map(java.net.URI::create).orElse(null));
    ContactRepository contacts = new ContactRepository(ddb, env.require("CONTACTS_TABLE"));
    EventRepository events = new EventRepository(ddb, env.require("EVENTS_TABLE"));
    // An opt-out the SMS provider reports at send time is recorded like a STOP reply.
    Duration retention = Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400")));
    ContactService consent = new ContactService(contacts, events, env.clock(), retention);
    return new StepActions(
        contacts,
        events,
        new JourneyStore(ddb, journeysTable),
        new WaitRegistrations(ddb, journeysTable),
        ledger,
        new SendService(ledger, templates(env, ddb),
            AwsMessenger.fromEnvironment(env), env.clock(), unsubscribeLinks(env, secrets),
            (contactId, channel, at) -> consent.withdraw(contactId, channel, "sms-provider-opt-out", at)),
        webhooks,
        new SfnEnroller(sfn, env.require("STATE_MACHINE_ARN_PREFIX")),
        env.clock(),
        env.optional("STATS_TABLE").map(table -> new StepStats(ddb, table)).orElse(null),
        new SfnExecutions(sfn), JourneyRuntime.memberOf(env, ddb), retention,
        new dev.nudge.contacts.WindowCounters(ddb, env.require("CONTACTS_TABLE"), retention, env.clock()));
  }

  /** Links signed with the consent function's token secret, so its /v1/unsubscribe/{token} accepts them. */
  private static dev.nudge.messaging.UnsubscribeLinks unsubscribeLinks(Environment env, SecretSource secrets) {
    String urlParameter = env.require("API_URL_PARAMETER");
    return env.optional("TOKEN_SECRET_PARAMETER").map(name -> new dev.nudge.messaging.UnsubscribeLinks(
        new dev.nudge.contacts.ConsentTokens(secrets, name, env.clock()),
        () -> secrets.get(urlParameter).orElseThrow(() -> new IllegalStateException("parameter " + urlParameter + " is missing")),
        env.optional("UNSUBSCRIBE_MAILTO").orElse(null))).orElse(null);
  }

  /** Stored templates first (TEMPLATES_TABLE), then the bundled ones; the brand from the template's parameters. */
  private static MessageTemplates templates(Environment env, software.amazon.awssdk.services.dynamodb.DynamoDbClient ddb) {
    TemplateSource bundled = new BundledMessageTemplates();
    TemplateSource source = env.optional("TEMPLATES_TABLE").map(t -> new TemplateStore(ddb, t).orElse(bundled)).orElse(bundled);
    return new MessageTemplates(source, Brand.from(env)).prime();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    var payload = Json.mapper().readTree(input);
    output.write(Json.write(actions.handle(payload)).getBytes(StandardCharsets.UTF_8));
  }
}
