package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.states.Records.Exec;
import dev.nudge.local.states.Records.Run;
import dev.nudge.local.states.StateDefinition.Catcher;
import dev.nudge.local.states.StateDefinition.Choice;
import dev.nudge.local.states.StateDefinition.Pattern;
import dev.nudge.local.states.StateDefinition.Retrier;
import dev.nudge.local.states.StateDefinition.Scope;
import dev.nudge.local.states.StateDefinition.State;
import dev.nudge.local.states.StateDefinition.Type;
import dev.nudge.local.states.data.JsonPaths;
import dev.nudge.local.states.data.PayloadTemplates;
import dev.nudge.local.states.data.StatesException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs executions: every state type, input/output processing in AWS's order (InputPath, Parameters,
 * ResultSelector, ResultPath, OutputPath), Retry and Catch, timeouts, heartbeats, task tokens, history.
 * Loop thread only. A run steps through its states until it must wait (task, timer, children); work is
 * trampolined through {@link #ready} so that long Map/Parallel chains never recurse deeply.
 */
final class Interpreter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final int MAX_EVENTS = 25_000;
  static final String RUN = "RUN", WAIT = "WAIT", RETRY = "RETRY", TASK = "TASK", CHILDREN = "CHILDREN", DONE = "DONE";

  private record TokenRef(String executionArn, String runId, int epoch) {}

  private record Ready(Exec exec, Run run) {}

  private final StatesEngine engine;
  private final Clock clock;
  private final TaskInvoker invoker;
  private final EngineLoop loop;
  private final String region;
  private final ExecutorService workers;
  private final Map<String, TokenRef> tokens = new HashMap<>();
  private final Map<String, String> timedOutTokens = new HashMap<>();
  private final ArrayDeque<Ready> ready = new ArrayDeque<>();
  private boolean pumping;
  private long actingAt = -1;

  Interpreter(StatesEngine engine, Clock clock, TaskInvoker invoker, EngineLoop loop, String region) {
    this.engine = engine;
    this.clock = clock;
    this.invoker = invoker;
    this.loop = loop;
    this.region = region;
    int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "states-task");
      t.setDaemon(true);
      return t;
    });
    ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
  }

  void close() {
    workers.shutdownNow();
  }

  /**
   * The time the engine is acting at. While a timer fires it is the timer's due time, not the clock's: after
   * advance(Duration.ofDays(7)) a one-hour Wait still exits one hour after it was entered, as it would in AWS.
   */
  private long now() {
    return actingAt >= 0 ? actingAt : clock.millis();
  }

  private void schedule(long due, Runnable action) {
    loop.schedule(due, () -> {
      long previous = actingAt;
      actingAt = Math.max(due, previous);
      try {
        action.run();
      } finally {
        actingAt = previous;
      }
    });
  }

  // ---------------------------------------------------------------- lifecycle

  void start(Exec e) {
    ObjectNode details = NODES.objectNode();
    details.put("input", e.input);
    details.set("inputDetails", notTruncated());
    details.put("roleArn", e.roleArn);
    if (e.aliasArn != null) details.put("stateMachineAliasArn", e.aliasArn);
    if (e.versionArn != null) details.put("stateMachineVersionArn", e.versionArn);
    event(e, null, "ExecutionStarted", "executionStartedEventDetails", details);
    if (e.deadlineMillis > 0) {
      schedule(e.deadlineMillis, () -> executionTimeout(e));
    }
    Run root = newRun(e, null, 0, "");
    enter(e, root, engine.definitionFor(e).root.startAt, e.inputNode);
    ready(e, root);
    pump();
  }

  /** After a restart: re-arm timers, re-index tokens, re-send request-response tasks that were in flight. */
  void resume(Exec e) {
    engine.definitionFor(e);
    if (e.deadlineMillis > 0) {
      schedule(e.deadlineMillis, () -> executionTimeout(e));
    }
    for (Run r : new ArrayList<>(e.runs.values())) {
      switch (r.phase) {
        case RUN -> ready(e, r);
        case WAIT, RETRY -> {
          int epoch = r.epoch;
          schedule(r.dueMillis, () -> timerFired(e, r, epoch));
        }
        case TASK -> {
          State s = state(e, r);
          armTaskTimers(e, r);
          if (r.token != null) {
            tokens.put(r.token, new TokenRef(e.arn, r.id, r.epoch));
          } else {
            // The result of a request-response call in flight at shutdown is lost: call again (at least once).
            dispatch(e, r, s, r.taskParameters);
          }
        }
        default -> { }
      }
    }
    pump();
  }

  /** Tokens whose task timed out answer TaskTimedOut rather than TaskDoesNotExist, also after a restart. */
  void indexTimedOutTokens(Exec e) {
    for (String t : e.timedOutTokens) timedOutTokens.put(t, e.arn);
  }

  void abort(Exec e, String error, String cause) {
    for (Run r : new ArrayList<>(e.runs.values())) {
      if (!r.phase.equals(DONE)) {
        State s = state(e, r);
        // A stopped Wait leaves no WaitStateAborted on AWS (ExecutionAborted is event 3 after ExecutionStarted and
        // WaitStateEntered, floci-io/floci#2965); Task, Parallel and Map have their Aborted event types.
        if (s.type == Type.Task || s.type == Type.Parallel || s.type == Type.Map) {
          event(e, r, s.type + "StateAborted", null, null);
        }
      }
    }
    ObjectNode d = NODES.objectNode();
    if (error != null) d.put("error", error);
    if (cause != null) d.put("cause", cause);
    close(e, "ABORTED", error, cause, "ExecutionAborted", "executionAbortedEventDetails", d);
  }

  /**
   * As measured on AWS (floci-io/floci#2733, #2965): TIMED_OUT with stopDate = start + TimeoutSeconds,
   * ExecutionTimedOut details {"error":"States.Timeout"} without cause, and no error or cause on the execution.
   */
  private void executionTimeout(Exec e) {
    if (!e.status.equals("RUNNING")) return;
    ObjectNode d = NODES.objectNode();
    d.put("error", StatesException.TIMEOUT);
    close(e, "TIMED_OUT", null, null, "ExecutionTimedOut", "executionTimedOutEventDetails", d);
    pump();
  }

  private void close(Exec e, String status, String error, String cause, String type, String detailsName, ObjectNode details) {
    e.status = status;
    e.error = error;
    e.cause = cause;
    e.stopMillis = now();
    event(e, null, type, detailsName, details);
    for (Run r : e.runs.values()) {
      r.epoch++;
      r.phase = DONE;
      if (r.token != null) tokens.remove(r.token);
    }
    e.runs.clear();
    // Only a running execution needs these (idempotent StartExecution compares inputs of running ones only).
    e.definition = null;
    e.executionContext = null;
    e.machineContext = null;
    e.inputNode = null;
    engine.markDirty(e);
  }

  // ---------------------------------------------------------------- stepping

  private Run newRun(Exec e, Run parent, int index, String scopeId) {
    Run r = new Run();
    r.id = Long.toString(e.runSeq++);
    r.parentId = parent == null ? null : parent.id;
    r.index = index;
    r.scopeId = scopeId;
    r.phase = RUN;
    r.lastEventId = parent != null ? parent.lastEventId : e.nextEventId;
    e.runs.put(r.id, r);
    if (parent != null) parent.children.add(r.id);
    return r;
  }

  private State state(Exec e, Run r) {
    return engine.definitionFor(e).scopes.get(r.scopeId).states.get(r.state);
  }

  private void enter(Exec e, Run r, String name, JsonNode input) {
    r.state = name;
    r.input = input;
    r.enteredMillis = now();
    r.epoch++;
    r.phase = RUN;
    r.retryCounts = null;
    r.retryCount = 0;
    State s = state(e, r);
    ObjectNode d = NODES.objectNode();
    d.put("name", name);
    d.put("input", input.toString());
    d.set("inputDetails", notTruncated());
    r.enteredEventId = event(e, r, s.type + "StateEntered", "stateEnteredEventDetails", d);
  }

  private void ready(Exec e, Run r) {
    ready.add(new Ready(e, r));
  }

  /** Executes ready runs until none is left; re-entrant calls just queue. */
  void pump() {
    if (pumping) return;
    pumping = true;
    try {
      Ready next;
      while ((next = ready.poll()) != null) {
        Exec e = next.exec;
        Run r = next.run;
        if (!e.status.equals("RUNNING") || !r.phase.equals(RUN)) continue;
        if (e.nextEventId >= MAX_EVENTS - 1) {
          // AWS ends a runaway execution when its history reaches 25,000 events, the last being ExecutionFailed.
          String cause = "The execution reached the maximum number of history events (" + MAX_EVENTS + ").";
          close(e, "FAILED", StatesException.RUNTIME, cause, "ExecutionFailed", "executionFailedEventDetails",
              NODES.objectNode().put("error", StatesException.RUNTIME).put("cause", cause));
          continue;
        }
        step(e, r);
        engine.markDirty(e);
      }
    } finally {
      pumping = false;
    }
  }

  private void step(Exec e, Run r) {
    State s = state(e, r);
    try {
      switch (s.type) {
        case Pass -> {
          JsonNode effective = effective(e, r, s, null);
          finish(e, r, s, s.result != null ? s.result : effective);
        }
        case Choice -> choice(e, r, s);
        case Wait -> waitState(e, r, s);
        case Succeed -> {
          JsonNode output = outputPath(e, r, s, inputPath(e, r, s));
          exited(e, r, s, output);
          completeRun(e, r, output);
        }
        case Fail -> fail(e, r, s);
        case Task -> task(e, r, s);
        case Parallel -> parallel(e, r, s);
        case Map -> map(e, r, s);
      }
    } catch (StatesException x) {
      handleError(e, r, inState(r, x));
    }
  }

  private void choice(Exec e, Run r, State s) {
    JsonNode effective = inputPath(e, r, s);
    ObjectNode ctx = context(e, r, null);
    String next = null;
    for (Choice c : s.choices) {
      if (c.rule() == null) {
        throw new StatesException(StatesException.RUNTIME, "Choice rules are not available in this build");
      }
      if (c.rule().matches(effective, ctx)) {
        next = c.next();
        break;
      }
    }
    if (next == null) next = s.defaultNext;
    if (next == null) {
      throw new StatesException(StatesException.NO_CHOICE_MATCHED, "No Choice Rules matched and no Default specified");
    }
    JsonNode output = outputPath(e, r, s, effective);
    exited(e, r, s, output);
    enter(e, r, next, output);
    ready(e, r);
  }

  private void waitState(Exec e, Run r, State s) {
    JsonNode effective = inputPath(e, r, s);
    long now = now();
    long due;
    if (s.seconds != null) {
      due = now + s.seconds * 1000;
    } else if (s.secondsPath != null) {
      JsonNode v = JsonPaths.read(s.secondsPath, effective, context(e, r, null));
      if (!v.isIntegralNumber() || v.asLong() < 0) {
        throw new StatesException(StatesException.RUNTIME, "The SecondsPath parameter does not reference a valid non-negative integer: "
            + s.secondsPath + " -> " + v);
      }
      due = now + v.asLong() * 1000;
    } else {
      String text;
      if (s.timestamp != null) {
        text = s.timestamp;
      } else {
        JsonNode v = JsonPaths.read(s.timestampPath, effective, context(e, r, null));
        text = v.isTextual() ? v.asText() : null;
      }
      Instant at = text == null ? null : Timestamps.parse(text);
      if (at == null) {
        throw new StatesException(StatesException.RUNTIME, "The TimestampPath parameter does not reference a valid ISO-8601 timestamp: "
            + s.timestampPath);
      }
      due = at.toEpochMilli();
    }
    if (due <= now) {
      finishWait(e, r, s);
      return;
    }
    r.phase = WAIT;
    r.dueMillis = due;
    int epoch = r.epoch;
    schedule(due, () -> timerFired(e, r, epoch));
  }

  private void finishWait(Exec e, Run r, State s) {
    JsonNode output = outputPath(e, r, s, inputPath(e, r, s));
    exited(e, r, s, output);
    transition(e, r, s, output);
  }

  private void timerFired(Exec e, Run r, int epoch) {
    if (!e.status.equals("RUNNING") || r.epoch != epoch) return;
    State s = state(e, r);
    try {
      if (r.phase.equals(WAIT)) {
        finishWait(e, r, s);
      } else if (r.phase.equals(RETRY)) {
        r.phase = RUN;
        ready(e, r);
      }
    } catch (StatesException x) {
      handleError(e, r, inState(r, x));
    }
    engine.markDirty(e);
    pump();
  }

  private void fail(Exec e, Run r, State s) {
    ObjectNode ctx = null;
    String error = s.error;
    String cause = s.cause;
    if (s.errorPath != null || s.causePath != null) {
      JsonNode effective = inputPath(e, r, s);
      ctx = context(e, r, null);
      if (s.errorPath != null) error = stringAt(s.errorPath, effective, ctx, "ErrorPath");
      if (s.causePath != null) cause = stringAt(s.causePath, effective, ctx, "CausePath");
    }
    // A Fail state is terminal for its run: its own state cannot catch it, an enclosing Parallel/Map can.
    failRun(e, r, new StatesException(error, cause));
  }

  private static String stringAt(String path, JsonNode input, JsonNode ctx, String field) {
    JsonNode v = JsonPaths.read(path, input, ctx);
    if (!v.isTextual()) {
      throw new StatesException(StatesException.RUNTIME, "The " + field + " parameter does not reference a string: " + path);
    }
    return v.asText();
  }

  // ---------------------------------------------------------------- Task

  private void task(Exec e, Run r, State s) {
    String token = null;
    if (s.pattern == Pattern.WAIT_FOR_TASK_TOKEN) {
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(
          (UUID.randomUUID() + ":" + UUID.randomUUID() + ":" + e.arn.hashCode()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    r.token = token;
    JsonNode params = effective(e, r, s, token);
    ObjectNode ctx = null;
    Long timeout = s.timeoutSeconds;
    if (s.timeoutSecondsPath != null) {
      ctx = context(e, r, token);
      timeout = positiveAt(s.timeoutSecondsPath, inputPath(e, r, s), ctx, "TimeoutSecondsPath");
    }
    Long heartbeat = s.heartbeatSeconds;
    if (s.heartbeatSecondsPath != null) {
      if (ctx == null) ctx = context(e, r, token);
      heartbeat = positiveAt(s.heartbeatSecondsPath, inputPath(e, r, s), ctx, "HeartbeatSecondsPath");
    }
    long now = now();
    r.phase = TASK;
    r.taskParameters = params;
    r.taskDeadlineMillis = timeout == null ? 0 : now + timeout * 1000;
    r.heartbeatSeconds = heartbeat == null ? 0 : heartbeat;
    r.heartbeatDeadlineMillis = heartbeat == null ? 0 : now + heartbeat * 1000;
    if (s.integration.equals("lambda:function")) {
      ObjectNode d = NODES.objectNode();
      d.put("resource", s.resource);
      d.put("input", params.toString());
      d.set("inputDetails", notTruncated());
      if (timeout != null) d.put("timeoutInSeconds", timeout);
      event(e, r, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", d);
      event(e, r, "LambdaFunctionStarted", null, null);
    } else {
      ObjectNode d = resourceDetails(s);
      d.put("region", region);
      d.put("parameters", params.toString());
      if (timeout != null) d.put("timeoutInSeconds", timeout);
      if (heartbeat != null) d.put("heartbeatInSeconds", heartbeat);
      event(e, r, "TaskScheduled", "taskScheduledEventDetails", d);
      event(e, r, "TaskStarted", "taskStartedEventDetails", resourceDetails(s));
    }
    if (token != null) tokens.put(token, new TokenRef(e.arn, r.id, r.epoch));
    armTaskTimers(e, r);
    dispatch(e, r, s, params);
  }

  private static Long positiveAt(String path, JsonNode input, JsonNode ctx, String field) {
    JsonNode v = JsonPaths.read(path, input, ctx);
    if (!v.isIntegralNumber() || v.asLong() < 1) {
      throw new StatesException(StatesException.RUNTIME, "The " + field + " parameter does not reference a positive integer: " + path);
    }
    return v.asLong();
  }

  private void armTaskTimers(Exec e, Run r) {
    int epoch = r.epoch;
    if (r.taskDeadlineMillis > 0) {
      schedule(r.taskDeadlineMillis, () -> taskTimedOut(e, r, epoch, false));
    }
    if (r.heartbeatDeadlineMillis > 0) {
      long deadline = r.heartbeatDeadlineMillis;
      schedule(deadline, () -> {
        if (r.heartbeatDeadlineMillis == deadline) taskTimedOut(e, r, epoch, true);
      });
    }
  }

  private void dispatch(Exec e, Run r, State s, JsonNode params) {
    String resource = s.integration.equals("lambda:function") ? s.resource : "arn:aws:states:::" + s.integration;
    TaskRequest request = new TaskRequest(resource, params, e.arn, e.versionArn != null ? e.versionArn : e.machineArn,
        s.name, r.token);
    int epoch = r.epoch;
    boolean viaToken = r.token != null;
    loop.inflight.incrementAndGet();
    workers.execute(() -> {
      try {
        CompletionStage<JsonNode> stage;
        try {
          stage = invoker.invoke(request);
          if (stage == null) stage = CompletableFuture.failedFuture(new IllegalStateException("the invoker returned no result"));
        } catch (RuntimeException ex) {
          stage = CompletableFuture.failedFuture(ex);
        }
        stage.whenComplete((result, error) -> loop.post(() -> {
          taskReturned(e, r, epoch, result, error, viaToken);
          engine.markDirty(e);
          pump();
        }));
      } finally {
        loop.inflight.decrementAndGet();
      }
    });
  }

  /** The invoker's answer. For .waitForTaskToken a success only means "submitted": the token completes the task. */
  private void taskReturned(Exec e, Run r, int epoch, JsonNode result, Throwable error, boolean viaToken) {
    if (!e.status.equals("RUNNING") || r.epoch != epoch || !r.phase.equals(TASK)) return;
    State s = state(e, r);
    if (error != null) {
      taskFailed(e, r, s, toStatesException(error));
      return;
    }
    if (viaToken) {
      ObjectNode d = resourceDetails(s);
      d.put("output", String.valueOf(result));
      d.set("outputDetails", notTruncated());
      event(e, r, "TaskSubmitted", "taskSubmittedEventDetails", d);
      return;
    }
    taskSucceeded(e, r, s, shape(s, r.taskParameters, result));
  }

  private void taskSucceeded(Exec e, Run r, State s, JsonNode result) {
    closeToken(r);
    if (s.integration.equals("lambda:function")) {
      ObjectNode d = NODES.objectNode();
      d.put("output", result.toString());
      d.set("outputDetails", notTruncated());
      event(e, r, "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", d);
    } else {
      ObjectNode d = resourceDetails(s);
      d.put("output", result.toString());
      d.set("outputDetails", notTruncated());
      event(e, r, "TaskSucceeded", "taskSucceededEventDetails", d);
    }
    r.phase = RUN;
    try {
      checkSize(s, result.toString());
      JsonNode selected = s.resultSelector == null ? result
          : PayloadTemplates.evaluate(s.resultSelector, result, context(e, r, null));
      finish(e, r, s, selected);
    } catch (StatesException x) {
      handleError(e, r, inState(r, x));
    }
  }

  private void taskFailed(Exec e, Run r, State s, StatesException x) {
    closeToken(r);
    ObjectNode d = s.integration.equals("lambda:function") ? NODES.objectNode() : resourceDetails(s);
    if (x.error() != null) d.put("error", x.error());
    if (x.cause() != null) d.put("cause", x.cause());
    event(e, r, s.integration.equals("lambda:function") ? "LambdaFunctionFailed" : "TaskFailed",
        s.integration.equals("lambda:function") ? "lambdaFunctionFailedEventDetails" : "taskFailedEventDetails", d);
    r.phase = RUN;
    handleError(e, r, x);
  }

  private void taskTimedOut(Exec e, Run r, int epoch, boolean heartbeat) {
    if (!e.status.equals("RUNNING") || r.epoch != epoch || !r.phase.equals(TASK)) return;
    State s = state(e, r);
    if (r.token != null) {
      timedOutTokens.put(r.token, e.arn);
      e.timedOutTokens.add(r.token);
      tokens.remove(r.token);
      r.token = null;
    }
    String error = heartbeat ? StatesException.HEARTBEAT_TIMEOUT : StatesException.TIMEOUT;
    ObjectNode d = s.integration.equals("lambda:function") ? NODES.objectNode() : resourceDetails(s);
    // AWS reports a task timeout with an error and no cause (floci-io/floci#2733, measured).
    d.put("error", error);
    event(e, r, s.integration.equals("lambda:function") ? "LambdaFunctionTimedOut" : "TaskTimedOut",
        s.integration.equals("lambda:function") ? "lambdaFunctionTimedOutEventDetails" : "taskTimedOutEventDetails", d);
    r.phase = RUN;
    handleError(e, r, new StatesException(error, null));
    engine.markDirty(e);
    pump();
  }

  void tokenSuccess(String token, JsonNode output) {
    Run r = tokenRun(token);
    Exec e = engine.executions.get(tokens.get(token).executionArn());
    taskSucceeded(e, r, state(e, r), output);
    engine.markDirty(e);
    pump();
  }

  void tokenFailure(String token, String error, String cause) {
    Run r = tokenRun(token);
    Exec e = engine.executions.get(tokens.get(token).executionArn());
    taskFailed(e, r, state(e, r), new StatesException(error, cause));
    engine.markDirty(e);
    pump();
  }

  void tokenHeartbeat(String token) {
    Run r = tokenRun(token);
    if (r.heartbeatSeconds > 0) {
      Exec e = engine.executions.get(tokens.get(token).executionArn());
      r.heartbeatDeadlineMillis = now() + r.heartbeatSeconds * 1000;
      long deadline = r.heartbeatDeadlineMillis;
      int epoch = r.epoch;
      schedule(deadline, () -> {
        if (r.heartbeatDeadlineMillis == deadline) taskTimedOut(e, r, epoch, true);
      });
      engine.markDirty(e);
    }
  }

  private Run tokenRun(String token) {
    TokenRef ref = tokens.get(token);
    Exec e = ref == null ? null : engine.executions.get(ref.executionArn());
    Run r = e == null ? null : e.runs.get(ref.runId());
    if (r == null || r.epoch != ref.epoch() || !r.phase.equals(TASK) || !e.status.equals("RUNNING")) {
      if (ref == null && timedOutTokens.containsKey(token)) {
        throw new StatesApiException("TaskTimedOut", "Task Timed Out: 'Provided task has timed out'");
      }
      throw new StatesApiException("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist anymore'");
    }
    return r;
  }

  private void closeToken(Run r) {
    if (r.token != null) {
      tokens.remove(r.token);
      r.token = null;
    }
  }

  private static StatesException toStatesException(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof StatesException x) return x;
    return new StatesException(StatesException.TASK_FAILED, String.valueOf(cause.getMessage() == null ? cause : cause.getMessage()));
  }

  private ObjectNode resourceDetails(State s) {
    ObjectNode d = NODES.objectNode();
    // aws-sdk:dynamodb:getItem → resourceType "aws-sdk:dynamodb", resource "getItem", as AWS's history shows.
    int colon = s.integration.lastIndexOf(':');
    d.put("resourceType", s.integration.substring(0, colon));
    d.put("resource", s.integration.substring(colon + 1) + (s.pattern == Pattern.WAIT_FOR_TASK_TOKEN ? ".waitForTaskToken" : ""));
    return d;
  }

  /** The result as Step Functions returns it for each integration (invokers return the bare service answer). */
  private JsonNode shape(State s, JsonNode parameters, JsonNode result) {
    JsonNode payload = result == null ? NODES.nullNode() : result;
    String requestId = UUID.randomUUID().toString();
    switch (s.integration) {
      case "lambda:invoke" -> {
        // InvocationType Event: Lambda accepts the call (202) and returns no payload.
        boolean async = parameters != null && parameters.path("InvocationType").asText("").equals("Event");
        ObjectNode out = NODES.objectNode();
        out.put("ExecutedVersion", "$LATEST");
        if (async) {
          out.put("Payload", "");
        } else {
          out.set("Payload", payload);
        }
        out.set("SdkHttpMetadata", httpMetadata(requestId, true, async ? 202 : 200));
        out.set("SdkResponseMetadata", NODES.objectNode().put("RequestId", requestId));
        out.put("StatusCode", async ? 202 : 200);
        return out;
      }
      case "dynamodb:getItem", "dynamodb:putItem", "dynamodb:updateItem", "dynamodb:deleteItem", "sns:publish",
          "states:startExecution" -> {
        if (!payload.isObject()) return payload;
        ObjectNode out = ((ObjectNode) payload).deepCopy();
        if (!out.has("SdkHttpMetadata")) out.set("SdkHttpMetadata", httpMetadata(requestId, false, 200));
        if (!out.has("SdkResponseMetadata")) out.set("SdkResponseMetadata", NODES.objectNode().put("RequestId", requestId));
        return out;
      }
      default -> {
        return payload;
      }
    }
  }

  private ObjectNode httpMetadata(String requestId, boolean lambda, int status) {
    ObjectNode headers = NODES.objectNode();
    headers.put("Connection", "keep-alive");
    headers.put("Content-Type", lambda ? "application/json" : "application/x-amz-json-1.0");
    headers.put("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)));
    if (lambda) headers.put("X-Amz-Executed-Version", "$LATEST");
    headers.put("x-amzn-RequestId", requestId);
    ObjectNode all = NODES.objectNode();
    headers.fields().forEachRemaining(f -> all.set(f.getKey(), NODES.arrayNode().add(f.getValue())));
    ObjectNode meta = NODES.objectNode();
    meta.set("AllHttpHeaders", all);
    meta.set("HttpHeaders", headers);
    meta.put("HttpStatusCode", status);
    return meta;
  }

  // ---------------------------------------------------------------- Parallel and Map

  private void parallel(Exec e, Run r, State s) {
    JsonNode effective = effective(e, r, s, null);
    event(e, r, "ParallelStateStarted", null, null);
    r.phase = CHILDREN;
    r.children = new ArrayList<>();
    r.results = NODES.arrayNode();
    for (int i = 0; i < s.branches.size(); i++) r.results.addNull();
    r.remaining = s.branches.size();
    for (int i = 0; i < s.branches.size(); i++) {
      Scope branch = s.branches.get(i);
      Run child = newRun(e, r, i, branch.id);
      enter(e, child, branch.startAt, effective);
      ready(e, child);
    }
  }

  private void map(Exec e, Run r, State s) {
    JsonNode effective = inputPath(e, r, s);
    ObjectNode ctx = context(e, r, null);
    JsonNode items = s.itemsPath.equals("$") ? effective : JsonPaths.read(s.itemsPath, effective, ctx);
    if (!items.isArray()) {
      throw new StatesException(StatesException.RUNTIME, "Map state input at ItemsPath " + s.itemsPath + " is not an array");
    }
    int max = s.maxConcurrency == null ? 0 : s.maxConcurrency;
    if (s.maxConcurrencyPath != null) {
      JsonNode v = JsonPaths.read(s.maxConcurrencyPath, effective, ctx);
      if (!v.isIntegralNumber() || v.asInt() < 0) {
        throw new StatesException(StatesException.RUNTIME, "The MaxConcurrencyPath parameter does not reference a non-negative integer");
      }
      max = v.asInt();
    }
    event(e, r, "MapStateStarted", "mapStateStartedEventDetails", NODES.objectNode().put("length", items.size()));
    if (items.isEmpty()) {
      event(e, r, "MapStateSucceeded", null, null);
      finishWithResult(e, r, s, NODES.arrayNode());
      return;
    }
    r.phase = CHILDREN;
    r.children = new ArrayList<>();
    r.items = (ArrayNode) items;
    r.itemInput = effective;
    r.maxConcurrency = max;
    r.results = NODES.arrayNode();
    for (int i = 0; i < items.size(); i++) r.results.addNull();
    r.remaining = items.size();
    r.nextItem = 0;
    int first = max == 0 ? items.size() : Math.min(max, items.size());
    try {
      for (int i = 0; i < first; i++) startItem(e, r, s);
    } catch (StatesException x) {
      // An ItemSelector that fails on a later item: the iterations already started must not run on.
      for (String id : new ArrayList<>(r.children)) {
        Run child = e.runs.get(id);
        if (child != null) abortRun(e, child);
      }
      r.children.clear();
      r.phase = RUN;
      throw x;
    }
  }

  private void startItem(Exec e, Run r, State s) {
    int index = r.nextItem++;
    JsonNode item = r.items.get(index);
    JsonNode input = item;
    if (s.itemSelector != null) {
      ObjectNode ctx = context(e, r, null);
      ObjectNode mapCtx = NODES.objectNode();
      mapCtx.putObject("Item").put("Index", index).set("Value", item);
      ctx.set("Map", mapCtx);
      input = PayloadTemplates.evaluate(s.itemSelector, r.itemInput, ctx);
    }
    ObjectNode d = NODES.objectNode().put("name", s.name).put("index", index);
    event(e, r, "MapIterationStarted", "mapIterationStartedEventDetails", d);
    Run child = newRun(e, r, index, s.processor.id);
    enter(e, child, s.processor.startAt, input);
    ready(e, child);
  }

  private void childSucceeded(Exec e, Run parent, Run child, JsonNode output) {
    State s = state(e, parent);
    e.runs.remove(child.id);
    parent.children.remove(child.id);
    parent.results.set(child.index, output);
    parent.remaining--;
    if (s.type == Type.Map) {
      event(e, parent, "MapIterationSucceeded", "mapIterationSucceededEventDetails",
          NODES.objectNode().put("name", s.name).put("index", child.index));
      if (parent.nextItem < parent.items.size()) {
        try {
          startItem(e, parent, s);
        } catch (StatesException x) {
          childrenFailed(e, parent, s, inState(parent, x));
          return;
        }
      }
    }
    if (parent.remaining == 0) {
      event(e, parent, s.type == Type.Map ? "MapStateSucceeded" : "ParallelStateSucceeded", null, null);
      JsonNode results = parent.results;
      parent.results = null;
      parent.items = null;
      parent.itemInput = null;
      parent.phase = RUN;
      try {
        finishWithResult(e, parent, s, results);
      } catch (StatesException x) {
        handleError(e, parent, inState(parent, x));
      }
    }
  }

  private void finishWithResult(Exec e, Run r, State s, JsonNode results) {
    JsonNode selected = s.resultSelector == null ? results
        : PayloadTemplates.evaluate(s.resultSelector, results, context(e, r, null));
    finish(e, r, s, selected);
  }

  /** AWS: if any branch or iteration fails, the whole Parallel/Map state fails with that error and the others stop. */
  private void childFailed(Exec e, Run parent, Run child, StatesException x) {
    State s = state(e, parent);
    e.runs.remove(child.id);
    parent.children.remove(child.id);
    if (s.type == Type.Map) {
      event(e, parent, "MapIterationFailed", "mapIterationFailedEventDetails",
          NODES.objectNode().put("name", s.name).put("index", child.index));
    }
    childrenFailed(e, parent, s, x);
  }

  private void childrenFailed(Exec e, Run parent, State s, StatesException x) {
    for (String id : new ArrayList<>(parent.children)) {
      Run other = e.runs.get(id);
      if (other != null) {
        if (s.type == Type.Map) {
          event(e, parent, "MapIterationAborted", "mapIterationAbortedEventDetails",
              NODES.objectNode().put("name", s.name).put("index", other.index));
        }
        abortRun(e, other);
      }
    }
    parent.children.clear();
    parent.results = null;
    parent.items = null;
    parent.itemInput = null;
    event(e, parent, s.type == Type.Map ? "MapStateFailed" : "ParallelStateFailed", null, null);
    parent.phase = RUN;
    handleError(e, parent, x);
  }

  private void abortRun(Exec e, Run r) {
    for (String id : r.children) {
      Run child = e.runs.get(id);
      if (child != null) abortRun(e, child);
    }
    r.epoch++;
    r.phase = DONE;
    closeToken(r);
    e.runs.remove(r.id);
  }

  // ---------------------------------------------------------------- transitions and errors

  /** ResultPath, OutputPath, the Exited event, then Next or End. */
  private void finish(Exec e, Run r, State s, JsonNode result) {
    JsonNode withResult = resultPath(s.resultPath, s.resultPathNull, r.input, result);
    JsonNode output = outputPath(e, r, s, withResult);
    exited(e, r, s, output);
    transition(e, r, s, output);
  }

  private void transition(Exec e, Run r, State s, JsonNode output) {
    if (s.end) {
      completeRun(e, r, output);
    } else {
      enter(e, r, s.next, output);
      ready(e, r);
    }
  }

  private void exited(Exec e, Run r, State s, JsonNode output) {
    String text = checkSize(s, output.toString());
    ObjectNode d = NODES.objectNode();
    d.put("name", s.name);
    d.put("output", text);
    d.set("outputDetails", notTruncated());
    event(e, r, s.type + "StateExited", "stateExitedEventDetails", d);
  }

  private void completeRun(Exec e, Run r, JsonNode output) {
    r.phase = DONE;
    r.epoch++;
    if (r.parentId == null) {
      e.output = output.toString();
      ObjectNode d = NODES.objectNode();
      d.put("output", e.output);
      d.set("outputDetails", notTruncated());
      close(e, "SUCCEEDED", null, null, "ExecutionSucceeded", "executionSucceededEventDetails", d);
      return;
    }
    childSucceeded(e, e.runs.get(r.parentId), r, output);
  }

  private void failRun(Exec e, Run r, StatesException x) {
    r.phase = DONE;
    r.epoch++;
    closeToken(r);
    if (r.parentId == null) {
      ObjectNode d = NODES.objectNode();
      if (x.error() != null) d.put("error", x.error());
      if (x.cause() != null) d.put("cause", x.cause());
      close(e, "FAILED", x.error(), x.cause(), "ExecutionFailed", "executionFailedEventDetails", d);
      return;
    }
    childFailed(e, e.runs.get(r.parentId), r, x);
  }

  /** AWS's payload quota: 256 KiB of UTF-8 between states; beyond it States.DataLimitExceeded, which nothing catches. */
  static final int MAX_PAYLOAD_BYTES = 256 * 1024;

  private static String checkSize(State s, String json) {
    if (json.length() > MAX_PAYLOAD_BYTES / 4
        && json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
      throw new StatesException(StatesException.DATA_LIMIT_EXCEEDED, "The state/task '" + s.name
          + "' returned a result with a size exceeding the maximum number of bytes service limit.");
    }
    return json;
  }

  /**
   * Errors of the engine's own data processing (paths, templates, intrinsics) carry AWS's prefix naming the
   * state and the event it entered at; task errors and Fail states keep their cause as given.
   */
  private static StatesException inState(Run r, StatesException x) {
    String error = x.error() == null ? "" : x.error();
    boolean processing = error.equals(StatesException.RUNTIME) || error.equals(StatesException.RESULT_PATH_MATCH_FAILURE)
        || error.equals(StatesException.PARAMETER_PATH_FAILURE) || error.equals(StatesException.INTRINSIC_FAILURE);
    return processing ? x.inState(r.state, r.enteredEventId) : x;
  }

  /**
   * Retry, then Catch, as the ASL specification says: the first retrier whose ErrorEquals matches decides;
   * when its attempts are spent, the catchers are tried in order; no match fails the run.
   * States.Runtime and States.DataLimitExceeded are never retried or caught.
   */
  private void handleError(Exec e, Run r, StatesException x) {
    State s = state(e, r);
    String error = x.error() == null ? "" : x.error();
    boolean terminal = error.equals(StatesException.RUNTIME) || error.equals(StatesException.DATA_LIMIT_EXCEEDED);
    if (!terminal) {
      for (int i = 0; i < s.retry.size(); i++) {
        Retrier retrier = s.retry.get(i);
        if (!matches(retrier.errorEquals(), error)) continue;
        if (r.retryCounts == null) r.retryCounts = new int[s.retry.size()];
        int attempt = r.retryCounts[i];
        if (attempt < retrier.maxAttempts()) {
          r.retryCounts[i]++;
          r.retryCount++;
          double delay = retrier.intervalSeconds() * Math.pow(retrier.backoffRate(), attempt);
          if (retrier.maxDelaySeconds() != null) delay = Math.min(delay, retrier.maxDelaySeconds());
          if (retrier.fullJitter()) delay = ThreadLocalRandom.current().nextDouble() * delay;
          r.phase = RETRY;
          r.epoch++;
          r.dueMillis = now() + (long) (delay * 1000);
          int epoch = r.epoch;
          schedule(r.dueMillis, () -> timerFired(e, r, epoch));
          return;
        }
        break;
      }
      for (Catcher c : s.catchers) {
        if (!matches(c.errorEquals(), error)) continue;
        ObjectNode errorOutput = NODES.objectNode();
        errorOutput.put("Error", x.error());
        // ASL spec: the error output has "Error" and may have "Cause".
        if (x.cause() != null) errorOutput.put("Cause", x.cause());
        JsonNode output;
        try {
          output = resultPath(c.resultPath(), c.discardResult(), r.input, errorOutput);
        } catch (StatesException again) {
          failRun(e, r, inState(r, again));
          return;
        }
        // Real AWS histories of a caught failure read TaskFailed, then the catcher's next state entered: no Exited.
        enter(e, r, c.next(), output);
        ready(e, r);
        return;
      }
    }
    failRun(e, r, x);
  }

  /**
   * Error-name matching from the ASL specification and the developer guide ("Error names"): exact names,
   * States.ALL for any error but States.Runtime/States.DataLimitExceeded, States.TaskFailed for any error
   * except States.Timeout (heartbeat timeouts count as timeouts too).
   */
  static boolean matches(List<String> names, String error) {
    for (String name : names) {
      if (name.equals(error)) return true;
      if (name.equals(StatesException.ALL)) return true;
      if (name.equals(StatesException.TASK_FAILED) && !error.equals(StatesException.TIMEOUT)
          && !error.equals(StatesException.HEARTBEAT_TIMEOUT)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- data

  private JsonNode inputPath(Exec e, Run r, State s) {
    if (s.inputPathNull) return NODES.objectNode();
    if (s.inputPath.equals("$")) return r.input;
    return JsonPaths.read(s.inputPath, r.input, context(e, r, null));
  }

  /** InputPath then Parameters. */
  private JsonNode effective(Exec e, Run r, State s, String token) {
    JsonNode input = inputPath(e, r, s);
    if (s.parameters == null) return input;
    return PayloadTemplates.evaluate(s.parameters, input, context(e, r, token));
  }

  private JsonNode outputPath(Exec e, Run r, State s, JsonNode value) {
    if (s.outputPathNull) return NODES.objectNode();
    if (s.outputPath.equals("$")) return value;
    return JsonPaths.read(s.outputPath, value, context(e, r, null));
  }

  private static JsonNode resultPath(String path, boolean discard, JsonNode input, JsonNode result) {
    if (!discard && (path == null || path.equals("$"))) return result;
    if (discard) return input;
    return JsonPaths.applyResultPath(path, input, result, false);
  }

  /** The context object ($$) for the run's current state. */
  private ObjectNode context(Exec e, Run r, String token) {
    if (e.executionContext == null) {
      ObjectNode x = NODES.objectNode();
      x.put("Id", e.arn);
      x.set("Input", e.inputNode);
      x.put("Name", e.name);
      x.put("RoleArn", e.roleArn);
      x.put("StartTime", Timestamps.format(e.startMillis));
      x.put("RedriveCount", 0);
      e.executionContext = x;
      ObjectNode m = NODES.objectNode();
      m.put("Id", e.versionArn != null ? e.versionArn : e.machineArn);
      m.put("Name", e.machineName);
      e.machineContext = m;
    }
    ObjectNode ctx = NODES.objectNode();
    ctx.set("Execution", e.executionContext);
    ctx.set("StateMachine", e.machineContext);
    ObjectNode state = ctx.putObject("State");
    state.put("EnteredTime", Timestamps.format(r.enteredMillis));
    state.put("Name", r.state);
    state.put("RetryCount", r.retryCount);
    if (token != null) ctx.putObject("Task").put("Token", token);
    return ctx;
  }

  private long event(Exec e, Run r, String type, String detailsName, ObjectNode details) {
    if (e.nextEventId >= MAX_EVENTS - 1 && !type.startsWith("Execution")) {
      // The history is full: only the terminal event may follow (pump() fails the execution next).
      return e.nextEventId;
    }
    long id = ++e.nextEventId;
    // AWS reports previousEventId 0 on ExecutionAborted and ExecutionTimedOut (measured, floci-io/floci#2965).
    long previous = type.equals("ExecutionAborted") || type.equals("ExecutionTimedOut") ? 0
        : r != null && r.lastEventId > 0 ? r.lastEventId : id - 1;
    e.history.add(new Records.Event(id, previous, type, now(), detailsName, details));
    if (r != null) r.lastEventId = id;
    return id;
  }

  // Shared: history details are never mutated (GetExecutionHistory copies before stripping data).
  private static final ObjectNode NOT_TRUNCATED = NODES.objectNode().put("truncated", false);

  private static ObjectNode notTruncated() {
    return NOT_TRUNCATED;
  }
}
