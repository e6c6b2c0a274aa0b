package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory {@link Executions} that records every call and keeps Step Functions' one rule the
 * router relies on: an execution name is used at most once per state machine (an alias shares
 * its state machine's names). Tokens named in {@link #deadTokens} answer as timed out.
 */
public final class RecordingExecutions implements Executions {
  public record Started(String targetArn, String name, String executionArn, JsonNode input) {}

  public record Resumed(String taskToken, JsonNode output) {}

  public record Stopped(String executionArn, String error, String cause) {}

  public final List<Started> started = new ArrayList<>();
  public final List<Resumed> resumed = new ArrayList<>();
  public final List<Stopped> stopped = new ArrayList<>();
  public final Set<String> deadTokens = new HashSet<>();
  private final Map<String, String> names = new HashMap<>();

  @Override
  public synchronized Start start(String targetArn, String name, JsonNode input) {
    String stateMachine = targetArn.endsWith(":live") ? targetArn.substring(0, targetArn.length() - ":live".length()) : targetArn;
    String key = stateMachine + "/" + name;
    if (names.containsKey(key)) {
      return new Start(null, false);
    }
    String arn = stateMachine.replace(":stateMachine:", ":execution:") + ":" + name;
    names.put(key, arn);
    started.add(new Started(targetArn, name, arn, input));
    return new Start(arn, true);
  }

  @Override
  public synchronized boolean resume(String taskToken, JsonNode output) {
    if (deadTokens.contains(taskToken)) {
      return false;
    }
    resumed.add(new Resumed(taskToken, output));
    return true;
  }

  @Override
  public synchronized void stop(String executionArn, String error, String cause) {
    stopped.add(new Stopped(executionArn, error, cause));
  }
}
