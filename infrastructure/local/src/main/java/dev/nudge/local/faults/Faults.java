package dev.nudge.local.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The local cloud's fault switch: faults injected on the wire, so code under test meets them
 * through its real AWS SDK clients (with their own retries) instead of mocks. An AWS service
 * fault answers a matching call with the service's own error ({@code __type} for the JSON
 * protocols, {@code x-amzn-ErrorType} for SES v2's REST, an XML error for SNS) or delays it; a
 * {@code lambda} fault crashes an invocation of a function (before its handler runs, or after it
 * ran and did its work, the response lost); a {@code streams} fault fails a batch of a function's
 * stream event source. Probabilities draw from per-fault generators seeded from one injectable
 * {@link Random}, so a test is repeatable.
 */
public final class Faults {
  /** Accepted service names (lower case) and the canonical name each stands for. */
  private static final Map<String, String> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("dynamodb", "dynamodb");
    SERVICES.put("dynamodbstreams", "dynamodbstreams");
    SERVICES.put("states", "states");
    SERVICES.put("stepfunctions", "states");
    SERVICES.put("sfn", "states");
    SERVICES.put("ses", "ses");
    SERVICES.put("sesv2", "ses");
    SERVICES.put("email", "ses");
    SERVICES.put("sns", "sns");
    SERVICES.put("events", "events");
    SERVICES.put("eventbridge", "events");
    SERVICES.put("ssm", "ssm");
    SERVICES.put("secretsmanager", "secretsmanager");
    SERVICES.put("sms-voice", "sms-voice");
    SERVICES.put("lambda", "lambda");
    SERVICES.put("streams", "streams");
  }

  /** HTTP statuses AWS answers these errors with; another code needs {@code status} or gets 400. */
  private static final Map<String, Integer> STATUSES = Map.ofEntries(
      Map.entry("ProvisionedThroughputExceededException", 400), Map.entry("RequestLimitExceeded", 400),
      Map.entry("ThrottlingException", 400), Map.entry("Throttling", 400), Map.entry("TransactionConflictException", 400),
      Map.entry("ConditionalCheckFailedException", 400), Map.entry("ResourceNotFoundException", 400),
      Map.entry("TooManyRequestsException", 429), Map.entry("MessageRejected", 400),
      Map.entry("LimitExceededException", 400), Map.entry("SendingPausedException", 400),
      Map.entry("AccountSuspendedException", 400), Map.entry("MailFromDomainNotVerifiedException", 400),
      Map.entry("NotFoundException", 404), Map.entry("BadRequestException", 400),
      Map.entry("InternalServerError", 500), Map.entry("InternalServerErrorException", 500),
      Map.entry("InternalFailure", 500), Map.entry("ServiceUnavailable", 503),
      Map.entry("ServiceUnavailableException", 503), Map.entry("ExecutionLimitExceeded", 400));

  /** AWS's own messages for the common ones (what a handler would log in AWS). */
  private static final Map<String, String> MESSAGES = Map.of(
      "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was "
          + "exceeded. Consider increasing your provisioning level with the UpdateTable API.",
      "ThrottlingException", "Rate exceeded",
      "TooManyRequestsException", "Maximum sending rate exceeded.",
      "MessageRejected", "Email address is not verified. The following identities failed the check in region "
          + "US-EAST-1: (injected by the local cloud's fault switch)",
      "RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account.");

  private static final Set<String> FIELDS = Set.of("service", "operation", "function", "table", "error", "status", "message",
      "latencyMs", "count", "probability", "crash", "failBatch", "at", "seed");

  private final List<Fault> active = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private Random seeds;
  private Function<String, String> functions = name -> name;
  private Function<String, String> streamConsumers = name -> name;
  private Function<String, String> tables = name -> name;
  private Consumer<String> log = message -> { };

  /** Faults whose probabilities are seeded from {@code seeds} (inject a seeded one for repeatable tests). */
  public Faults(Random seeds) {
    this.seeds = seeds;
  }

  public Faults() {
    this(new Random());
  }

  /**
   * Binds function names: {@code functions} and {@code streamConsumers} answer a function's
   * logical id for a name, logical id or ARN, or null when there is no such function (or it has
   * no stream event source); {@code log} hears each fault fired.
   */
  public void bind(Function<String, String> functions, Function<String, String> streamConsumers, Consumer<String> log) {
    bind(functions, streamConsumers, name -> name, log);
  }

  /** {@code tables} answers a table's name for its name or logical id, or null when there is none. */
  public void bind(Function<String, String> functions, Function<String, String> streamConsumers,
      Function<String, String> tables, Consumer<String> log) {
    this.tables = tables;
    this.functions = functions;
    this.streamConsumers = streamConsumers;
    this.log = log;
  }

  /** Re-seeds the generator later faults draw their seeds from. */
  public synchronized void seed(long seed) {
    this.seeds = new Random(seed);
  }

  /** A bad fault specification: {@code field} names what is wrong. */
  public static final class InvalidFault extends IllegalArgumentException {
    private final String field;

    InvalidFault(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /** What a call meets: a delay, and possibly a fault that fails it. */
  public record Hit(long latencyMs, Fault failure) {
    static final Hit NONE = new Hit(0, null);

    public boolean fails() {
      return failure != null;
    }

    /** Waits out the latency (real time: the virtual clock does not run SDK timeouts). */
    public void delay() {
      if (latencyMs > 0) {
        try {
          Thread.sleep(latencyMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Adds the fault {@code spec} describes (JSON text); see {@link #add(JsonNode)}. */
  public Fault add(String spec) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(spec);
    } catch (java.io.IOException e) {
      throw new InvalidFault("body", "is not JSON: " + e.getMessage().split("\n")[0]);
    }
    return add(json);
  }

  /** Validates and adds one fault; {@link InvalidFault} names the field that is wrong. */
  public Fault add(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw new InvalidFault("body", "must be a JSON object (or an array of them)");
    }
    spec.fieldNames().forEachRemaining(name -> {
      if (!FIELDS.contains(name)) {
        throw new InvalidFault(name, "is not a fault field (fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
      }
    });
    String serviceName = text(spec, "service", true);
    String service = SERVICES.get(serviceName.toLowerCase(Locale.ROOT));
    if (service == null) {
      throw new InvalidFault("service", "unknown service '" + serviceName + "' (known: "
          + String.join(", ", SERVICES.keySet()) + ")");
    }
    String operation = text(spec, "operation", false);
    if (operation != null && (operation.equals("*") || operation.isEmpty())) {
      operation = null;
    }
    if (operation != null && !operation.matches("[A-Za-z][A-Za-z0-9]*")) {
      throw new InvalidFault("operation", "must be an API operation name such as PutItem");
    }
    String function = text(spec, "function", false);
    boolean invocationFault = service.equals("lambda") || service.equals("streams");
    if (invocationFault) {
      if (operation != null) {
        throw new InvalidFault("operation", "does not apply to " + service + " faults (name the function)");
      }
      if (function == null) {
        throw new InvalidFault("function", "is required for " + service + " faults");
      }
      String resolved = (service.equals("lambda") ? functions : streamConsumers).apply(function);
      if (resolved == null) {
        throw new InvalidFault("function", service.equals("lambda") ? "no function " + function + " in the template"
            : "no function " + function + " with a DynamoDB stream event source in the template");
      }
      function = resolved;
    } else if (function != null) {
      throw new InvalidFault("function", "applies to lambda and streams faults only");
    }
    String table = text(spec, "table", false);
    if (table != null) {
      if (!service.equals("dynamodb")) {
        throw new InvalidFault("table", "applies to dynamodb faults only");
      }
      String resolved = tables.apply(table);
      if (resolved == null) {
        throw new InvalidFault("table", "no table " + table + " in the template");
      }
      table = resolved;
    }
    String error = text(spec, "error", false);
    if (error != null && !error.matches("[A-Za-z][A-Za-z0-9.]*")) {
      throw new InvalidFault("error", "must be an AWS error code such as ThrottlingException");
    }
    if (error != null && invocationFault) {
      throw new InvalidFault("error", "does not apply to " + service + " faults (use "
          + (service.equals("lambda") ? "crash" : "failBatch") + ")");
    }
    Integer status = null;
    if (spec.has("status")) {
      if (error == null) {
        throw new InvalidFault("status", "applies only with error");
      }
      status = integer(spec, "status", 400, 599);
    }
    String message = text(spec, "message", false);
    if (message != null && error == null) {
      throw new InvalidFault("message", "applies only with error");
    }
    long latency = spec.has("latencyMs") ? integer(spec, "latencyMs", 0, 60_000) : 0;
    boolean crash = bool(spec, "crash");
    boolean failBatch = bool(spec, "failBatch");
    if (crash && !service.equals("lambda")) {
      throw new InvalidFault("crash", "applies to lambda faults only");
    }
    if (failBatch && !service.equals("streams")) {
      throw new InvalidFault("failBatch", "applies to streams faults only");
    }
    Fault.At at = Fault.At.AFTER;
    if (spec.has("at")) {
      if (!crash && !failBatch) {
        throw new InvalidFault("at", "applies only with crash or failBatch");
      }
      String where = text(spec, "at", true);
      if (!where.equals("before") && !where.equals("after")) {
        throw new InvalidFault("at", "must be before or after");
      }
      at = where.equals("before") ? Fault.At.BEFORE : Fault.At.AFTER;
    } else if (failBatch) {
      at = Fault.At.BEFORE;
    }
    if (error == null && latency == 0 && !crash && !failBatch) {
      throw new InvalidFault(invocationFault ? (service.equals("lambda") ? "crash" : "failBatch") : "error",
          "a fault needs an effect: " + (invocationFault ? (service.equals("lambda") ? "crash: true" : "failBatch: true")
              : "error") + " or latencyMs > 0");
    }
    Integer count = spec.has("count") ? integer(spec, "count", 1, Integer.MAX_VALUE) : null;
    Double probability = null;
    if (spec.has("probability")) {
      JsonNode p = spec.get("probability");
      if (!p.isNumber() || p.asDouble() <= 0 || p.asDouble() > 1) {
        throw new InvalidFault("probability", "must be a number greater than 0 and at most 1");
      }
      probability = p.asDouble();
    }
    long seed;
    if (spec.has("seed")) {
      if (!spec.get("seed").isIntegralNumber()) {
        throw new InvalidFault("seed", "must be an integer");
      }
      seed = spec.get("seed").asLong();
    } else {
      synchronized (this) {
        seed = seeds.nextLong();
      }
    }
    int resolvedStatus = error == null ? 0 : status != null ? status : STATUSES.getOrDefault(error, 400);
    String resolvedMessage = error == null ? null : message != null ? message
        : MESSAGES.getOrDefault(error, error + " (injected by the local cloud's fault switch)");
    Fault fault = new Fault("f" + ids.incrementAndGet(), service, operation, function, table, error, resolvedStatus,
        resolvedMessage, latency, count, probability, crash, failBatch, at, seed);
    active.add(fault);
    log.accept("fault " + fault.id() + " on: " + fault.toJson());
    return fault;
  }

  /** Adds each fault of an array (all validated first) or one object. */
  public List<Fault> addAll(JsonNode spec) {
    if (spec != null && spec.isArray()) {
      // Validate all before adding any: a bad third fault must not leave two active.
      Faults check = new Faults(new Random(0));
      check.bind(functions, streamConsumers, tables, m -> { });
      int i = 0;
      for (JsonNode one : spec) {
        try {
          check.add(one);
        } catch (InvalidFault e) {
          throw new InvalidFault("[" + i + "]." + e.field(), e.getMessage().substring(e.field().length() + 2));
        }
        i++;
      }
      List<Fault> added = new ArrayList<>();
      spec.forEach(one -> added.add(add(one)));
      return added;
    }
    return List.of(add(spec));
  }

  /** True when no fault is active (the hooks' fast path). */
  public boolean isEmpty() {
    return active.isEmpty();
  }

  /** The faults still active (an exhausted fault is gone). */
  public List<Fault> active() {
    active.removeIf(Fault::exhausted);
    return List.copyOf(active);
  }

  /** Removes every fault; returns how many were active. */
  public int clear() {
    int n = active().size();
    active.clear();
    log.accept("faults cleared");
    return n;
  }

  /** Removes one fault; false when there is no such active fault. */
  public boolean remove(String id) {
    return active.removeIf(f -> f.id().equals(id));
  }

  public ObjectNode toJson() {
    ObjectNode json = Json.object();
    ArrayNode list = json.putArray("faults");
    active().forEach(f -> list.add(f.toJson()));
    return json;
  }

  /** What an AWS API call of {@code service} (canonical name) and {@code operation} meets. */
  public Hit aws(String service, String operation) {
    return aws(service, operation, () -> Set.of());
  }

  /**
   * What an AWS API call meets; {@code tables} lists the DynamoDB tables the call names (asked
   * only when a fault is limited to a table).
   */
  public Hit aws(String service, String operation, java.util.function.Supplier<Set<String>> tables) {
    if (active.isEmpty()) {
      return Hit.NONE;
    }
    Set<String>[] named = new Set[1];
    return hit(f -> f.service().equals(service)
        && (f.operation() == null || f.operation().equalsIgnoreCase(operation))
        && (f.table() == null || (named[0] == null ? (named[0] = tables.get()) : named[0]).contains(f.table())),
        service + " " + operation);
  }

  /** What an invocation of the function with logical id {@code logicalId} meets (crash, latency). */
  public Hit invocation(String logicalId) {
    if (active.isEmpty()) {
      return Hit.NONE;
    }
    return hit(f -> f.service().equals("lambda") && f.function().equals(logicalId), "invocation of " + logicalId);
  }

  /** What a stream batch delivered to {@code logicalId} meets (failure, latency). */
  public Hit streamBatch(String logicalId) {
    if (active.isEmpty()) {
      return Hit.NONE;
    }
    return hit(f -> f.service().equals("streams") && f.function().equals(logicalId), "stream batch to " + logicalId);
  }

  private Hit hit(java.util.function.Predicate<Fault> matches, String what) {
    long latency = 0;
    Fault failure = null;
    for (Fault fault : active) {
      if (!matches.test(fault)) {
        continue;
      }
      boolean failing = fault.error() != null || fault.crash() || fault.failBatch();
      if (failing && failure != null) {
        continue; // one failure per call; the next fault keeps its count for later calls
      }
      if (fault.fire()) {
        latency += fault.latencyMs();
        if (failing) {
          failure = fault;
        }
        log.accept("fault " + fault.id() + " fired on " + what + (failing ? "" : " (+" + fault.latencyMs() + " ms)"));
      }
    }
    active.removeIf(Fault::exhausted);
    return latency == 0 && failure == null ? Hit.NONE : new Hit(latency, failure);
  }

  private static String text(JsonNode spec, String field, boolean required) {
    JsonNode value = spec.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new InvalidFault(field, "is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidFault(field, "must be a string");
    }
    return value.asText();
  }

  private static int integer(JsonNode spec, String field, long min, long max) {
    JsonNode value = spec.get(field);
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      throw new InvalidFault(field, "must be an integer from " + min + " to " + max);
    }
    return (int) value.asLong();
  }

  private static boolean bool(JsonNode spec, String field) {
    JsonNode value = spec.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new InvalidFault(field, "must be true or false");
    }
    return value.asBoolean();
  }
}
