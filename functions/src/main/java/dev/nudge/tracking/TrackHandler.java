package dev.nudge.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentTokens;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.Location;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.CachingSecretSource;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import dev.nudge.platform.Json;
import dev.nudge.platform.SecretSource;
import dev.nudge.platform.SsmSecretSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** POST /v1/track and POST /v1/identify: authenticate, validate, then hand over to the capabilities. */
public final class TrackHandler extends HttpApiHandler {
  private final RequestAuthenticator authenticator;
  private final TrackService tracking;
  private final ContactService contacts;
  private final ConsentTokens tokens;
  private final Clock clock;
  private final Duration retention;
  private final String publicBaseUrl;

  public TrackHandler() {
    this(Environment.current(), AwsClients.dynamoDb(),
        new CachingSecretSource(new SsmSecretSource(AwsClients.ssm()), Environment.current().clock(), Duration.ofMinutes(5)));
  }

  /** Wires the handler from {@code env} with the given DynamoDB client and secret source (tests, the local cloud). */
  public TrackHandler(Environment env, DynamoDbClient ddb, SecretSource secrets) {
    this(TrackingConfig.from(env), env.clock(), ddb, secrets, initOffTheRequestPath(env));
  }

  /**
   * Whether this init is off the request path: Lambda says so in {@code AWS_LAMBDA_INITIALIZATION_TYPE}
   * ({@code snap-start}: the snapshot is taken after init; {@code provisioned-concurrency}: init
   * runs ahead of traffic). Only then is priming worth it; an on-demand cold start (no SnapStart,
   * or the local cloud) would pay it before its first event for parsers that event may not need.
   */
  static boolean initOffTheRequestPath(Environment env) {
    String type = env.optional("AWS_LAMBDA_INITIALIZATION_TYPE").orElse("");
    return type.equals("snap-start") || type.equals("provisioned-concurrency");
  }

  private TrackHandler(TrackingConfig config, Clock clock, DynamoDbClient ddb, SecretSource secrets, boolean prime) {
    super("track");
    ContactRepository contactRepository = new ContactRepository(ddb, config.contactsTable());
    EventRepository events = new EventRepository(ddb, config.eventsTable());
    this.contacts = new ContactService(contactRepository, events, clock, config.eventRetention());
    this.tracking = new TrackService(contacts, events, config.eventRetention());
    this.authenticator = new RequestAuthenticator(secrets, config.signingKeysParameter(), config.publicWriteKeys(),
        config.allowedOrigins(), clock);
    this.tokens = new ConsentTokens(secrets, config.tokenSecretParameter(), clock);
    this.clock = clock;
    this.retention = config.eventRetention();
    this.publicBaseUrl = config.publicBaseUrl();
    route("POST /v1/track", this::track);
    route("POST /v1/identify", this::identify);
    if (prime) {
      prime(clock);
    }
  }

  /**
   * Runs the request path's local work once on sample input, touching no network and keeping no
   * state: the streaming JSON reader and writer (never the ObjectMapper, which this function does
   * not use), the parsers with libphonenumber's metadata and the time-zone table, and the HMAC-SHA256
   * of the signature check. Their classes and data are then loaded at init, which SnapStart
   * snapshots, instead of on the first request. No secret is read: the sample is signed with a
   * throwaway key.
   */
  private void prime(Clock clock) {
    try {
      JsonNode sample = Json.read("{\"id\":\"prime\",\"type\":\"page.viewed\",\"email\":\"prime@example.com\","
          + "\"phone\":\"+34612345678\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"properties\":{\"a\":[1,{\"b\":true}]}}");
      TrackCommand.parse(sample, new Caller.Server("prime"), java.time.Instant.parse("2026-01-01T00:00:00Z"), retention);
      IdentifyRequest.parse(Json.read("{\"contactId\":\"prime\",\"timezone\":\"Europe/Madrid\","
          + "\"locale\":\"es-ES\",\"attributes\":{\"n\":1},\"location\":{\"country\":\"ES\",\"lat\":40.4,\"lon\":-3.7}}"),
          new Caller.Server("prime"));
      Json.write(sample);
      RequestAuthenticator.sign("prime", "0", new byte[0]);
    } catch (java.io.IOException | RuntimeException e) {
      log().error("priming failed", Map.of("exception", e.getClass().getName()));
    }
  }

  /** One EMF line per request and outcome, not per event: a batch of 100 prints two lines at most. */
  private static void countTracked(Caller caller, List<TrackService.Result> results, Instant now) {
    long duplicates = results.stream().filter(TrackService.Result::duplicate).count();
    String source = caller instanceof Caller.Browser ? "browser" : "server";
    if (results.size() > duplicates) {
      dev.nudge.stats.Metrics.record(dev.nudge.stats.Metric.EVENTS_TRACKED, results.size() - duplicates, now,
          dev.nudge.stats.Metrics.dims("Source", source));
    }
    if (duplicates > 0) {
      dev.nudge.stats.Metrics.record(dev.nudge.stats.Metric.EVENTS_DUPLICATE, duplicates, now,
          dev.nudge.stats.Metrics.dims("Source", source));
    }
  }

  private HttpResponse track(HttpRequest request) {
    Caller caller = admit(request);
    Instant now = clock.instant();
    JsonNode body = parseJson(request);
    List<TrackCommand> commands = TrackCommand.parse(body, caller, now, retention);
    // A browser's first event creates its contact where CloudFront saw it (ViewerLocation); later
    // events leave the profile alone (identify updates it), so tracking costs no profile write.
    Location firstSeenAt = caller instanceof Caller.Browser ? ViewerLocation.from(request).orElse(null) : null;
    List<TrackService.Result> results = tracking.ingest(commands, caller.source(), now, firstSeenAt);
    countTracked(caller, results, now);
    if (!body.has("batch")) {
      return HttpResponse.json(200, result(Json.object(), results.get(0)));
    }
    ObjectNode out = Json.object();
    ArrayNode items = out.putArray("results");
    results.forEach(r -> result(items.addObject(), r));
    return HttpResponse.json(200, out);
  }

  private static ObjectNode result(ObjectNode node, TrackService.Result r) {
    node.put("id", r.eventId());
    node.put("contactId", r.contactId());
    node.put("status", r.duplicate() ? "duplicate" : "created");
    return node;
  }

  private HttpResponse identify(HttpRequest request) {
    Caller caller = admit(request);
    var parsed = IdentifyRequest.parse(parseJson(request), caller);
    // A browser's location, unless it states one, is where CloudFront saw it (ViewerLocation).
    var command = caller instanceof Caller.Browser && parsed.profile().location() == null
        ? ViewerLocation.from(request).map(location -> new ContactService.IdentifyCommand(parsed.identity(),
            parsed.profile().withLocation(location), parsed.consent())).orElse(parsed)
        : parsed;
    ContactService.IdentifyResult result;
    try {
      result = contacts.identify(command);
    } catch (dev.nudge.contacts.ContactRepository.ConcurrentMergeException e) {
      throw new ApiException(409, "conflict", "a concurrent request changed this contact; retry", null);
    }
    ObjectNode out = Json.object();
    out.put("contactId", result.contactId());
    out.put("created", result.created());
    out.put("merged", result.merged());
    ObjectNode consent = out.putObject("consent");
    result.consent().forEach((channel, c) -> consent.putObject(channel.wireName()).put("status", c.status().wireName()));
    for (Map.Entry<Channel, Instant> pending : result.pending().entrySet()) {
      // The token confirms an address; only a signed backend (which e-mails it itself) may see it.
      // For a browser the confirmation goes out through the consent.changed event.
      if (caller instanceof Caller.Server) {
        String token = tokens.confirmation(result.contactId(), pending.getKey(), pending.getValue());
        ObjectNode c = (ObjectNode) consent.get(pending.getKey().wireName());
        c.put("confirmationToken", token);
        c.put("confirmationUrl", baseUrl(request) + "/v1/confirm/" + token);
      }
    }
    return HttpResponse.json(200, out);
  }

  private String baseUrl(HttpRequest request) {
    return publicBaseUrl != null ? publicBaseUrl.replaceAll("/+$", "") : "https://" + request.domainName();
  }

  private Caller admit(HttpRequest request) {
    if (request.body().length > Validation.MAX_BODY_BYTES) {
      throw new ApiException(413, "payload_too_large",
          "the body is larger than " + Validation.MAX_BODY_BYTES + " bytes", "body");
    }
    return authenticator.authenticate(request);
  }

  private static JsonNode parseJson(HttpRequest request) {
    JsonNode node = Json.parseBody(request.body());
    if (node == null) {
      throw ApiException.invalid("body", "the body is empty");
    }
    return node;
  }

}
