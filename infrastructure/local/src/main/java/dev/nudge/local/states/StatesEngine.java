package dev.nudge.local.states;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.states.Records.Alias;
import dev.nudge.local.states.Records.Exec;
import dev.nudge.local.states.Records.Machine;
import dev.nudge.local.states.Records.Revision;
import dev.nudge.local.states.Records.Version;
import dev.nudge.local.states.StatesModel.*;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Step Functions service on one machine: state machines, versions, aliases, executions, task tokens.
 * Every call may throw {@link StatesApiException} with AWS's error type. Thread-safe: all state is owned by
 * one loop thread ({@link EngineLoop}); API calls from other threads are handed to it and waited for.
 */
public final class StatesEngine implements AutoCloseable {
  public static final String DEFAULT_REGION = "us-east-1";
  public static final String DEFAULT_ACCOUNT = "123456789012";

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(StatesEngine.class.getName());
  static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  // AWS: names must not contain whitespace, brackets, wildcards, these specials or control characters.
  private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\u0000-\\u001f\\u007f-\\u009f]{1,80}");
  private static final Pattern ALIAS_NAME = Pattern.compile("(?=.*[a-zA-Z_\\-.])[a-zA-Z_\\-.0-9]{1,80}");
  private static final int MAX_INPUT = 256 * 1024;

  private final Clock clock;
  private final TaskInvoker invoker;
  private final Path dataDir;
  private final String region;
  private final String account;
  final EngineLoop loop;
  final Interpreter interpreter;
  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final Map<String, StateDefinition> definitions = new HashMap<>();
  final Map<String, Exec> executions = new HashMap<>();
  private final Map<String, List<Exec>> executionsByMachine = new HashMap<>();
  private final Set<Exec> dirty = new LinkedHashSet<>();

  /** @param dataDir where executions and state machines persist; null keeps everything in memory */
  public StatesEngine(Clock clock, TaskInvoker invoker, Path dataDir) {
    this(clock, invoker, dataDir, DEFAULT_REGION, DEFAULT_ACCOUNT);
  }

  public StatesEngine(Clock clock, TaskInvoker invoker, Path dataDir, String region, String accountId) {
    this.clock = Objects.requireNonNull(clock);
    this.invoker = Objects.requireNonNull(invoker);
    this.dataDir = dataDir;
    this.region = region;
    this.account = accountId;
    this.loop = new EngineLoop(clock, this::flush);
    this.interpreter = new Interpreter(this, clock, invoker, loop, region);
    if (dataDir != null) {
      load();
    }
    loop.start();
  }

  public String region() {
    return region;
  }

  public String accountId() {
    return account;
  }

  // ---------------------------------------------------------------- state machines

  /** type: STANDARD (EXPRESS is refused). publish: also publish version 1. */
  public CreateStateMachineResult createStateMachine(
      String name, String definition, String roleArn, String type, boolean publish, String versionDescription) {
    checkName(name);
    if (definition == null) throw validation("definition");
    if (roleArn == null) throw validation("roleArn");
    if (type != null && !type.equals("STANDARD")) {
      throw new StatesApiException("ValidationException",
          "Value '" + type + "' at 'type' failed to satisfy constraint: the local Step Functions engine runs STANDARD state machines only");
    }
    StateDefinition parsed = DefinitionParser.parse(definition, invoker::supports);
    return loop.call(() -> {
      String arn = machineArn(name);
      Machine existing = machines.get(arn);
      if (existing != null && !existing.deleted) {
        Revision current = existing.revisions.get(existing.revisionId);
        if (current.definition.equals(definition) && Objects.equals(current.roleArn, roleArn)) {
          // AWS: CreateStateMachine is idempotent for an identical definition and role.
          return new CreateStateMachineResult(arn, Instant.ofEpochMilli(existing.creationMillis), null);
        }
        throw new StatesApiException("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'");
      }
      Machine m = new Machine();
      m.name = name;
      m.arn = arn;
      m.creationMillis = clock.millis();
      m.revisionId = newRevision(m, definition, roleArn, parsed);
      machines.put(arn, m);
      String versionArn = publish ? publish(m, versionDescription).arn : null;
      saveMachines();
      return new CreateStateMachineResult(arn, Instant.ofEpochMilli(m.creationMillis), versionArn);
    });
  }

  /** Null definition or roleArn keeps the current one. */
  public UpdateStateMachineResult updateStateMachine(
      String stateMachineArn, String definition, String roleArn, boolean publish, String versionDescription) {
    StateDefinition parsed = definition == null ? null : DefinitionParser.parse(definition, invoker::supports);
    if (definition == null && roleArn == null && !publish) {
      throw new StatesApiException("MissingRequiredParameter", "Either the definition, the roleArn or publish must be specified");
    }
    return loop.call(() -> {
      Machine m = machine(stateMachineArn);
      Revision current = m.revisions.get(m.revisionId);
      String newDefinition = definition == null ? current.definition : definition;
      String newRole = roleArn == null ? current.roleArn : roleArn;
      if (!newDefinition.equals(current.definition) || !Objects.equals(newRole, current.roleArn)) {
        m.revisionId = newRevision(m, newDefinition, newRole, parsed);
      }
      String versionArn = publish ? publish(m, versionDescription).arn : null;
      saveMachines();
      return new UpdateStateMachineResult(Instant.ofEpochMilli(clock.millis()), m.revisionId, versionArn);
    });
  }

  /** ValidateStateMachineDefinition: the problems CreateStateMachine would refuse, without creating anything. */
  public ValidationResult validateStateMachineDefinition(String definition) {
    if (definition == null) throw validation("definition");
    List<ValidationDiagnostic> diagnostics = new ArrayList<>();
    for (String problem : DefinitionParser.problems(definition, invoker::supports)) {
      int colon = problem.indexOf(": ");
      String code = colon > 0 ? problem.substring(0, colon) : "SCHEMA_VALIDATION_FAILED";
      String rest = colon > 0 ? problem.substring(colon + 2) : problem;
      int at = rest.lastIndexOf(" at /");
      String location = at >= 0 ? rest.substring(at + 4) : null;
      diagnostics.add(new ValidationDiagnostic("ERROR", code, at >= 0 ? rest.substring(0, at) : rest, location));
    }
    return new ValidationResult(diagnostics.isEmpty() ? "OK" : "FAIL", diagnostics, false);
  }

  /** DescribeStateMachineForExecution: the definition the execution runs (its revision, not the current one). */
  public StateMachineDescription describeStateMachineForExecution(String executionArn) {
    return loop.call(() -> {
      Exec e = execution(executionArn);
      Machine m = machines.get(e.machineArn);
      Revision r = m.revisions.get(e.revisionId);
      return new StateMachineDescription(e.versionArn != null ? e.versionArn : m.arn, m.name, "ACTIVE", r.definition,
          r.roleArn, "STANDARD", Instant.ofEpochMilli(r.creationMillis), e.revisionId, null);
    });
  }

  /** Accepts a state machine ARN or a version ARN. */
  public StateMachineDescription describeStateMachine(String stateMachineArn) {
    return loop.call(() -> {
      Target t = target(stateMachineArn, false);
      Revision r = t.machine.revisions.get(t.revisionId);
      if (t.version != null) {
        return new StateMachineDescription(t.version.arn, t.machine.name, "ACTIVE", r.definition, r.roleArn, "STANDARD",
            Instant.ofEpochMilli(t.version.creationMillis), t.version.revisionId, t.version.description);
      }
      return new StateMachineDescription(t.machine.arn, t.machine.name, "ACTIVE", r.definition, r.roleArn, "STANDARD",
          Instant.ofEpochMilli(t.machine.creationMillis), t.machine.revisionId, t.machine.description);
    });
  }

  public Page<StateMachineListItem> listStateMachines(Integer maxResults, String nextToken) {
    return loop.call(() -> page(machines.values().stream().filter(m -> !m.deleted)
        .map(m -> new StateMachineListItem(m.arn, m.name, m.type, Instant.ofEpochMilli(m.creationMillis))).toList(),
        maxResults, nextToken));
  }

  /** Running executions keep running (AWS deletes the machine once they finish); the machine is gone at once for new calls. */
  public void deleteStateMachine(String stateMachineArn) {
    loop.call(() -> {
      parseArn(stateMachineArn, "stateMachine");
      Machine m = machines.get(stateMachineArn);
      if (m != null) {
        m.deleted = true;
        saveMachines();
      }
      return null;
    });
  }

  /** revisionId: if non-null, must be the current revision, else ConflictException. */
  public PublishVersionResult publishStateMachineVersion(String stateMachineArn, String revisionId, String description) {
    return loop.call(() -> {
      Machine m = machine(stateMachineArn);
      if (revisionId != null && !revisionId.equals(m.revisionId)) {
        throw new StatesApiException("ConflictException", "Failed to publish the State Machine version for revision "
            + revisionId + ". The current State Machine revision is " + m.revisionId + ".");
      }
      Version v = publish(m, description);
      saveMachines();
      return new PublishVersionResult(Instant.ofEpochMilli(v.creationMillis), v.arn);
    });
  }

  public Page<VersionListItem> listStateMachineVersions(String stateMachineArn, Integer maxResults, String nextToken) {
    return loop.call(() -> {
      Machine m = machine(stateMachineArn);
      List<VersionListItem> items = new ArrayList<>();
      for (int i = m.versions.size() - 1; i >= 0; i--) {
        Version v = m.versions.get(i);
        items.add(new VersionListItem(v.arn, Instant.ofEpochMilli(v.creationMillis)));
      }
      return page(items, maxResults, nextToken);
    });
  }

  public CreateAliasResult createStateMachineAlias(String name, String description, List<RoutingEntry> routingConfiguration) {
    if (name == null || !ALIAS_NAME.matcher(name).matches()) {
      throw new StatesApiException("ValidationException", "Invalid alias name: '" + name + "'");
    }
    return loop.call(() -> {
      Machine m = routingMachine(routingConfiguration);
      String arn = m.arn + ":" + name;
      Alias existing = m.aliases.get(name);
      if (existing != null) {
        if (existing.routing.equals(routingConfiguration) && Objects.equals(existing.description, description)) {
          return new CreateAliasResult(arn, Instant.ofEpochMilli(existing.creationMillis));
        }
        throw new StatesApiException("ConflictException", "Failed to create alias because an alias with the same name and a different routing configuration already exists.");
      }
      Alias a = new Alias();
      a.name = name;
      a.arn = arn;
      a.description = description;
      a.routing = new ArrayList<>(routingConfiguration);
      a.creationMillis = clock.millis();
      a.updateMillis = a.creationMillis;
      m.aliases.put(name, a);
      saveMachines();
      return new CreateAliasResult(arn, Instant.ofEpochMilli(a.creationMillis));
    });
  }

  /** Null description or routing keeps the current one; returns the update date. */
  public Instant updateStateMachineAlias(String stateMachineAliasArn, String description, List<RoutingEntry> routingConfiguration) {
    return loop.call(() -> {
      Alias a = alias(stateMachineAliasArn);
      if (routingConfiguration != null) {
        Machine m = routingMachine(routingConfiguration);
        if (!stateMachineAliasArn.startsWith(m.arn + ":")) {
          throw new StatesApiException("ValidationException", "The routing configuration must reference versions of the alias's state machine");
        }
        a.routing = new ArrayList<>(routingConfiguration);
      }
      if (description != null) a.description = description;
      a.updateMillis = clock.millis();
      saveMachines();
      return Instant.ofEpochMilli(a.updateMillis);
    });
  }

  public AliasDescription describeStateMachineAlias(String stateMachineAliasArn) {
    return loop.call(() -> {
      Alias a = alias(stateMachineAliasArn);
      return new AliasDescription(a.arn, a.name, a.description, List.copyOf(a.routing),
          Instant.ofEpochMilli(a.creationMillis), Instant.ofEpochMilli(a.updateMillis));
    });
  }

  public Page<AliasListItem> listStateMachineAliases(String stateMachineArn, Integer maxResults, String nextToken) {
    return loop.call(() -> page(machine(stateMachineArn).aliases.values().stream()
        .map(a -> new AliasListItem(a.arn, Instant.ofEpochMilli(a.creationMillis))).toList(), maxResults, nextToken));
  }

  public void deleteStateMachineAlias(String stateMachineAliasArn) {
    loop.call(() -> {
      Alias a = alias(stateMachineAliasArn);
      machine(stateMachineAliasArn.substring(0, stateMachineAliasArn.lastIndexOf(':'))).aliases.remove(a.name);
      saveMachines();
      return null;
    });
  }

  // ---------------------------------------------------------------- executions

  /**
   * stateMachineArn may be a state machine, version or alias ARN. name null = a random UUID.
   * input null = "{}".
   */
  public StartExecutionResult startExecution(String stateMachineArn, String name, String input) {
    String execName = name == null ? UUID.randomUUID().toString() : name;
    checkName(execName);
    String inputText = input == null ? "{}" : input;
    if (inputText.length() > MAX_INPUT / 4 && inputText.getBytes(StandardCharsets.UTF_8).length > MAX_INPUT) {
      throw new StatesApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: 'input size exceeds 262144 bytes'");
    }
    JsonNode inputNode;
    try {
      inputNode = JSON.readTree(inputText);
    } catch (JsonProcessingException e) {
      throw new StatesApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: '" + e.getOriginalMessage() + "'");
    }
    if (inputNode == null) {
      throw new StatesApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: 'empty input'");
    }
    return loop.call(() -> {
      Target t = target(stateMachineArn, true);
      String arn = "arn:aws:states:" + region + ":" + account + ":execution:" + t.machine.name + ":" + execName;
      Exec existing = executions.get(arn);
      if (existing != null) {
        // AWS (Standard): same name and same input while running returns the running execution.
        if (existing.status.equals("RUNNING") && existing.inputNode.equals(inputNode)) {
          return new StartExecutionResult(arn, Instant.ofEpochMilli(existing.startMillis));
        }
        throw new StatesApiException("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
      }
      Exec e = new Exec();
      e.arn = arn;
      e.name = execName;
      e.machineArn = t.machine.arn;
      e.machineName = t.machine.name;
      e.revisionId = t.revisionId;
      e.versionArn = t.version == null ? null : t.version.arn;
      e.aliasArn = t.alias == null ? null : t.alias.arn;
      e.roleArn = t.machine.revisions.get(t.revisionId).roleArn;
      e.input = inputText;
      e.inputNode = inputNode;
      e.status = "RUNNING";
      e.startMillis = clock.millis();
      e.definition = definition(t.machine, t.revisionId);
      if (e.definition.timeoutSeconds != null) {
        e.deadlineMillis = e.startMillis + e.definition.timeoutSeconds * 1000L;
      }
      executions.put(arn, e);
      executionsByMachine.computeIfAbsent(e.machineArn, k -> new ArrayList<>()).add(e);
      interpreter.start(e);
      return new StartExecutionResult(arn, Instant.ofEpochMilli(e.startMillis));
    });
  }

  public ExecutionDescription describeExecution(String executionArn) {
    return loop.call(() -> {
      Exec e = execution(executionArn);
      return new ExecutionDescription(e.arn, e.machineArn, e.name, e.status, Instant.ofEpochMilli(e.startMillis),
          e.stopMillis == 0 ? null : Instant.ofEpochMilli(e.stopMillis), e.input, e.output, e.error, e.cause,
          e.versionArn, e.aliasArn);
    });
  }

  /** Returns the stop date. */
  public Instant stopExecution(String executionArn, String error, String cause) {
    return loop.call(() -> {
      Exec e = execution(executionArn);
      if (e.status.equals("RUNNING")) {
        interpreter.abort(e, error, cause);
      }
      return Instant.ofEpochMilli(e.stopMillis);
    });
  }

  /** stateMachineArn: state machine, version or alias ARN; statusFilter null = all. */
  public Page<ExecutionListItem> listExecutions(String stateMachineArn, String statusFilter, Integer maxResults, String nextToken) {
    if (statusFilter != null && !Set.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE").contains(statusFilter)) {
      throw new StatesApiException("ValidationException", "Value '" + statusFilter + "' at 'statusFilter' failed to satisfy constraint");
    }
    return loop.call(() -> {
      Target t = target(stateMachineArn, false);
      List<Exec> all = executionsByMachine.getOrDefault(t.machine.arn, List.of());
      int size = pageSize(maxResults);
      // The token is an absolute position in the start order (newest first), so executions started between
      // two pages neither repeat nor shift the next page.
      int from = nextToken == null ? all.size() - 1 : decodeToken(nextToken);
      List<ExecutionListItem> items = new ArrayList<>();
      int i = Math.min(from, all.size() - 1);
      for (; i >= 0 && items.size() < size; i--) {
        Exec e = all.get(i);
        if (t.alias != null ? !t.alias.arn.equals(e.aliasArn) : t.version != null && !t.version.arn.equals(e.versionArn)) continue;
        if (statusFilter != null && !statusFilter.equals(e.status)) continue;
        items.add(new ExecutionListItem(e.arn, e.machineArn, e.name, e.status, Instant.ofEpochMilli(e.startMillis),
            e.stopMillis == 0 ? null : Instant.ofEpochMilli(e.stopMillis), e.versionArn, e.aliasArn));
      }
      return new Page<>(items, i >= 0 ? encodeToken(i) : null);
    });
  }

  public Page<HistoryEvent> getExecutionHistory(
      String executionArn, boolean reverseOrder, Integer maxResults, String nextToken, boolean includeExecutionData) {
    return loop.call(() -> {
      Exec e = execution(executionArn);
      List<HistoryEvent> events = new ArrayList<>(e.history.size());
      for (Records.Event h : e.history) {
        JsonNode details = h.details();
        if (details != null && !includeExecutionData) {
          ObjectNode copy = h.details().deepCopy();
          copy.remove(List.of("input", "output", "inputDetails", "outputDetails", "parameters"));
          details = copy;
        }
        events.add(new HistoryEvent(h.id(), h.previous(), h.type(), Instant.ofEpochMilli(h.millis()), h.detailsName(), details));
      }
      if (reverseOrder) Collections.reverse(events);
      return page(events, maxResults, nextToken);
    });
  }

  public void sendTaskSuccess(String taskToken, String output) {
    checkToken(taskToken);
    JsonNode node;
    try {
      node = output == null ? null : JSON.readTree(output);
    } catch (JsonProcessingException e) {
      throw new StatesApiException("InvalidOutput", "Invalid Output: '" + e.getOriginalMessage() + "'");
    }
    if (node == null) {
      throw new StatesApiException("InvalidOutput", "Invalid Output: 'output must be JSON'");
    }
    loop.call(() -> {
      interpreter.tokenSuccess(taskToken, node);
      return null;
    });
  }

  public void sendTaskFailure(String taskToken, String error, String cause) {
    checkToken(taskToken);
    loop.call(() -> {
      interpreter.tokenFailure(taskToken, error, cause);
      return null;
    });
  }

  public void sendTaskHeartbeat(String taskToken) {
    checkToken(taskToken);
    loop.call(() -> {
      interpreter.tokenHeartbeat(taskToken);
      return null;
    });
  }

  /**
   * Waits until nothing can happen without time passing or an outside call: no queued work, no task
   * invocation still inside the invoker, no timer due at the clock's current time. For tests and demos;
   * never call it from inside a TaskInvoker (it would wait for itself, and give up after 30 s).
   */
  public void awaitQuiescence() {
    loop.awaitQuiescence();
  }

  /** As {@link #awaitQuiescence()}, giving up after {@code timeout} (a large run under faults keeps it busy longer). */
  public void awaitQuiescence(java.time.Duration timeout) {
    loop.awaitQuiescence(timeout);
  }

  /**
   * When the engine next has something to do on its own: the earliest timer (a Wait, a task timeout,
   * a retry), empty when none. A timer may be stale (its execution moved on): it then fires and does
   * nothing. The scenario runner steps the virtual clock from one to the next, so each fires at its time.
   */
  public java.util.Optional<Instant> nextTimer() {
    long due = loop.call(loop::nextTimerMillis);
    return due < 0 ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(due));
  }

  @Override
  public void close() {
    loop.close();
    interpreter.close();
  }

  // ---------------------------------------------------------------- internals (loop thread)

  StateDefinition definition(Machine m, String revisionId) {
    return definitions.computeIfAbsent(revisionId, id -> DefinitionParser.parse(m.revisions.get(id).definition, invoker::supports));
  }

  StateDefinition definitionFor(Exec e) {
    if (e.definition == null) {
      e.definition = definition(machines.get(e.machineArn), e.revisionId);
    }
    return e.definition;
  }

  void markDirty(Exec e) {
    if (dataDir != null) dirty.add(e);
  }

  private String newRevision(Machine m, String definition, String roleArn, StateDefinition parsed) {
    Revision r = new Revision();
    r.definition = definition;
    r.roleArn = roleArn;
    r.creationMillis = clock.millis();
    String id = UUID.randomUUID().toString();
    m.revisions.put(id, r);
    if (parsed != null) definitions.put(id, parsed);
    return id;
  }

  private Version publish(Machine m, String description) {
    // AWS: publishing the revision the latest version already has returns that version.
    Version latest = m.versions.isEmpty() ? null : m.versions.get(m.versions.size() - 1);
    if (latest != null && latest.revisionId.equals(m.revisionId)) {
      return latest;
    }
    Version v = new Version();
    v.number = m.nextVersion++;
    v.arn = m.arn + ":" + v.number;
    v.revisionId = m.revisionId;
    v.description = description;
    v.creationMillis = clock.millis();
    m.versions.add(v);
    return v;
  }

  private String machineArn(String name) {
    return "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name;
  }

  private record Target(Machine machine, String revisionId, Version version, Alias alias) {}

  /** Resolves a state machine, version or alias ARN; an alias picks a version by its routing weights. */
  private Target target(String arn, boolean route) {
    String[] parts = parseArn(arn, "stateMachine");
    Machine m = machines.get(String.join(":", java.util.Arrays.copyOf(parts, 7)));
    if (m == null || m.deleted) {
      throw new StatesApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
    }
    if (parts.length == 7) {
      return new Target(m, m.revisionId, null, null);
    }
    String qualifier = parts[7];
    if (qualifier.chars().allMatch(Character::isDigit)) {
      Version v = version(m, arn);
      return new Target(m, v.revisionId, v, null);
    }
    Alias a = m.aliases.get(qualifier);
    if (a == null) {
      throw new StatesApiException("ResourceNotFound", "Resource not found: '" + arn + "'");
    }
    RoutingEntry chosen = a.routing.get(0);
    if (route && a.routing.size() > 1) {
      int total = a.routing.stream().mapToInt(RoutingEntry::weight).sum();
      int pick = ThreadLocalRandom.current().nextInt(Math.max(total, 1));
      for (RoutingEntry r : a.routing) {
        pick -= r.weight();
        if (pick < 0) {
          chosen = r;
          break;
        }
      }
    }
    Version v = version(m, chosen.stateMachineVersionArn());
    return new Target(m, v.revisionId, v, a);
  }

  private Version version(Machine m, String versionArn) {
    for (Version v : m.versions) {
      if (v.arn.equals(versionArn)) return v;
    }
    throw new StatesApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + versionArn + "'");
  }

  private Machine machine(String arn) {
    String[] parts = parseArn(arn, "stateMachine");
    if (parts.length != 7) {
      throw new StatesApiException("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: " + arn + "'");
    }
    Machine m = machines.get(arn);
    if (m == null || m.deleted) {
      throw new StatesApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
    }
    return m;
  }

  private Alias alias(String aliasArn) {
    String[] parts = parseArn(aliasArn, "stateMachine");
    if (parts.length != 8 || parts[7].chars().allMatch(Character::isDigit)) {
      throw new StatesApiException("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: " + aliasArn + "'");
    }
    Machine m = machines.get(String.join(":", java.util.Arrays.copyOf(parts, 7)));
    Alias a = m == null || m.deleted ? null : m.aliases.get(parts[7]);
    if (a == null) {
      throw new StatesApiException("ResourceNotFound", "Resource not found: '" + aliasArn + "'");
    }
    return a;
  }

  private Machine routingMachine(List<RoutingEntry> routing) {
    if (routing == null || routing.isEmpty() || routing.size() > 2) {
      throw new StatesApiException("ValidationException", "routingConfiguration must have 1 or 2 entries");
    }
    int total = 0;
    Machine machine = null;
    Set<String> seen = new java.util.HashSet<>();
    for (RoutingEntry r : routing) {
      if (r.weight() < 0 || r.weight() > 100) {
        throw new StatesApiException("ValidationException", "Routing weights must be between 0 and 100");
      }
      total += r.weight();
      String[] parts = parseArn(r.stateMachineVersionArn(), "stateMachine");
      if (parts.length != 8 || !parts[7].chars().allMatch(Character::isDigit)) {
        throw new StatesApiException("ValidationException", "Routing configuration must reference state machine version ARNs: " + r.stateMachineVersionArn());
      }
      Machine m = machine(String.join(":", java.util.Arrays.copyOf(parts, 7)));
      if (machine != null && machine != m) {
        throw new StatesApiException("ValidationException", "All versions in a routing configuration must belong to one state machine");
      }
      if (!seen.add(r.stateMachineVersionArn())) {
        throw new StatesApiException("ValidationException", "Routing configuration must not repeat a version");
      }
      machine = m;
      version(m, r.stateMachineVersionArn());
    }
    if (total != 100) {
      throw new StatesApiException("ValidationException", "Routing weights must add up to 100");
    }
    return machine;
  }

  private Exec execution(String arn) {
    parseArn(arn, "execution");
    Exec e = executions.get(arn);
    if (e == null) {
      throw new StatesApiException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
    }
    return e;
  }

  /** arn:aws:states:region:account:resourceType:name[:qualifier] */
  private String[] parseArn(String arn, String resourceType) {
    String[] parts = arn == null ? new String[0] : arn.split(":", -1);
    boolean ok = parts.length >= 7 && parts.length <= 8 && parts[0].equals("arn") && parts[1].startsWith("aws")
        && parts[2].equals("states") && parts[5].equals(resourceType) && !parts[6].isEmpty()
        && (parts.length == 7 || !parts[7].isEmpty());
    if (!ok) {
      throw new StatesApiException("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: " + arn + "'");
    }
    return parts;
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new StatesApiException("InvalidName", "Invalid Name: '" + name + "'");
    }
  }

  private static void checkToken(String token) {
    if (token == null || token.isEmpty() || token.length() > 2048) {
      throw new StatesApiException("InvalidToken", "Invalid Token: '" + token + "'");
    }
  }

  private static StatesApiException validation(String field) {
    return new StatesApiException("ValidationException", "1 validation error detected: Value null at '" + field
        + "' failed to satisfy constraint: Member must not be null");
  }

  private static <T> Page<T> page(List<T> items, Integer maxResults, String nextToken) {
    int size = pageSize(maxResults);
    int from = nextToken == null ? 0 : decodeToken(nextToken);
    int to = Math.min(items.size(), from + size);
    String next = to < items.size() ? encodeToken(to) : null;
    return new Page<>(List.copyOf(items.subList(Math.min(from, items.size()), to)), next);
  }

  private static int pageSize(Integer maxResults) {
    int size = maxResults == null || maxResults == 0 ? 100 : maxResults;
    if (size < 0 || size > 1000) {
      throw new StatesApiException("ValidationException", "Value '" + maxResults
          + "' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
    }
    return size;
  }

  private static String encodeToken(int position) {
    return Base64.getUrlEncoder().encodeToString(Integer.toString(position).getBytes(StandardCharsets.UTF_8));
  }

  private static int decodeToken(String token) {
    try {
      int position = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      if (position < 0) throw new NumberFormatException();
      return position;
    } catch (IllegalArgumentException e) {
      throw new StatesApiException("InvalidToken", "Invalid Token: '" + token + "'");
    }
  }

  // ---------------------------------------------------------------- persistence

  /**
   * One JSON file per execution, rewritten atomically after every batch of transitions; state machines in
   * one file. Simple, crash-safe (a file is either the old or the new state), and enough for a laptop.
   */
  private void flush() {
    if (dataDir == null || dirty.isEmpty()) return;
    for (Exec e : dirty) {
      write(dataDir.resolve("executions").resolve(e.machineName).resolve(e.name + ".json"), e);
    }
    dirty.clear();
  }

  private void saveMachines() {
    if (dataDir == null) return;
    write(dataDir.resolve("state-machines.json"), machines.values());
  }

  private void write(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(value));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot persist " + file, e);
    }
  }

  private void load() {
    try {
      Path file = dataDir.resolve("state-machines.json");
      if (Files.exists(file)) {
        for (Machine m : JSON.readValue(file.toFile(), Machine[].class)) {
          machines.put(m.arn, m);
        }
      }
      Path dir = dataDir.resolve("executions");
      if (!Files.isDirectory(dir)) return;
      List<Exec> loaded = new ArrayList<>();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json"))::iterator) {
          try {
            Exec e = JSON.readValue(p.toFile(), Exec.class);
            if (e.status.equals("RUNNING")) e.inputNode = JSON.readTree(e.input);
            loaded.add(e);
          } catch (IOException | RuntimeException unreadable) {
            // One damaged file must not keep every other journey from resuming.
            LOG.log(java.util.logging.Level.SEVERE, "skipping unreadable execution file " + p, unreadable);
          }
        }
      }
      loaded.sort(java.util.Comparator.comparingLong((Exec e) -> e.startMillis).thenComparing(e -> e.arn));
      for (Exec e : loaded) {
        executions.put(e.arn, e);
        executionsByMachine.computeIfAbsent(e.machineArn, k -> new ArrayList<>()).add(e);
        interpreter.indexTimedOutTokens(e);
        if (e.status.equals("RUNNING")) {
          interpreter.resume(e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the Step Functions data in " + dataDir, e);
    }
  }

  static <T> T unchecked(Callable<T> c) {
    try {
      return c.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static RuntimeException unwrap(ExecutionException e) {
    return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
  }

}
