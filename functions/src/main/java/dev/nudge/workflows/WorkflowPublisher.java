package dev.nudge.workflows;

import dev.nudge.workflows.asl.AslCompiler;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.CreateStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.ListStateMachinesRequest;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.RoutingConfigurationListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.Tag;
import software.amazon.awssdk.services.sfn.model.UpdateStateMachineResponse;

/**
 * Publishes a workflow as Step Functions' own versioning: one Standard state machine per
 * workflow, a new version per publish, and the alias {@code live} moved to it. Journeys start on
 * {@code live}; journeys in flight keep the version they started on.
 */
public final class WorkflowPublisher {
  public static final String ALIAS = "live";

  public record Published(String stateMachineArn, String versionArn, String aliasArn, boolean created) {}

  private final SfnClient sfn;
  private final String roleArn;
  private final String stepFunctionArn;

  /**
   * @param roleArn the execution role state machines assume (allowed to invoke the step function)
   * @param stepFunctionArn the step-actions Lambda, substituted for {@code ${StepFunctionArn}}
   */
  public WorkflowPublisher(SfnClient sfn, String roleArn, String stepFunctionArn) {
    this.sfn = sfn;
    this.roleArn = roleArn;
    this.stepFunctionArn = stepFunctionArn;
  }

  public static String stateMachineName(String workflowId) {
    return "nudge-" + workflowId;
  }

  /**
   * The definition as deployed. CloudFormation's DefinitionSubstitutions do not exist in the
   * Step Functions API, so the substitution happens here.
   */
  public String definition(Workflow workflow) {
    return deployable(AslCompiler.compile(workflow));
  }

  /** The definition of Nudge version {@code version}, as deployed. */
  public String definition(Workflow workflow, int version) {
    return deployable(AslCompiler.compile(workflow, version));
  }

  private String deployable(com.fasterxml.jackson.databind.node.ObjectNode compiled) {
    return AslCompiler.toJson(compiled)
        .replace("\"" + AslCompiler.FUNCTION_ARN + "\"", "\"" + stepFunctionArn.replace("\"", "") + "\"");
  }

  public Published publish(Workflow workflow, String description) {
    return publish(workflow, description, null);
  }

  /** {@code version}: the Nudge version number this publish will be recorded as (carried in step payloads); null for none. */
  public Published publish(Workflow workflow, String description, Integer version) {
    String name = stateMachineName(workflow.id());
    String definition = version == null ? definition(workflow) : definition(workflow, version);
    Optional<String> existing = find(name);
    String stateMachineArn;
    String versionArn;
    if (existing.isEmpty()) {
      CreateStateMachineResponse created = sfn.createStateMachine(b -> b.name(name).definition(definition)
          .roleArn(roleArn).type(StateMachineType.STANDARD).publish(true).versionDescription(description)
          .tags(Tag.builder().key("nudge:workflow").value(workflow.id()).build()));
      stateMachineArn = created.stateMachineArn();
      versionArn = created.stateMachineVersionArn();
    } else {
      stateMachineArn = existing.get();
      UpdateStateMachineResponse updated = sfn.updateStateMachine(b -> b.stateMachineArn(existing.get())
          .definition(definition).roleArn(roleArn).publish(true).versionDescription(description));
      versionArn = updated.stateMachineVersionArn();
    }
    RoutingConfigurationListItem route = RoutingConfigurationListItem.builder()
        .stateMachineVersionArn(versionArn).weight(100).build();
    String aliasArn = stateMachineArn + ":" + ALIAS;
    try {
      sfn.describeStateMachineAlias(b -> b.stateMachineAliasArn(aliasArn));
      sfn.updateStateMachineAlias(b -> b.stateMachineAliasArn(aliasArn).routingConfiguration(route));
      return new Published(stateMachineArn, versionArn, aliasArn, existing.isEmpty());
    } catch (ResourceNotFoundException e) {
      String created = sfn.createStateMachineAlias(b -> b.name(ALIAS).routingConfiguration(route)
          .description("New journeys of " + workflow.id() + " start here")).stateMachineAliasArn();
      return new Published(stateMachineArn, versionArn, created, existing.isEmpty());
    }
  }

  private Optional<String> find(String name) {
    return sfn.listStateMachinesPaginator(ListStateMachinesRequest.builder().build()).stateMachines().stream()
        .filter(m -> m.name().equals(name)).map(StateMachineListItem::stateMachineArn).findFirst();
  }
}
