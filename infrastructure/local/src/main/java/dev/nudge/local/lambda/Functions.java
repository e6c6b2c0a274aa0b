package dev.nudge.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.template.Resource;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.TemplateException;
import dev.nudge.platform.Environment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The template's functions, run in-process like warm Lambda containers: each instance is built
 * once inside {@code Environment.with(function's variables, shared clock)} and then serves one
 * invocation at a time; concurrent invocations get more instances, as Lambda scales out.
 * An invocation that outlives the function's Timeout is answered with Lambda's timeout error and
 * its instance is thrown away.
 */
public final class Functions implements AutoCloseable {
  /** Properties that change nothing locally (packaging, IAM, deployment, tracing...). */
  private static final Set<String> NO_LOCAL_EFFECT = Set.of("CodeUri", "Runtime", "Architectures", "MemorySize",
      "Description", "Policies", "Role", "AutoPublishAlias", "SnapStart", "Tags", "Tracing", "DeploymentPreference",
      "Layers", "ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "LoggingConfig", "EphemeralStorage",
      "PermissionsBoundary", "RuntimeManagementConfig", "FunctionName", "AutoPublishCodeSha256", "VersionDescription",
      "KmsKeyArn", "DeadLetterQueue", "EventInvokeConfig", "PackageType");
  private static final Set<String> SUPPORTED = Set.of("Handler", "Timeout", "Environment", "Events");

  private final Map<String, LocalFunction> byName = new LinkedHashMap<>();
  private final Map<String, Deque<RequestStreamHandler>> idle = new ConcurrentHashMap<>();
  /** Invocations per function (logical id) that reached a handler: what Lambda bills as requests. */
  private final Map<String, java.util.concurrent.atomic.LongAdder> invocationCounts = new ConcurrentHashMap<>();
  private final Map<String, Constructor<? extends RequestStreamHandler>> constructors = new ConcurrentHashMap<>();
  private final Clock clock;
  private final EventLog log;
  private volatile dev.nudge.local.faults.Faults faults;
  private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "nudge-lambda");
    thread.setDaemon(true);
    return thread;
  });

  public Functions(Stack stack, Map<String, String> commonVariables, Clock clock, EventLog log) {
    this.clock = clock;
    this.log = log;
    for (Resource resource : stack.ofType("AWS::Serverless::Function", "AWS::Lambda::Function")) {
      if (resource.type().equals("AWS::Lambda::Function")) {
        throw TemplateException.at("Resources." + resource.logicalId() + ".Type",
            "AWS::Lambda::Function is not supported locally; use AWS::Serverless::Function");
      }
      resource.properties().fieldNames().forEachRemaining(name -> {
        if (!NO_LOCAL_EFFECT.contains(name) && !SUPPORTED.contains(name)) {
          throw TemplateException.at(resource.where(name), "is not supported by the local cloud");
        }
      });
      String runtime = resource.text("Runtime", "java21");
      if (!runtime.startsWith("java")) {
        throw TemplateException.at(resource.where("Runtime"), runtime + ": the local cloud runs Java functions only");
      }
      String handler = resource.required("Handler").asText();
      String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
      String method = handler.contains("::") ? handler.substring(handler.indexOf("::") + 2) : "handleRequest";
      if (!method.equals("handleRequest")) {
        throw TemplateException.at(resource.where("Handler"), "must name handleRequest (RequestStreamHandler), not " + method);
      }
      constructors.put(resource.physicalName(), constructorOf(className, resource));
      Map<String, String> variables = new LinkedHashMap<>(commonVariables);
      // The local cloud's webhook receivers listen on 127.0.0.1, which the deployed guard refuses.
      variables.put("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true");
      resource.properties().path("Environment").path("Variables").fields()
          .forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
      variables.put("AWS_LAMBDA_FUNCTION_NAME", resource.physicalName());
      variables.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", resource.text("MemorySize", "128"));
      variables.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      LocalFunction function = new LocalFunction(resource.logicalId(), resource.physicalName(),
          stack.arn("lambda", "function:" + resource.physicalName()), className,
          Integer.parseInt(resource.text("Timeout", "3")), Integer.parseInt(resource.text("MemorySize", "128")),
          Map.copyOf(variables), resource.properties().path("Events"));
      byName.put(function.name(), function);
      idle.put(function.name(), new ConcurrentLinkedDeque<>());
    }
  }

  @SuppressWarnings("unchecked")
  private static Constructor<? extends RequestStreamHandler> constructorOf(String className, Resource resource) {
    try {
      Class<?> type = Class.forName(className);
      if (!RequestStreamHandler.class.isAssignableFrom(type)) {
        throw TemplateException.at(resource.where("Handler"), className + " does not implement RequestStreamHandler");
      }
      return (Constructor<? extends RequestStreamHandler>) type.getConstructor();
    } catch (ClassNotFoundException e) {
      throw TemplateException.at(resource.where("Handler"), "class " + className + " is not in the functions jar");
    } catch (NoSuchMethodException e) {
      throw TemplateException.at(resource.where("Handler"), className + " has no public no-argument constructor");
    }
  }

  /** The fault switch consulted before each invocation (crashes, latency); null for none. */
  public void faults(dev.nudge.local.faults.Faults faults) {
    this.faults = faults;
  }

  /** The fault switch, or null. */
  public dev.nudge.local.faults.Faults faults() {
    return faults;
  }

  public Collection<LocalFunction> all() {
    return byName.values();
  }

  /** A function by name, ARN (optionally qualified with a version or alias) or logical id. */
  public LocalFunction find(String nameOrArn) {
    String name = nameOrArn;
    if (name.startsWith("arn:")) {
      String[] parts = name.split(":");
      name = parts.length > 6 ? parts[6] : name;
    } else if (name.contains(":")) {
      name = name.substring(0, name.indexOf(':'));
    }
    LocalFunction function = byName.get(name);
    if (function == null) {
      for (LocalFunction candidate : byName.values()) {
        if (candidate.logicalId().equals(name)) {
          return candidate;
        }
      }
      throw new IllegalArgumentException("Function not found: " + nameOrArn);
    }
    return function;
  }

  /** Invokes {@code function} with {@code payload} as Lambda would (RequestResponse). */
  public Invocation invoke(LocalFunction function, byte[] payload) {
    String requestId = UUID.randomUUID().toString();
    long start = System.nanoTime();
    dev.nudge.local.faults.Faults.Hit fault = faults == null ? null : faults.invocation(function.logicalId());
    if (fault != null) {
      fault.delay();
    }
    boolean crashBefore = fault != null && fault.fails() && fault.failure().at() == dev.nudge.local.faults.Fault.At.BEFORE;
    boolean crashAfter = fault != null && fault.fails() && !crashBefore;
    if (crashBefore) {
      return crashed(function, requestId, start, "before its handler ran");
    }
    long deadline = start + TimeUnit.SECONDS.toNanos(function.timeoutSeconds());
    Deque<RequestStreamHandler> pool = idle.get(function.name());
    // A crashed container is gone: it does not serve the next invocation.
    java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean(crashAfter);
    Future<byte[]> future = workers.submit(() -> {
      RequestStreamHandler handler = pool.pollFirst();
      if (handler == null) {
        handler = construct(function);
      }
      invocationCounts.computeIfAbsent(function.logicalId(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload), out, new LambdaContext(requestId, function, deadline));
        return out.toByteArray();
      } finally {
        // Like Lambda's Java runtime, an exception keeps the container; a timeout discards it.
        if (!abandoned.get()) {
          pool.addFirst(handler);
        }
      }
    });
    try {
      byte[] output = future.get(function.timeoutSeconds(), TimeUnit.SECONDS);
      if (crashAfter) {
        return crashed(function, requestId, start, "after its handler ran (its work done, its response lost)");
      }
      return new Invocation(requestId, output, null, null, (System.nanoTime() - start) / 1_000_000);
    } catch (TimeoutException e) {
      abandoned.set(true);
      future.cancel(true);
      String message = String.format("%s Task timed out after %d.00 seconds", requestId, function.timeoutSeconds());
      log.add("error", function.logicalId() + ": " + message, null);
      return failure(requestId, "Sandbox.Timedout", message, null, start);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
      log.add("error", function.logicalId() + " failed: " + cause, requestId);
      return failure(requestId, cause.getClass().getName(), String.valueOf(cause.getMessage()), cause, start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failure(requestId, "Interrupted", "interrupted", null, start);
    }
  }

  /**
   * What Lambda answers when the runtime process dies (killed, out of memory): Runtime.ExitError
   * (Step Functions reports it as Lambda.Unknown). Injected by a {@code lambda} fault.
   */
  private Invocation crashed(LocalFunction function, String requestId, long start, String when) {
    String message = "RequestId: " + requestId + " Error: Runtime exited with error: signal: killed";
    log.add("error", function.logicalId() + " crashed " + when + " (injected fault): " + message, requestId);
    return failure(requestId, "Runtime.ExitError", message, null, start);
  }

  private Invocation failure(String requestId, String type, String message, Throwable cause, long start) {
    ObjectNode error = Json.object().put("errorMessage", message).put("errorType", type);
    ArrayNode trace = error.putArray("stackTrace");
    if (cause != null) {
      for (StackTraceElement element : cause.getStackTrace()) {
        trace.add(element.toString());
      }
    }
    return new Invocation(requestId, Json.bytes(error), type, message, (System.nanoTime() - start) / 1_000_000);
  }

  private RequestStreamHandler construct(LocalFunction function) {
    Constructor<? extends RequestStreamHandler> constructor = constructors.get(function.name());
    Environment environment = new Environment(function.variables(), clock);
    return Environment.with(environment, () -> {
      try {
        return constructor.newInstance();
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot construct " + function.handlerClass(), e);
      }
    });
  }

  /** Invokes with a JSON payload; a function error becomes {@link FunctionError}. */
  public JsonNode invokeJson(LocalFunction function, JsonNode payload) {
    Invocation invocation = invoke(function, Json.bytes(payload));
    if (invocation.failed()) {
      throw new FunctionError(invocation);
    }
    return invocation.payload().length == 0 ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
        : Json.parse(invocation.payload());
  }

  /**
   * Invocations per function (logical id) since the start or the last {@link #resetInvocationCounts()}:
   * those that ran a handler, failed or not (Lambda bills every request). For cost measurements.
   */
  public Map<String, Long> invocationCounts() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    invocationCounts.forEach((name, count) -> counts.put(name, count.sum()));
    return counts;
  }

  public void resetInvocationCounts() {
    invocationCounts.clear();
  }

  public static final class FunctionError extends RuntimeException {
    private final Invocation invocation;

    public FunctionError(Invocation invocation) {
      super(invocation.errorType() + ": " + invocation.errorMessage());
      this.invocation = invocation;
    }

    public Invocation invocation() {
      return invocation;
    }
  }


  @Override
  public void close() {
    workers.shutdownNow();
  }
}
