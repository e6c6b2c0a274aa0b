package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.states.StatesModel.ExecutionDescription;
import dev.nudge.local.states.StatesModel.HistoryEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** An engine on a frozen virtual clock with a scripted invoker; time moves only through advance(). */
final class Harness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ROLE = "arn:aws:iam::123456789012:role/states";
  static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

  final VirtualClock clock;
  final ScriptedInvoker invoker;
  final StatesEngine engine;

  Harness() {
    this(null, new VirtualClock(START, 0));
  }

  Harness(Path dataDir, VirtualClock clock) {
    this(dataDir, clock, new ScriptedInvoker());
  }

  /** With an invoker scripted before the engine starts (a restarted engine calls it at once). */
  Harness(Path dataDir, VirtualClock clock, ScriptedInvoker invoker) {
    this.clock = clock;
    this.invoker = invoker;
    this.engine = new StatesEngine(clock, invoker, dataDir);
  }

  String create(String name, String definition) {
    return engine.createStateMachine(name, definition, ROLE, null, false, null).stateMachineArn();
  }

  String start(String machineArn, String input) {
    String arn = engine.startExecution(machineArn, null, input).executionArn();
    engine.awaitQuiescence();
    return arn;
  }

  /** Creates a machine, runs one execution to quiescence, describes it. */
  ExecutionDescription run(String definition, String input) {
    String machine = create("m" + Math.abs(definition.hashCode()), definition);
    return engine.describeExecution(start(machine, input));
  }

  void advance(Duration d) {
    clock.advance(d);
    engine.awaitQuiescence();
  }

  List<String> eventTypes(String executionArn) {
    return history(executionArn).stream().map(HistoryEvent::type).toList();
  }

  List<HistoryEvent> history(String executionArn) {
    return engine.getExecutionHistory(executionArn, false, 1000, null, true).items();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    engine.close();
  }

  /** Answers by resource, or by FunctionName for lambda:invoke; records every request. */
  static final class ScriptedInvoker implements TaskInvoker {
    final List<TaskRequest> requests = new CopyOnWriteArrayList<>();
    final Map<String, Function<TaskRequest, CompletionStage<JsonNode>>> handlers = new ConcurrentHashMap<>();

    void on(String key, Function<TaskRequest, CompletionStage<JsonNode>> handler) {
      handlers.put(key, handler);
    }

    void answer(String key, String json) {
      on(key, r -> CompletableFuture.completedFuture(Harness.json(json)));
    }

    void echo(String key) {
      on(key, r -> CompletableFuture.completedFuture(
          r.resource().equals("arn:aws:states:::lambda:invoke") ? r.parameters().get("Payload") : r.parameters()));
    }

    void fail(String key, String error, String cause) {
      on(key, r -> CompletableFuture.failedFuture(new dev.nudge.local.states.data.StatesException(error, cause)));
    }

    List<TaskRequest> requestsFor(String key) {
      return requests.stream().filter(r -> key(r).equals(key)).toList();
    }

    private static String key(TaskRequest r) {
      if (r.resource().equals("arn:aws:states:::lambda:invoke")) {
        return r.parameters().path("FunctionName").asText();
      }
      return r.resource();
    }

    @Override
    public CompletionStage<JsonNode> invoke(TaskRequest request) {
      requests.add(request);
      Function<TaskRequest, CompletionStage<JsonNode>> h = handlers.get(key(request));
      if (h == null) {
        return CompletableFuture.failedFuture(new dev.nudge.local.states.data.StatesException(
            "Lambda.ResourceNotFoundException", "no handler for " + key(request)));
      }
      return h.apply(request);
    }
  }
}
