package dev.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.dynamodb.CapacityMeter;
import dev.nudge.local.lambda.LocalFunction;
import dev.nudge.local.states.StatesModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a stretch of local-cloud activity would be billed for: state transitions (each state entered,
 * from the executions' histories), Lambda requests per function, DynamoDB read and write request
 * units per table (the {@link CapacityMeter}), and messages in the outbox. Used by
 * {@link CostPerJourneyTest}.
 *
 * <p>The schedule-driven functions (date triggers, contact timers, scheduled broadcasts) run on a
 * fixed rate whatever the number of journeys, and the local cloud collapses the periods a clock jump
 * skips into one firing; their invocations are reported apart, and the DynamoDB units of an idle
 * firing (measured by {@link #baseline}) are taken off per firing seen.
 */
final class JourneyMeter {
  static final Set<String> SCHEDULED = Set.of("DateTriggerFunction", "ContactTimersFunction", "ScheduledBroadcastsFunction");

  /** Units of one table: read and write request units, and calls. */
  record Units(double read, double write, long calls) {
    Units plus(Units o) {
      return new Units(read + o.read, write + o.write, calls + o.calls);
    }

    Units minus(Units o) {
      return new Units(Math.max(0, read - o.read), Math.max(0, write - o.write), Math.max(0, calls - o.calls));
    }

    Units times(double f) {
      return new Units(read * f, write * f, Math.round(calls * f));
    }
  }

  /** One measured stretch. */
  record Reading(
      Map<String, Integer> transitionsByMachine,
      Map<String, List<List<String>>> statePathsByMachine,
      Map<String, Long> invocations,
      Map<String, Long> scheduledInvocations,
      Map<String, Units> units,
      Map<String, Units> rawUnits,
      int emails,
      int sms) {

    double readUnits() {
      return units.values().stream().mapToDouble(Units::read).sum();
    }

    double writeUnits() {
      return units.values().stream().mapToDouble(Units::write).sum();
    }

    long invocationCount() {
      return invocations.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final LocalCloud cloud;
  private final Map<String, String> tableNames = new TreeMap<>();
  private final Set<String> seenExecutions = new HashSet<>();
  private Map<String, Units> baselinePerFiring = Map.of();
  private final Set<String> outboxSeen = new HashSet<>();

  JourneyMeter(LocalCloud cloud) {
    this.cloud = cloud;
    for (LocalFunction f : cloud.functions().all()) {
      f.variables().forEach((k, v) -> {
        if (k.endsWith("_TABLE")) {
          tableNames.put(v, k.substring(0, k.length() - "_TABLE".length()).toLowerCase(java.util.Locale.ROOT));
        }
      });
    }
  }

  /** Starts a baseline: call, let the schedules fire (advance the clock), then {@link #endBaseline()}. */
  void beginBaseline() {
    reset();
  }

  /** The DynamoDB units per scheduled invocation while no journey runs. */
  void endBaseline() {
    long firings = scheduled().values().stream().mapToLong(Long::longValue).sum();
    Map<String, Units> per = new TreeMap<>();
    if (firings > 0) {
      units().forEach((table, u) -> per.put(table, u.times(1.0 / firings)));
    }
    baselinePerFiring = per;
  }

  /** Starts a measured stretch: meters to zero, executions so far forgotten, outbox position kept. */
  void start() {
    reset();
    markExecutions();
    cloud.outbox().all().forEach(m -> outboxSeen.add(m.id()));
  }

  private void reset() {
    cloud.dynamo().capacity().reset();
    cloud.functions().resetInvocationCounts();
  }

  private void markExecutions() {
    for (String machine : machines()) {
      for (StatesModel.ExecutionListItem e : executions(machine)) {
        seenExecutions.add(e.executionArn());
      }
    }
  }

  /** The executions started since {@link #start()} of the state machine named {@code name}. */
  List<StatesModel.ExecutionListItem> newExecutions(String name) {
    List<StatesModel.ExecutionListItem> found = new ArrayList<>();
    for (String machine : machines()) {
      if (machine.endsWith(":stateMachine:" + name)) {
        for (StatesModel.ExecutionListItem e : executions(machine)) {
          if (!seenExecutions.contains(e.executionArn())) {
            found.add(e);
          }
        }
      }
    }
    return found;
  }

  /** Messages sent since {@link #start()} (the outbox lists newest first). */
  List<Outbox.Message> newMessages() {
    return cloud.outbox().all().stream().filter(m -> !outboxSeen.contains(m.id())).toList();
  }

  int smsSinceStart() {
    return (int) newMessages().stream().filter(m -> m.channel().equals("sms")).count();
  }

  Reading read() {
    Map<String, Integer> transitions = new TreeMap<>();
    Map<String, List<List<String>>> paths = new TreeMap<>();
    for (String machine : machines()) {
      String name = machine.substring(machine.lastIndexOf(':') + 1);
      for (StatesModel.ExecutionListItem e : executions(machine)) {
        if (seenExecutions.contains(e.executionArn())) {
          continue;
        }
        List<String> entered = enteredStates(e.executionArn());
        transitions.merge(name, entered.size(), Integer::sum);
        paths.computeIfAbsent(name, k -> new ArrayList<>()).add(entered);
      }
    }
    Map<String, Long> invocations = new TreeMap<>();
    cloud.functions().invocationCounts().forEach((fn, n) -> {
      if (!SCHEDULED.contains(fn)) {
        invocations.put(fn, n);
      }
    });
    Map<String, Long> scheduled = scheduled();
    long firings = scheduled.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Units> raw = units();
    Map<String, Units> net = new TreeMap<>();
    raw.forEach((table, u) -> net.put(table, u.minus(baselinePerFiring.getOrDefault(table, new Units(0, 0, 0)).times(firings))));
    int emails = 0;
    int sms = 0;
    for (Outbox.Message m : newMessages()) {
      if (m.channel().equals("email")) {
        emails++;
      } else if (m.channel().equals("sms")) {
        sms++;
      }
    }
    return new Reading(transitions, paths, invocations, scheduled, net, raw, emails, sms);
  }

  private Map<String, Long> scheduled() {
    Map<String, Long> scheduled = new TreeMap<>();
    cloud.functions().invocationCounts().forEach((fn, n) -> {
      if (SCHEDULED.contains(fn)) {
        scheduled.put(fn, n);
      }
    });
    return scheduled;
  }

  private Map<String, Units> units() {
    Map<String, Units> byTable = new TreeMap<>();
    cloud.dynamo().capacity().usage().forEach((table, ops) -> {
      Units sum = new Units(0, 0, 0);
      for (CapacityMeter.Usage u : ops.values()) {
        sum = sum.plus(new Units(u.readUnits(), u.writeUnits(), u.calls()));
      }
      byTable.put(tableNames.getOrDefault(table, table), sum);
    });
    return byTable;
  }

  private List<String> machines() {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      StatesModel.Page<StatesModel.StateMachineListItem> page = cloud.engine().listStateMachines(1000, token);
      page.items().forEach(m -> arns.add(m.stateMachineArn()));
      token = page.nextToken();
    } while (token != null);
    return arns;
  }

  private List<StatesModel.ExecutionListItem> executions(String machine) {
    List<StatesModel.ExecutionListItem> all = new ArrayList<>();
    String token = null;
    do {
      StatesModel.Page<StatesModel.ExecutionListItem> page = cloud.engine().listExecutions(machine, null, 1000, token);
      all.addAll(page.items());
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  /** The names of the states the execution entered, in order: one billed transition each. */
  List<String> enteredStates(String executionArn) {
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      StatesModel.Page<StatesModel.HistoryEvent> page = cloud.engine().getExecutionHistory(executionArn, false, 1000, token, false);
      for (StatesModel.HistoryEvent h : page.items()) {
        if (h.type().endsWith("StateEntered")) {
          JsonNode details = h.details();
          names.add(details == null ? "?" : details.path("name").asText("?"));
        }
      }
      token = page.nextToken();
    } while (token != null);
    return names;
  }
}
