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
 * values, not errors. Used by the router, the date triggers and the workflow admin API.
 */
public final class SfnExecutions implements Executions {
  private final SfnClient sfn;

  public SfnExecutions(SfnClient sfn) {
    this.sfn = sfn;
  }

  /**
   * Calls through the client {@code client} supplies when first needed: a handler that seldom
   * calls Step Functions (the contacts admin, on erasure) builds no client for its other routes.
   */
  public static Executions onFirstUse(java.util.function.Supplier<SfnClient> client) {
    return new Executions() {
      @Override
      public Start start(String targetArn, String name, JsonNode input) {
        return new SfnExecutions(client.get()).start(targetArn, name, input);
      }

      @Override
      public boolean resume(String taskToken, JsonNode output) {
        return new SfnExecutions(client.get()).resume(taskToken, output);
      }

      @Override
      public void stop(String executionArn, String error, String cause) {
        new SfnExecutions(client.get()).stop(executionArn, error, cause);
      }
    };
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
  public boolean resume(String taskToken, JsonNode output) {
    try {
      sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(Json.write(output)));
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
