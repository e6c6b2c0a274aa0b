package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The journey runtime's Step Functions calls through the SDK; the "already done" answers become
 * values, not errors. Serves both {@link Executions} (routing.Router, date triggers, admin) and
 * {@link Router.Executions} (the workflows branch's router core).
 */
public final class SfnExecutions implements Executions, Router.Executions {
  private final SfnClient sfn;

  public SfnExecutions(SfnClient sfn) {
    this.sfn = sfn;
  }

  @Override
  public Start start(String targetArn, String name, JsonNode input) {
    try {
      String arn = sfn.startExecution(b -> b.stateMachineArn(targetArn).name(name).input(Json.write(input)))
          .executionArn();
      return new Start(arn, true);
    } catch (ExecutionAlreadyExistsException e) {
      // A replayed trigger: the name is derived from it, so Step Functions refuses the second start.
      return new Start(null, false);
    }
  }

  @Override
  public boolean start(String stateMachineAliasArn, String name, String input) {
    try {
      sfn.startExecution(b -> b.stateMachineArn(stateMachineAliasArn).name(name).input(input));
      return true;
    } catch (ExecutionAlreadyExistsException e) {
      return false;
    }
  }

  @Override
  public boolean resume(String taskToken, JsonNode output) {
    return resume(taskToken, Json.write(output));
  }

  @Override
  public boolean resume(String taskToken, String output) {
    try {
      sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(output));
      return true;
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
      return false;
    }
  }

  @Override
  public void stop(String executionArn, String error, String cause) {
    try {
      sfn.stopExecution(b -> b.executionArn(executionArn).error(error).cause(cause));
    } catch (ExecutionDoesNotExistException e) {
      // Already gone: the journey ended by itself.
    }
  }
}
