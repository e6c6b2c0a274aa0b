package dev.nudge.local.states;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's mutable state, one class per thing AWS tracks. Plain public fields so Jackson writes and
 * reads them as-is for persistence; only the engine's loop thread touches them.
 */
final class Records {
  private Records() {}

  static final class Machine {
    public String name;
    public String arn;
    public String type = "STANDARD";
    public long creationMillis;
    public String revisionId;
    public String description;
    /** Every revision ever current, so executions started on an old one keep running it. */
    public Map<String, Revision> revisions = new LinkedHashMap<>();
    public List<Version> versions = new ArrayList<>();
    public int nextVersion = 1;
    public Map<String, Alias> aliases = new LinkedHashMap<>();
    public boolean deleted;
  }

  static final class Revision {
    public String definition;
    public String roleArn;
    public long creationMillis;
  }

  static final class Version {
    public int number;
    public String arn;
    public String revisionId;
    public String description;
    public long creationMillis;
  }

  static final class Alias {
    public String name;
    public String arn;
    public String description;
    public List<StatesModel.RoutingEntry> routing = new ArrayList<>();
    public long creationMillis;
    public long updateMillis;
  }

  /** One history event; details is AWS's details object, named detailsName (both null when AWS has none). */
  record Event(long id, long previous, String type, long millis, String detailsName, ObjectNode details) {}

  static final class Exec {
    public String arn;
    public String name;
    public String machineArn;
    public String machineName;
    public String revisionId;
    public String versionArn;
    public String aliasArn;
    public String roleArn;
    public String input;
    public String output;
    public String status;
    public long startMillis;
    public long stopMillis;
    public String error;
    public String cause;
    public long deadlineMillis;
    public long nextEventId;
    public long runSeq;
    public List<Event> history = new ArrayList<>();
    public Map<String, Run> runs = new LinkedHashMap<>();
    public Set<String> timedOutTokens = new HashSet<>(0);
    @JsonIgnore public JsonNode inputNode;
    @JsonIgnore public ObjectNode executionContext;
    @JsonIgnore public ObjectNode machineContext;
    @JsonIgnore public StateDefinition definition;
  }

  /**
   * One interpretation of a list of states: the execution itself, a Parallel branch or a Map iteration.
   * phase: RUN (ready to execute its state), WAIT (Wait state timer), RETRY (backoff timer), TASK (invocation
   * or token outstanding), CHILDREN (Parallel/Map waiting for its runs), DONE.
   */
  static final class Run {
    public String id;
    public String parentId;
    public int index;
    public String scopeId;
    public String state;
    public JsonNode input;
    public long enteredMillis;
    public long enteredEventId;
    public long lastEventId;
    public int epoch;
    public String phase;
    public long dueMillis;
    public int[] retryCounts;
    public int retryCount;
    public JsonNode taskParameters;
    public String token;
    public long taskDeadlineMillis;
    public long heartbeatSeconds;
    public long heartbeatDeadlineMillis;
    public List<String> children = new ArrayList<>();
    public ArrayNode results;
    public int remaining;
    public int nextItem;
    public ArrayNode items;
    public JsonNode itemInput;
    public int maxConcurrency;
  }
}
