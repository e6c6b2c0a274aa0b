package dev.nudge.journeys;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** The router's Step Functions calls through the SDK; the "already done" answers become false, not errors. */
public final class SfnExecutions implements Router.Executions {
  private final SfnClient sfn;

  public SfnExecutions(SfnClient sfn) {
    this.sfn = sfn;
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
      // Gone already.
    }
  }
}
