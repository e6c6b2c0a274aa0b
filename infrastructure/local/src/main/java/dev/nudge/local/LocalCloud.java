package dev.nudge.local;

import dev.nudge.local.metrics.LocalMetrics;
import dev.nudge.local.metrics.MetricsTap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.aws.AwsEndpoint;
import dev.nudge.local.aws.LocalConfig;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.aws.WebhookInbox;
import dev.nudge.local.aws.ParameterStore;
import dev.nudge.local.aws.SesService;
import dev.nudge.local.aws.SnsService;
import dev.nudge.local.aws.SmsVoiceService;
import dev.nudge.local.dynamodb.DynamoDbServer;
import dev.nudge.local.dynamodb.Tables;
import dev.nudge.local.events.EventBuses;
import dev.nudge.local.lambda.Functions;
import dev.nudge.local.lambda.HttpApi;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.states.StatesEngine;
import dev.nudge.local.states.StepFunctionsJsonApi;
import dev.nudge.local.states.VirtualClock;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.StackLoader;
import dev.nudge.local.web.LocalServer;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole application on one machine: the template's tables in DynamoDB Local, its functions
 * in-process behind the HTTP API and the stream event sources, its rules on the local buses, its
 * state machines in the engine, and one endpoint speaking the AWS protocols the handlers use.
 * Everything runs on one {@link VirtualClock}.
 */
public final class LocalCloud implements AutoCloseable {
  private final LocalCloudOptions options;
  private final Stack stack;
  private final VirtualClock clock;
  private final EventLog log;
  private final DynamoDbServer dynamo;
  private final List<Tables.Table> tables;
  private final LocalConfig config;
  private final Outbox outbox;
  private final EventBuses buses;
  private final SesService ses;
  private final SnsService sns;
  private final SmsVoiceService smsVoice;
  private final dev.nudge.local.aws.S3Service s3;
  private final Functions functions;
  private final HttpApi httpApi;
  private final StatesEngine engine;
  private final String engineProblem;
  private final List<StreamPoller> pollers;
  private final List<String> stateMachines;
  private final LocalServer server;
  private final LocalPage page;
  private final WebhookInbox webhooks;
  private final LocalMetrics metrics = new LocalMetrics();
  private final dev.nudge.local.faults.Faults faults;
  private final long startedNanos;
  private final long readyNanos;
  private final Map<String, Long> phases = new LinkedHashMap<>();
  private long phaseStart;

  private LocalCloud(LocalCloudOptions options, Instant clockStart) {
    this.startedNanos = System.nanoTime();
    this.phaseStart = startedNanos;
    this.options = options;
    this.stack = StackLoader.load(options.template(), LocalCloudOptions.STACK_NAME, LocalCloudOptions.REGION,
        LocalCloudOptions.ACCOUNT_ID, options.parameters());
    this.clock = new VirtualClock(clockStart == null ? Instant.now() : clockStart, options.timeScale());
    this.log = new EventLog(clock);
    // Seed it (faults().seed(n)) or give each fault a "seed" for repeatable probabilities.
    this.faults = new dev.nudge.local.faults.Faults();
    Wiring.checkResourceTypes(stack);
    phase("template");
    Path data = options.dataDir();
    int port = options.port() == 0 ? freePort() : options.port();
    String endpoint = "http://127.0.0.1:" + port;
    pointSdkAt(endpoint);

    List<AutoCloseable> started = new ArrayList<>();
    try {
      this.dynamo = DynamoDbServer.start(data == null ? null : data.resolve("dynamodb"));
      started.add(dynamo);
      phase("dynamodb");
      this.tables = Tables.create(stack, dynamo);
      phase("tables");
      this.config = LocalConfig.open(data == null ? null : data.resolve("config.json"));
      Wiring.defaultSecrets(stack, config, endpoint);
      config.save();
      this.outbox = new Outbox(data == null ? null : data.resolve("outbox"));
      this.buses = new EventBuses(stack.region(), stack.accountId(), clock, log);
      started.add(buses);
      Wiring.buses(stack, buses);
      this.ses = new SesService(outbox, buses, clock, log, Wiring.configurationSets(stack), stack.region(), stack.accountId());
      this.sns = new SnsService(outbox, config, clock, log, Wiring.topicArns(stack));
      this.smsVoice = new SmsVoiceService(outbox, config, buses, clock, log);
      Map<String, String> common = new LinkedHashMap<>();
      common.put("AWS_REGION", stack.region());
      common.put("AWS_DEFAULT_REGION", stack.region());
      common.put("AWS_ENDPOINT_URL", endpoint);
      common.put("AWS_ACCESS_KEY_ID", "local");
      common.put("AWS_SECRET_ACCESS_KEY", "local");
      common.put("WEBHOOK_CAPTURE_URL", endpoint + WebhookInbox.PATH);
      this.webhooks = new WebhookInbox(data == null ? null : data.resolve("webhooks.jsonl"), clock);
      this.functions = new Functions(stack, common, clock, log);
      started.add(functions);
      functions.faults(faults);
      this.httpApi = new HttpApi(stack, functions, clock, log);
      this.s3 = new dev.nudge.local.aws.S3Service(clock, log, stack.region());
      started.add(s3);
      dev.nudge.local.aws.S3Buckets.wire(stack, s3, functions, log);
      phase("functions");
      LocalTasks tasks = new LocalTasks(functions, dynamo, sns, ses, buses, this::engine);
      StatesEngine createdEngine = null;
      String problem = null;
      try {
        createdEngine = new StatesEngine(clock, tasks, data == null ? null : data.resolve("states"),
            stack.region(), stack.accountId());
        started.add(createdEngine);
      } catch (UnsupportedOperationException e) {
        problem = "the Step Functions engine is not implemented yet (" + e.getMessage() + ")";
      }
      this.engine = createdEngine;
      this.engineProblem = problem;
      this.stateMachines = Wiring.stateMachines(stack, engine, engineProblem);
      phase("engine");
      Wiring.rules(stack, buses, functions, stateMachines);
      Wiring.snsSubscriptions(stack, sns, functions, log);
      buses.setDeliverer(new Wiring.Deliverer(functions, () -> engine, buses, log));
      this.pollers = Wiring.streamPollers(stack, tables, functions, dynamo, log, clock, data);
      faults.bind(name -> logicalIdOf(name), name -> {
        String id = logicalIdOf(name);
        return id != null && pollers.stream().anyMatch(p -> p.config().functionLogicalId().equals(id)) ? id : null;
      }, name -> tables.stream().filter(t -> t.name().equals(name) || t.logicalId().equals(name)).map(Tables.Table::name)
          .findFirst().orElse(null), message -> log.add("fault", message, null));
      StepFunctionsJsonApi sfnApi = engine == null ? null : new StepFunctionsJsonApi(engine);
      AwsEndpoint aws = new AwsEndpoint(dynamo, sfnApi, ses, sns, buses,
          new ParameterStore(config, clock, stack.region(), stack.accountId()), smsVoice, faults);
      this.page = new LocalPage(this);
      MetricsTap.attach(metrics);
      this.server = LocalServer.start("127.0.0.1", port, request -> route(request, aws));
      started.add(server);
      phase("server");
      pollers.forEach(StreamPoller::start);
      buses.startScheduler();
    } catch (RuntimeException e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception ignored) {
          // already failing
        }
      }
      throw e;
    }
    this.readyNanos = System.nanoTime();
  }

  private void phase(String name) {
    long now = System.nanoTime();
    phases.put(name, (now - phaseStart) / 1_000_000);
    phaseStart = now;
  }

  /** Milliseconds each start-up phase took, in order. */
  public Map<String, Long> phases() {
    return Map.copyOf(phases);
  }

  public String phasesText() {
    StringBuilder text = new StringBuilder();
    phases.forEach((name, ms) -> text.append(text.length() == 0 ? "" : ", ").append(name).append(' ').append(ms).append(" ms"));
    return text.toString();
  }

  public static LocalCloud start(LocalCloudOptions options) {
    return new LocalCloud(options, null);
  }

  /** A cloud whose virtual clock starts at {@code clockStart} rather than now (scenario tests replay fixed dates). */
  public static LocalCloud start(LocalCloudOptions options, Instant clockStart) {
    return new LocalCloud(options, clockStart);
  }

  /**
   * The port every in-process cloud of this JVM should listen on, one at a time: handlers keep their
   * SDK clients in static holders (one per container, as in Lambda), so the endpoint they first saw
   * must stay the endpoint. Chosen free once per JVM; {@code -Dnudge.local.port=N} fixes it.
   */
  public static int inProcessPort() {
    return InProcessPort.PORT;
  }

  private static final class InProcessPort {
    static final int PORT = Integer.getInteger("nudge.local.port", 0) > 0 ? Integer.getInteger("nudge.local.port")
        : freePort();
  }

  /**
   * Waits until nothing is left to do at the current virtual time: the engine quiescent (no work
   * queued, no task running, no timer due), no EventBridge delivery queued or running and no
   * scheduled rule due, and every stream poller having read its shards to the end with its last
   * batch returned. Each part can set off another (a task's write reaches a stream, a stream batch
   * starts an execution, an SES send publishes an event), so the check is repeated until a whole
   * round processed no stream record and dispatched no delivery since the previous one (the first
   * round compares with the moment of the call). Replaces sleeping "long enough".
   *
   * @throws IllegalStateException when the cloud did not settle within {@code timeout}
   */
  public void awaitIdle(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long previous = activity();
    while (true) {
      // Engine, then buses, then engine again: a delivery may start an execution, an execution's
      // task may publish an event; the pollers' clean polls then start after all of it.
      quiesceEngine();
      awaitBuses(deadline, timeout);
      quiesceEngine();
      long[] after = new long[pollers.size()];
      for (int i = 0; i < after.length; i++) {
        after[i] = pollers.get(i).requestCleanPoll();
      }
      for (int i = 0; i < after.length; i++) {
        StreamPoller poller = pollers.get(i);
        try {
          if (!poller.awaitCleanPoll(after[i], Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
            throw new IllegalStateException("the stream poller of " + poller.config().functionLogicalId()
                + " did not settle within " + timeout);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      quiesceEngine();
      awaitBuses(deadline, timeout);
      long now = activity();
      if (now == previous) {
        return;
      }
      previous = now;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the local cloud did not settle within " + timeout);
      }
    }
  }

  /** Stream records processed plus EventBridge deliveries dispatched, ever: unchanged means nothing happened. */
  private long activity() {
    long activity = buses.dispatchedCount();
    for (StreamPoller poller : pollers) {
      activity += poller.processedRecords();
    }
    return activity;
  }

  private void quiesceEngine() {
    if (engine != null) {
      engine.awaitQuiescence();
    }
  }

  private void awaitBuses(long deadline, java.time.Duration timeout) {
    while (!buses.idle()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the local EventBridge did not settle within " + timeout);
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** {@link #awaitIdle(java.time.Duration)} within 60 seconds. */
  public void awaitIdle() {
    awaitIdle(java.time.Duration.ofSeconds(60));
  }

  private String logicalIdOf(String name) {
    try {
      return functions.find(name).logicalId();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Reply route(Request request, AwsEndpoint aws) {
    if (dev.nudge.local.faults.FaultsApi.handles(request.path())) {
      return dev.nudge.local.faults.FaultsApi.handle(faults, request);
    }
    if (WebhookInbox.handles(request.path())) {
      return webhooks.handle(request);
    }
    if (request.path().equals("/_local") || request.path().startsWith("/_local/")) {
      return page.handle(request);
    }
    if ("s3".equals(request.signedService())) {
      return s3.handle(request);
    }
    if (AwsEndpoint.isAwsCall(request)) {
      if (request.header("x-amz-target") != null && request.header("x-amz-target").startsWith("AWSStepFunctions")
          && engine == null) {
        return Reply.json(503, Json.object().put("__type", "ServiceUnavailable").put("message", engineProblem),
            "application/x-amz-json-1.0");
      }
      return aws.handle(request);
    }
    return httpApi.handle(request);
  }

  /** In-process SDK clients (the handlers') find the local endpoint through these. */
  private static void pointSdkAt(String endpoint) {
    System.setProperty("aws.endpointUrl", endpoint);
    System.setProperty("aws.region", LocalCloudOptions.REGION);
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /**
   * The fault switch ({@code /_local/faults}): errors and latency on the AWS APIs, crashed
   * invocations, failed stream batches, injected on the wire.
   */
  public dev.nudge.local.faults.Faults faults() {
    return faults;
  }

  /** The EMF metrics the functions printed (what CloudWatch would hold). */
  /** The embedded DynamoDB Local, with the capacity meter of the functions' calls. */
  public DynamoDbServer dynamo() {
    return dynamo;
  }

  public LocalMetrics metrics() {
    return metrics;
  }

  public Stack stack() {
    return stack;
  }

  public VirtualClock clock() {
    return clock;
  }

  public EventLog log() {
    return log;
  }

  /**
   * A handset's reply to the account's SMS number, delivered like two-way SMS: to the SNS topic
   * that has a Lambda subscriber (the template's replies topic), after the opt-out list.
   */
  public String smsReply(String from, String body) {
    java.util.List<String> topics = sns.subscribedTopics();
    if (topics.size() != 1) {
      throw new IllegalArgumentException("SMS replies go to the one SNS topic with a Lambda subscriber; the template has "
          + topics.size());
    }
    return sns.publish(null, topics.get(0), null, smsVoice.reply(from, null, body).toString(), java.util.Map.of());
  }

  /** SNS topics with a Lambda subscriber (where SMS replies go). */
  public java.util.List<String> snsSubscribedTopics() {
    return sns.subscribedTopics();
  }

  /** The calls the workflows' webhook steps made (the local cloud captures them instead of delivering). */
  public WebhookInbox webhooks() {
    return webhooks;
  }

  /** The local S3 (the template's buckets, in memory). */
  public dev.nudge.local.aws.S3Service s3() {
    return s3;
  }

  public Outbox outbox() {
    return outbox;
  }

  public SesService ses() {
    return ses;
  }

  public EventBuses buses() {
    return buses;
  }

  public Functions functions() {
    return functions;
  }

  public HttpApi httpApi() {
    return httpApi;
  }

  public List<Tables.Table> tables() {
    return tables;
  }

  public List<StreamPoller> pollers() {
    return pollers;
  }

  public LocalConfig config() {
    return config;
  }

  /** The engine, or null when it could not start (see {@link #engineProblem()}). */
  public StatesEngine engine() {
    return engine;
  }

  public String engineProblem() {
    return engineProblem;
  }

  public List<String> stateMachines() {
    return stateMachines;
  }

  public LocalCloudOptions options() {
    return options;
  }

  public long startupMillis() {
    return (readyNanos - startedNanos) / 1_000_000;
  }

  public String summary() {
    return Summary.of(this);
  }

  JsonNode clockState() {
    return Json.object().put("now", clock.instant().toString()).put("scale", clock.scale());
  }

  @Override
  public void close() {
    MetricsTap.detach(metrics);
    pollers.forEach(StreamPoller::close);
    server.close();
    buses.close();
    if (engine != null) {
      try {
        engine.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
    s3.close();
    functions.close();
    dynamo.close();
  }
}
