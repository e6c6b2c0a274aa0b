package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * Results of {@link StatesEngine} calls. Field names are AWS's response field names, so the JSON API
 * serializes them directly (Instants as epoch seconds; null fields omitted).
 */
public final class StatesModel {
  private StatesModel() {}

  /** One page of a list call; nextToken is null on the last page. */
  public record Page<T>(List<T> items, String nextToken) {}

  public record CreateStateMachineResult(
      String stateMachineArn, Instant creationDate, String stateMachineVersionArn) {}

  public record UpdateStateMachineResult(
      Instant updateDate, String revisionId, String stateMachineVersionArn) {}

  /** DescribeStateMachine (also for a version ARN). */
  public record StateMachineDescription(
      String stateMachineArn,
      String name,
      String status,
      String definition,
      String roleArn,
      String type,
      Instant creationDate,
      String revisionId,
      String description) {}

  /** One problem found by ValidateStateMachineDefinition; severity is always ERROR here. */
  public record ValidationDiagnostic(String severity, String code, String message, String location) {}

  /** result: OK or FAIL. */
  public record ValidationResult(String result, List<ValidationDiagnostic> diagnostics, boolean truncated) {}

  public record StateMachineListItem(
      String stateMachineArn, String name, String type, Instant creationDate) {}

  public record PublishVersionResult(Instant creationDate, String stateMachineVersionArn) {}

  public record VersionListItem(String stateMachineVersionArn, Instant creationDate) {}

  public record RoutingEntry(String stateMachineVersionArn, int weight) {}

  public record CreateAliasResult(String stateMachineAliasArn, Instant creationDate) {}

  public record AliasDescription(
      String stateMachineAliasArn,
      String name,
      String description,
      List<RoutingEntry> routingConfiguration,
      Instant creationDate,
      Instant updateDate) {}

  public record AliasListItem(String stateMachineAliasArn, Instant creationDate) {}

  public record StartExecutionResult(String executionArn, Instant startDate) {}

  /** status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED. */
  public record ExecutionDescription(
      String executionArn,
      String stateMachineArn,
      String name,
      String status,
      Instant startDate,
      Instant stopDate,
      String input,
      String output,
      String error,
      String cause,
      String stateMachineVersionArn,
      String stateMachineAliasArn) {}

  public record ExecutionListItem(
      String executionArn,
      String stateMachineArn,
      String name,
      String status,
      Instant startDate,
      Instant stopDate,
      String stateMachineVersionArn,
      String stateMachineAliasArn) {}

  /**
   * One history event. {@code detailsName} is AWS's field name for the details
   * (e.g. "stateEnteredEventDetails"), {@code details} its content; both null for events without details.
   */
  public record HistoryEvent(
      long id,
      long previousEventId,
      String type,
      Instant timestamp,
      String detailsName,
      JsonNode details) {}
}
