package dev.nudge.local.states;

import dev.nudge.local.states.StatesModel.*;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A Step Functions service on one machine: state machines, versions, aliases, executions, task tokens.
 * Every call may throw {@link StatesApiException} with AWS's error type. Thread-safe.
 */
public final class StatesEngine implements AutoCloseable {
  public static final String DEFAULT_REGION = "us-east-1";
  public static final String DEFAULT_ACCOUNT = "123456789012";

  /** @param dataDir where executions and state machines persist; null keeps everything in memory */
  public StatesEngine(Clock clock, TaskInvoker invoker, Path dataDir) {
    this(clock, invoker, dataDir, DEFAULT_REGION, DEFAULT_ACCOUNT);
  }

  public StatesEngine(Clock clock, TaskInvoker invoker, Path dataDir, String region, String accountId) {
    throw new UnsupportedOperationException("not yet");
  }

  public String region() {
    throw new UnsupportedOperationException("not yet");
  }

  public String accountId() {
    throw new UnsupportedOperationException("not yet");
  }

  /** type: STANDARD (EXPRESS is refused). publish: also publish version 1. */
  public CreateStateMachineResult createStateMachine(
      String name, String definition, String roleArn, String type, boolean publish, String versionDescription) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Null definition or roleArn keeps the current one. */
  public UpdateStateMachineResult updateStateMachine(
      String stateMachineArn, String definition, String roleArn, boolean publish, String versionDescription) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Accepts a state machine ARN or a version ARN. */
  public StateMachineDescription describeStateMachine(String stateMachineArn) {
    throw new UnsupportedOperationException("not yet");
  }

  public Page<StateMachineListItem> listStateMachines(Integer maxResults, String nextToken) {
    throw new UnsupportedOperationException("not yet");
  }

  public void deleteStateMachine(String stateMachineArn) {
    throw new UnsupportedOperationException("not yet");
  }

  /** revisionId: if non-null, must be the current revision, else ConflictException. */
  public PublishVersionResult publishStateMachineVersion(String stateMachineArn, String revisionId, String description) {
    throw new UnsupportedOperationException("not yet");
  }

  public Page<VersionListItem> listStateMachineVersions(String stateMachineArn, Integer maxResults, String nextToken) {
    throw new UnsupportedOperationException("not yet");
  }

  public CreateAliasResult createStateMachineAlias(String name, String description, List<RoutingEntry> routingConfiguration) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Null description or routing keeps the current one; returns the update date. */
  public java.time.Instant updateStateMachineAlias(
      String stateMachineAliasArn, String description, List<RoutingEntry> routingConfiguration) {
    throw new UnsupportedOperationException("not yet");
  }

  public AliasDescription describeStateMachineAlias(String stateMachineAliasArn) {
    throw new UnsupportedOperationException("not yet");
  }

  public Page<AliasListItem> listStateMachineAliases(String stateMachineArn, Integer maxResults, String nextToken) {
    throw new UnsupportedOperationException("not yet");
  }

  public void deleteStateMachineAlias(String stateMachineAliasArn) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * stateMachineArn may be a state machine, version or alias ARN. name null = a random UUID.
   * input null = "{}".
   */
  public StartExecutionResult startExecution(String stateMachineArn, String name, String input) {
    throw new UnsupportedOperationException("not yet");
  }

  public ExecutionDescription describeExecution(String executionArn) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Returns the stop date. */
  public java.time.Instant stopExecution(String executionArn, String error, String cause) {
    throw new UnsupportedOperationException("not yet");
  }

  /** stateMachineArn: state machine, version or alias ARN; statusFilter null = all. */
  public Page<ExecutionListItem> listExecutions(
      String stateMachineArn, String statusFilter, Integer maxResults, String nextToken) {
    throw new UnsupportedOperationException("not yet");
  }

  public Page<HistoryEvent> getExecutionHistory(
      String executionArn, boolean reverseOrder, Integer maxResults, String nextToken, boolean includeExecutionData) {
    throw new UnsupportedOperationException("not yet");
  }

  public void sendTaskSuccess(String taskToken, String output) {
    throw new UnsupportedOperationException("not yet");
  }

  public void sendTaskFailure(String taskToken, String error, String cause) {
    throw new UnsupportedOperationException("not yet");
  }

  public void sendTaskHeartbeat(String taskToken) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Waits until no execution can make progress without time passing or an outside call (for tests). */
  public void awaitQuiescence() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void close() {}
}
