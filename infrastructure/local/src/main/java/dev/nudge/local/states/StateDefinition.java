package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.states.data.ChoiceRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed, validated state machine definition: immutable, shared by every execution of one revision. */
final class StateDefinition {
  final Scope root;
  final Integer timeoutSeconds;
  /** Every scope (the root, each Parallel branch, each Map processor) by id, so a persisted run finds its states again. */
  final Map<String, Scope> scopes;

  StateDefinition(Scope root, Integer timeoutSeconds, Map<String, Scope> scopes) {
    this.root = root;
    this.timeoutSeconds = timeoutSeconds;
    this.scopes = scopes;
  }

  static final class Scope {
    final String id;
    final String startAt;
    final LinkedHashMap<String, State> states = new LinkedHashMap<>();

    Scope(String id, String startAt) {
      this.id = id;
      this.startAt = startAt;
    }
  }

  enum Type {
    Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map
  }

  /** Task resources the engine runs; anything else is refused at creation. */
  enum Pattern {
    REQUEST_RESPONSE, WAIT_FOR_TASK_TOKEN
  }

  record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
      Long maxDelaySeconds, boolean fullJitter) {}

  /** resultPath null + discardResult false = "$". */
  record Catcher(List<String> errorEquals, String next, String resultPath, boolean discardResult) {}

  record Choice(ChoiceRule rule, String next) {}

  /** One state. Fields not used by its type stay null. */
  static final class State {
    String name;
    Type type;
    String next;
    boolean end;
    String inputPath = "$";
    boolean inputPathNull;
    String outputPath = "$";
    boolean outputPathNull;
    String resultPath;
    boolean resultPathNull;
    JsonNode parameters;
    JsonNode resultSelector;
    JsonNode result;
    // Task
    String resource;
    String integration;
    Pattern pattern;
    Long timeoutSeconds;
    String timeoutSecondsPath;
    Long heartbeatSeconds;
    String heartbeatSecondsPath;
    List<Retrier> retry = List.of();
    List<Catcher> catchers = List.of();
    // Choice
    List<Choice> choices;
    String defaultNext;
    // Wait
    Long seconds;
    String secondsPath;
    String timestamp;
    String timestampPath;
    // Fail
    String error;
    String errorPath;
    String cause;
    String causePath;
    // Parallel
    List<Scope> branches;
    // Map
    Scope processor;
    String itemsPath = "$";
    JsonNode itemSelector;
    Integer maxConcurrency;
    String maxConcurrencyPath;
  }
}
