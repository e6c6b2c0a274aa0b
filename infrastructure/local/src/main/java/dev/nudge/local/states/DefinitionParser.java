package dev.nudge.local.states;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.states.StateDefinition.Catcher;
import dev.nudge.local.states.StateDefinition.Choice;
import dev.nudge.local.states.StateDefinition.Pattern;
import dev.nudge.local.states.StateDefinition.Retrier;
import dev.nudge.local.states.StateDefinition.Scope;
import dev.nudge.local.states.StateDefinition.State;
import dev.nudge.local.states.StateDefinition.Type;
import dev.nudge.local.states.data.ChoiceRule;
import dev.nudge.local.states.data.DefinitionProblems;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a definition the way CreateStateMachine does: every problem is collected, then
 * reported in one InvalidDefinition message shaped like AWS's
 * ("Invalid State Machine Definition: 'CODE: message at /pointer, CODE: ...'"). What AWS accepts but
 * this engine cannot run (JSONata, variables, Distributed Map, activities, .sync...) is refused here too,
 * with a message saying so, so that it never fails silently at run time.
 */
final class DefinitionParser {
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> TOP_FIELDS = Set.of("StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage");
  private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
  private static final Map<Type, Set<String>> FIELDS = Map.of(
      Type.Pass, Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
      Type.Task, Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
          "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch"),
      Type.Choice, Set.of("Choices", "Default", "InputPath", "OutputPath"),
      Type.Wait, Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
      Type.Succeed, Set.of("InputPath", "OutputPath"),
      Type.Fail, Set.of("Error", "ErrorPath", "Cause", "CausePath"),
      Type.Parallel, Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
          "Branches", "Retry", "Catch"),
      Type.Map, Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
          "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "Retry", "Catch"));
  /** Fields AWS accepts that this engine does not implement: refused rather than ignored. */
  private static final Set<String> KNOWN_UNSUPPORTED = Set.of("Assign", "Arguments", "Output", "Items", "Credentials",
      "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
      "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label");
  private static final Set<String> OPTIMIZED = Set.of("lambda:invoke", "dynamodb:getItem", "dynamodb:putItem",
      "dynamodb:updateItem", "dynamodb:deleteItem", "sns:publish", "events:putEvents", "states:startExecution");
  private static final Set<String> TOKEN_CAPABLE = Set.of("lambda:invoke", "sns:publish", "events:putEvents",
      "states:startExecution");
  private static final java.util.regex.Pattern OPTIMIZED_ARN =
      java.util.regex.Pattern.compile("arn:aws[a-z-]*:states:::((?:aws-sdk:)?[a-zA-Z0-9-]+:[a-zA-Z0-9]+)(\\.[a-zA-Z0-9:]+)?");
  private static final java.util.regex.Pattern FUNCTION_ARN =
      java.util.regex.Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[a-zA-Z0-9_-]+(:[a-zA-Z0-9$_-]+)?");

  private final List<String> problems = new ArrayList<>();
  private final Map<String, Scope> scopes = new LinkedHashMap<>();

  private final java.util.function.Predicate<String> extraResources;

  private DefinitionParser(java.util.function.Predicate<String> extraResources) {
    this.extraResources = extraResources;
  }

  /** Every problem, as "CODE: message at /pointer" (empty when valid): ValidateStateMachineDefinition's view. */
  static List<String> problems(String definition, java.util.function.Predicate<String> extraResources) {
    try {
      parse(definition, extraResources);
      return List.of();
    } catch (InvalidDefinition e) {
      return e.problems;
    }
  }

  /** @throws StatesApiException InvalidDefinition with every problem found */
  static StateDefinition parse(String definition) {
    return parse(definition, r -> false);
  }

  /** @param extraResources resources (without suffix) the invoker runs beyond the built-in list, e.g. aws-sdk:* */
  static StateDefinition parse(String definition, java.util.function.Predicate<String> extraResources) {
    JsonNode root;
    try {
      root = JSON.readTree(definition);
    } catch (JsonProcessingException e) {
      throw invalid(List.of("INVALID_JSON_DESCRIPTION: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw invalid(List.of("INVALID_JSON_DESCRIPTION: The definition must be a JSON object"));
    }
    DefinitionParser parser = new DefinitionParser(extraResources);
    StateDefinition result = parser.top(root);
    if (!parser.problems.isEmpty()) {
      throw invalid(parser.problems);
    }
    return result;
  }

  private static InvalidDefinition invalid(List<String> problems) {
    return new InvalidDefinition(problems);
  }

  /** InvalidDefinition that keeps its problems one by one. */
  static final class InvalidDefinition extends StatesApiException {
    final List<String> problems;

    InvalidDefinition(List<String> problems) {
      super("InvalidDefinition", "Invalid State Machine Definition: '" + String.join(", ", problems) + "'");
      this.problems = List.copyOf(problems);
    }
  }

  private StateDefinition top(JsonNode root) {
    queryLanguage(root, "");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_FIELDS.contains(field)) {
        problems.add(schema("Field '" + field + "' is not supported", "/"));
      }
    }
    Integer timeout = null;
    if (root.has("TimeoutSeconds")) {
      JsonNode t = root.get("TimeoutSeconds");
      if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1) {
        problems.add(schema("The value for the field 'TimeoutSeconds' must be a positive integer", "/TimeoutSeconds"));
      } else {
        timeout = t.asInt();
      }
    }
    Scope scope = scope(root, "", "");
    return new StateDefinition(scope, timeout, Map.copyOf(scopes));
  }

  /** A StartAt + States container: the root, a Parallel branch or a Map processor. */
  private Scope scope(JsonNode node, String id, String pointer) {
    String at = pointer.isEmpty() ? "/" : pointer;
    String startAt = text(node, "StartAt", pointer);
    JsonNode states = node.get("States");
    List<String> required = new ArrayList<>();
    if (startAt == null) required.add("StartAt");
    if (states == null || !states.isObject()) required.add("States");
    if (!required.isEmpty()) {
      problems.add(schema("These fields are required: " + required, at));
    }
    Scope scope = new Scope(id, startAt);
    scopes.put(id, scope);
    if (states == null || !states.isObject()) {
      return scope;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      String statePointer = pointer + "/States/" + name;
      if (name.isEmpty() || name.length() > 80) {
        problems.add(schema("State names must be 1 to 80 characters long", statePointer));
      }
      State state = state(name, e.getValue(), id, statePointer);
      if (state != null) {
        scope.states.put(name, state);
      }
    }
    if (startAt != null && !scope.states.containsKey(startAt) && !states.has(startAt)) {
      problems.add("MISSING_TRANSITION_TARGET: Missing 'StartAt' target: " + startAt + " at " + pointer + "/StartAt");
    }
    transitions(scope, states, pointer);
    return scope;
  }

  private void transitions(Scope scope, JsonNode states, String pointer) {
    boolean terminal = false;
    for (State s : scope.states.values()) {
      String p = pointer + "/States/" + s.name;
      if (s.next != null) target(scope, states, s.next, p + "/Next");
      if (s.defaultNext != null) target(scope, states, s.defaultNext, p + "/Default");
      if (s.choices != null) {
        for (int i = 0; i < s.choices.size(); i++) {
          if (s.choices.get(i).next() != null) target(scope, states, s.choices.get(i).next(), p + "/Choices[" + i + "]/Next");
        }
      }
      for (int i = 0; i < s.catchers.size(); i++) {
        if (s.catchers.get(i).next() != null) target(scope, states, s.catchers.get(i).next(), p + "/Catch[" + i + "]/Next");
      }
      if (s.end || s.type == Type.Succeed || s.type == Type.Fail) terminal = true;
    }
    if (!terminal && !scope.states.isEmpty()) {
      problems.add("MISSING_END_STATE: Workflow has no terminal state");
      return;
    }
    if (scope.startAt == null || !scope.states.containsKey(scope.startAt)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(scope.startAt));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      State s = scope.states.get(name);
      if (s == null || !seen.add(name)) continue;
      if (s.next != null) todo.push(s.next);
      if (s.defaultNext != null) todo.push(s.defaultNext);
      if (s.choices != null) s.choices.forEach(c -> { if (c.next() != null) todo.push(c.next()); });
      s.catchers.forEach(c -> { if (c.next() != null) todo.push(c.next()); });
    }
    for (String name : scope.states.keySet()) {
      if (!seen.contains(name)) {
        problems.add("MISSING_TRANSITION_TARGET: State \"" + name + "\" is not reachable. at " + pointer + "/States/" + name);
      }
    }
  }

  private void target(Scope scope, JsonNode states, String target, String at) {
    if (!states.has(target)) {
      problems.add("MISSING_TRANSITION_TARGET: Missing 'Next' target: " + target + " at " + at);
    }
  }

  private State state(String name, JsonNode node, String scopeId, String p) {
    if (!node.isObject()) {
      problems.add(schema("A state must be a JSON object", p));
      return null;
    }
    String typeName = text(node, "Type", p);
    if (typeName == null) {
      problems.add(schema("These fields are required: [Type]", p));
      return null;
    }
    Type type;
    try {
      type = Type.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      problems.add(schema("Value is not a valid state type: '" + typeName
          + "'. It must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]", p + "/Type"));
      return null;
    }
    queryLanguage(node, p);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (COMMON.contains(field) || FIELDS.get(type).contains(field)) continue;
      if (KNOWN_UNSUPPORTED.contains(field)) {
        problems.add(schema("Field '" + field + "' is not supported by the local Step Functions engine", p));
      } else {
        problems.add(schema("Field '" + field + "' is not supported", p));
      }
    }
    State s = new State();
    s.name = name;
    s.type = type;
    s.next = text(node, "Next", p);
    if (node.has("End")) {
      if (!node.get("End").isBoolean()) {
        problems.add(schema("The value for the field 'End' must be a boolean", p + "/End"));
      }
      s.end = node.get("End").asBoolean(false);
    }
    boolean transitions = type != Type.Choice && type != Type.Succeed && type != Type.Fail;
    if (transitions) {
      if (s.next != null && node.has("End")) {
        problems.add(schema("There should only be one of the following fields: [Next, End]", p));
      } else if (s.next == null && !s.end) {
        problems.add(schema("One of the following fields is required: [Next, End]", p));
      }
    }
    if (node.has("InputPath")) {
      s.inputPathNull = node.get("InputPath").isNull();
      s.inputPath = s.inputPathNull ? null : path(node, "InputPath", p, false);
    }
    if (node.has("OutputPath")) {
      s.outputPathNull = node.get("OutputPath").isNull();
      s.outputPath = s.outputPathNull ? null : path(node, "OutputPath", p, false);
    }
    if (node.has("ResultPath")) {
      s.resultPathNull = node.get("ResultPath").isNull();
      s.resultPath = s.resultPathNull ? null : path(node, "ResultPath", p, true);
    }
    s.parameters = template(node, "Parameters", p);
    s.resultSelector = template(node, "ResultSelector", p);
    s.result = node.get("Result");
    switch (type) {
      case Task -> task(s, node, p);
      case Choice -> choice(s, node, p);
      case Wait -> waitState(s, node, p);
      case Fail -> fail(s, node, p);
      case Parallel -> parallel(s, node, scopeId, p);
      case Map -> map(s, node, scopeId, p);
      default -> { }
    }
    if (node.has("Retry")) s.retry = retriers(node.get("Retry"), p + "/Retry");
    if (node.has("Catch")) s.catchers = catchers(node.get("Catch"), p + "/Catch");
    return s;
  }

  private void task(State s, JsonNode node, String p) {
    s.resource = text(node, "Resource", p);
    if (s.resource == null) {
      problems.add(schema("These fields are required: [Resource]", p));
    } else {
      resource(s, p + "/Resource");
    }
    s.timeoutSeconds = positive(node, "TimeoutSeconds", p);
    s.timeoutSecondsPath = node.has("TimeoutSecondsPath") ? path(node, "TimeoutSecondsPath", p, true) : null;
    s.heartbeatSeconds = positive(node, "HeartbeatSeconds", p);
    s.heartbeatSecondsPath = node.has("HeartbeatSecondsPath") ? path(node, "HeartbeatSecondsPath", p, true) : null;
    onlyOne(node, p, "TimeoutSeconds", "TimeoutSecondsPath");
    onlyOne(node, p, "HeartbeatSeconds", "HeartbeatSecondsPath");
    if (s.timeoutSeconds != null && s.heartbeatSeconds != null && s.heartbeatSeconds >= s.timeoutSeconds) {
      problems.add(schema("The value of HeartbeatSeconds must be smaller than the value of TimeoutSeconds", p + "/HeartbeatSeconds"));
    }
  }

  private void resource(State s, String at) {
    java.util.regex.Matcher m = OPTIMIZED_ARN.matcher(s.resource);
    if (m.matches()) {
      String integration = m.group(1);
      String suffix = m.group(2);
      String base = "arn:aws:states:::" + integration;
      boolean extra = !OPTIMIZED.contains(integration) && extraResources.test(base);
      if (!OPTIMIZED.contains(integration) && !extra) {
        problems.add(schema("The resource provided " + s.resource + " is not recognized. The local Step Functions engine"
            + " supports " + OPTIMIZED + ", Lambda function ARNs and what its task invoker declares", at));
        return;
      }
      if (suffix == null) {
        s.pattern = Pattern.REQUEST_RESPONSE;
      } else if (suffix.equals(".waitForTaskToken") && (TOKEN_CAPABLE.contains(integration) || extra)) {
        s.pattern = Pattern.WAIT_FOR_TASK_TOKEN;
      } else {
        problems.add(schema("The resource provided " + s.resource + " is not recognized. The integration pattern '"
            + suffix.substring(1) + "' is not supported for " + integration + " by the local Step Functions engine", at));
        return;
      }
      s.integration = integration;
      return;
    }
    if (FUNCTION_ARN.matcher(s.resource).matches()) {
      s.integration = "lambda:function";
      s.pattern = Pattern.REQUEST_RESPONSE;
      return;
    }
    problems.add(schema("The resource provided " + s.resource + " is not recognized. The value is not a valid resource ARN,"
        + " or the resource is not supported by the local Step Functions engine", at));
  }

  private void choice(State s, JsonNode node, String p) {
    JsonNode choices = node.get("Choices");
    s.defaultNext = text(node, "Default", p);
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      problems.add(schema(choices == null ? "These fields are required: [Choices]"
          : "The field 'Choices' must be a non-empty array", p));
      s.choices = List.of();
      return;
    }
    List<Choice> list = new ArrayList<>();
    for (int i = 0; i < choices.size(); i++) {
      JsonNode rule = choices.get(i);
      String at = p + "/Choices[" + i + "]";
      List<String> found = data(() -> DefinitionProblems.choiceRule(at, rule, true));
      problems.addAll(found);
      String next = rule.path("Next").isTextual() ? rule.get("Next").asText() : null;
      ChoiceRule parsed = null;
      if (found.isEmpty()) {
        try {
          parsed = ChoiceRule.parse(rule);
        } catch (IllegalArgumentException e) {
          problems.add(schema(e.getMessage(), at));
        }
      }
      list.add(new Choice(parsed, next));
    }
    s.choices = list;
  }

  private void waitState(State s, JsonNode node, String p) {
    int count = 0;
    if (node.has("Seconds")) {
      count++;
      JsonNode v = node.get("Seconds");
      if (!v.isIntegralNumber() || v.asLong() < 0) {
        problems.add(schema("The value for the field 'Seconds' must be a non-negative integer", p + "/Seconds"));
      } else {
        s.seconds = v.asLong();
      }
    }
    if (node.has("SecondsPath")) {
      count++;
      s.secondsPath = path(node, "SecondsPath", p, true);
    }
    if (node.has("Timestamp")) {
      count++;
      s.timestamp = text(node, "Timestamp", p);
      if (s.timestamp != null && Timestamps.parse(s.timestamp) == null) {
        problems.add(schema("The value for the field 'Timestamp' must be a valid ISO-8601 timestamp", p + "/Timestamp"));
      }
    }
    if (node.has("TimestampPath")) {
      count++;
      s.timestampPath = path(node, "TimestampPath", p, true);
    }
    if (count != 1) {
      problems.add(schema((count == 0 ? "One of the following fields is required: " : "There should only be one of the following fields: ")
          + "[Seconds, Timestamp, SecondsPath, TimestampPath]", p));
    }
  }

  private void fail(State s, JsonNode node, String p) {
    onlyOne(node, p, "Error", "ErrorPath");
    onlyOne(node, p, "Cause", "CausePath");
    s.error = text(node, "Error", p);
    s.cause = text(node, "Cause", p);
    s.errorPath = node.has("ErrorPath") ? path(node, "ErrorPath", p, true) : null;
    s.causePath = node.has("CausePath") ? path(node, "CausePath", p, true) : null;
  }

  private void parallel(State s, JsonNode node, String scopeId, String p) {
    JsonNode branches = node.get("Branches");
    s.branches = new ArrayList<>();
    if (branches == null || !branches.isArray() || branches.isEmpty()) {
      problems.add(schema(branches == null ? "These fields are required: [Branches]"
          : "The field 'Branches' must be a non-empty array", p));
      return;
    }
    for (int i = 0; i < branches.size(); i++) {
      JsonNode b = branches.get(i);
      String at = p + "/Branches[" + i + "]";
      if (!b.isObject()) {
        problems.add(schema("A branch must be a JSON object", at));
        continue;
      }
      branchFields(b, at, Set.of("StartAt", "States", "Comment", "QueryLanguage"));
      s.branches.add(scope(b, scopeId + "/" + s.name + "/" + i, at));
    }
  }

  private void map(State s, JsonNode node, String scopeId, String p) {
    onlyOne(node, p, "ItemProcessor", "Iterator");
    onlyOne(node, p, "ItemSelector", "Parameters");
    onlyOne(node, p, "MaxConcurrency", "MaxConcurrencyPath");
    if (node.has("ItemsPath")) s.itemsPath = path(node, "ItemsPath", p, false);
    s.itemSelector = node.has("ItemSelector") ? template(node, "ItemSelector", p) : s.parameters;
    // In a Map state the legacy Parameters field is the per-item selector, not a state-input template.
    s.parameters = null;
    if (node.has("MaxConcurrency")) {
      JsonNode m = node.get("MaxConcurrency");
      if (!m.isIntegralNumber() || m.asInt() < 0) {
        problems.add(schema("Minimum value is 0", p + "/MaxConcurrency"));
      } else {
        s.maxConcurrency = m.asInt();
      }
    }
    if (node.has("MaxConcurrencyPath")) s.maxConcurrencyPath = path(node, "MaxConcurrencyPath", p, true);
    String field = node.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
    JsonNode processor = node.get(field);
    if (processor == null || !processor.isObject()) {
      problems.add(schema("These fields are required: [ItemProcessor]", p));
      return;
    }
    String at = p + "/" + field;
    branchFields(processor, at, Set.of("StartAt", "States", "Comment", "ProcessorConfig"));
    JsonNode config = processor.get("ProcessorConfig");
    if (config != null) {
      String mode = config.path("Mode").asText("INLINE");
      if (!mode.equals("INLINE")) {
        problems.add(schema("ProcessorConfig Mode '" + mode + "' (Distributed Map) is not supported by the local Step Functions engine",
            at + "/ProcessorConfig/Mode"));
      }
    }
    s.processor = scope(processor, scopeId + "/" + s.name, at);
  }

  private void branchFields(JsonNode node, String at, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equals("QueryLanguage")) {
        problems.add(schema("Field 'QueryLanguage' is not supported", at));
      } else if (!allowed.contains(f)) {
        problems.add(schema("Field '" + f + "' is not supported", at));
      }
    }
  }

  private List<Retrier> retriers(JsonNode node, String p) {
    List<Retrier> list = new ArrayList<>();
    if (!node.isArray()) {
      problems.add(schema("The field 'Retry' must be an array", p));
      return list;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode r = node.get(i);
      String at = p + "[" + i + "]";
      for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment").contains(f)) {
          problems.add(schema("Field '" + f + "' is not supported", at));
        }
      }
      List<String> errors = errorEquals(r, at, i == node.size() - 1);
      double interval = 1;
      if (r.has("IntervalSeconds")) {
        if (!r.get("IntervalSeconds").isIntegralNumber() || r.get("IntervalSeconds").asLong() < 1) {
          problems.add(schema("Minimum value is 1", at + "/IntervalSeconds"));
        }
        interval = r.get("IntervalSeconds").asDouble();
      }
      int maxAttempts = 3;
      if (r.has("MaxAttempts")) {
        if (!r.get("MaxAttempts").isIntegralNumber() || r.get("MaxAttempts").asInt() < 0) {
          problems.add(schema("Minimum value is 0", at + "/MaxAttempts"));
        }
        maxAttempts = r.get("MaxAttempts").asInt();
      }
      double backoff = 2.0;
      if (r.has("BackoffRate")) {
        if (!r.get("BackoffRate").isNumber() || r.get("BackoffRate").asDouble() < 1.0) {
          problems.add(schema("Minimum value is 1.0", at + "/BackoffRate"));
        }
        backoff = r.get("BackoffRate").asDouble();
      }
      Long maxDelay = null;
      if (r.has("MaxDelaySeconds")) {
        if (!r.get("MaxDelaySeconds").isIntegralNumber() || r.get("MaxDelaySeconds").asLong() < 1) {
          problems.add(schema("Minimum value is 1", at + "/MaxDelaySeconds"));
        }
        maxDelay = r.get("MaxDelaySeconds").asLong();
      }
      boolean full = false;
      if (r.has("JitterStrategy")) {
        String j = r.get("JitterStrategy").asText();
        if (!j.equals("FULL") && !j.equals("NONE")) {
          problems.add(schema("Value must be one of [FULL, NONE]", at + "/JitterStrategy"));
        }
        full = j.equals("FULL");
      }
      list.add(new Retrier(errors, interval, maxAttempts, backoff, maxDelay, full));
    }
    return list;
  }

  private List<Catcher> catchers(JsonNode node, String p) {
    List<Catcher> list = new ArrayList<>();
    if (!node.isArray()) {
      problems.add(schema("The field 'Catch' must be an array", p));
      return list;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode c = node.get(i);
      String at = p + "[" + i + "]";
      for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of("ErrorEquals", "Next", "ResultPath", "Comment").contains(f)) {
          problems.add(schema(KNOWN_UNSUPPORTED.contains(f) ? "Field '" + f + "' is not supported by the local Step Functions engine"
              : "Field '" + f + "' is not supported", at));
        }
      }
      List<String> errors = errorEquals(c, at, i == node.size() - 1);
      String next = text(c, "Next", at);
      if (next == null) problems.add(schema("These fields are required: [Next]", at));
      boolean discard = c.has("ResultPath") && c.get("ResultPath").isNull();
      String resultPath = c.has("ResultPath") && !discard ? path(c, "ResultPath", at, true) : null;
      list.add(new Catcher(errors, next, resultPath, discard));
    }
    return list;
  }

  private List<String> errorEquals(JsonNode node, String at, boolean last) {
    JsonNode e = node.get("ErrorEquals");
    if (e == null || !e.isArray() || e.isEmpty()) {
      problems.add(schema(e == null ? "These fields are required: [ErrorEquals]" : "The field 'ErrorEquals' must be a non-empty array", at));
      return List.of();
    }
    List<String> errors = new ArrayList<>();
    e.forEach(x -> errors.add(x.asText()));
    if (errors.contains("States.ALL") && errors.size() > 1) {
      problems.add(schema("Error name 'States.ALL' must appear alone in ErrorEquals", at + "/ErrorEquals"));
    }
    if (errors.contains("States.ALL") && !last) {
      problems.add(schema("A Retrier or Catcher with 'States.ALL' must be the last one in its array", at + "/ErrorEquals"));
    }
    return errors;
  }

  private void queryLanguage(JsonNode node, String p) {
    if (node.has("QueryLanguage")) {
      String q = node.get("QueryLanguage").asText();
      if (q.equals("JSONata")) {
        problems.add(schema("QueryLanguage 'JSONata' is not supported by the local Step Functions engine",
            (p.isEmpty() ? "" : p) + "/QueryLanguage"));
      } else if (!q.equals("JSONPath")) {
        problems.add(schema("Value must be one of [JSONPath, JSONata]", p + "/QueryLanguage"));
      }
    }
  }

  private void onlyOne(JsonNode node, String p, String a, String b) {
    if (node.has(a) && node.has(b)) {
      problems.add(schema("There should only be one of the following fields: [" + a + ", " + b + "]", p));
    }
  }

  private Long positive(JsonNode node, String field, String p) {
    if (!node.has(field)) return null;
    JsonNode v = node.get(field);
    if (!v.isIntegralNumber() || v.asLong() < 1) {
      problems.add(schema("Minimum value is 1", p + "/" + field));
      return null;
    }
    return v.asLong();
  }

  private String text(JsonNode node, String field, String p) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) {
      problems.add(schema("The value for the field '" + field + "' must be a STRING", p + "/" + field));
      return null;
    }
    return v.asText();
  }

  private String path(JsonNode node, String field, String p, boolean reference) {
    String value = text(node, field, p);
    if (value == null) return null;
    String at = p + "/" + field;
    problems.addAll(data(() -> reference ? DefinitionProblems.referencePath(at, value) : DefinitionProblems.path(at, value)));
    return value;
  }

  private JsonNode template(JsonNode node, String field, String p) {
    JsonNode t = node.get(field);
    if (t == null) return null;
    problems.addAll(data(() -> DefinitionProblems.payloadTemplate(p + "/" + field, t)));
    return t;
  }

  private static List<String> data(java.util.function.Supplier<List<String>> check) {
    return check.get();
  }

  private static String schema(String message, String at) {
    return "SCHEMA_VALIDATION_FAILED: " + message + " at " + at;
  }
}
