package dev.nudge.journeys;

import dev.nudge.platform.Json;
import dev.nudge.workflows.WorkflowPublisher;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the target workflow on its {@code live} alias. {@code stateMachineArnPrefix} is
 * {@code arn:aws:states:<region>:<account>:stateMachine:}; names come from
 * {@link WorkflowPublisher#stateMachineName}. The target's entry rules are the router's to
 * enforce (issue 5, next session): this starts the execution directly.
 */
public final class SfnEnroller implements Enroller {
  private final SfnClient sfn;
  private final String stateMachineArnPrefix;

  public SfnEnroller(SfnClient sfn, String stateMachineArnPrefix) {
    this.sfn = sfn;
    this.stateMachineArnPrefix = stateMachineArnPrefix;
  }

  @Override
  public void enroll(String workflowId, String contactId, String executionName, String fromWorkflowId) {
    var input = Json.object();
    input.putObject("contact").put("id", contactId);
    input.putObject("trigger").put("type", "workflow.enrolled").putObject("properties").put("from", fromWorkflowId);
    try {
      sfn.startExecution(b -> b.stateMachineArn(stateMachineArnPrefix + WorkflowPublisher.stateMachineName(workflowId)
          + ":" + WorkflowPublisher.ALIAS).name(executionName).input(Json.write(input)));
    } catch (ExecutionAlreadyExistsException e) {
      // Started by an earlier attempt of the same step.
    }
  }
}
