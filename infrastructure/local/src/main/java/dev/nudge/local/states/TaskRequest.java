package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a Task state's resource.
 *
 * <p>{@code resource} is the Task's Resource without the integration-pattern suffix for service
 * integrations ({@code arn:aws:states:::lambda:invoke}, {@code arn:aws:states:::dynamodb:putItem},
 * {@code arn:aws:states:::sns:publish}, {@code arn:aws:states:::events:putEvents},
 * {@code arn:aws:states:::states:startExecution}) or a Lambda function ARN
 * ({@code arn:aws:lambda:us-east-1:123456789012:function:name}) for the legacy form.
 * {@code parameters} is the effective input after InputPath and Parameters: for lambda:invoke it has
 * FunctionName and Payload; for a function ARN it is the payload itself; for the others it is the
 * service request in the shape of that service's JSON API (e.g. DynamoDB AttributeValues).
 * {@code taskToken} is non-null only for {@code .waitForTaskToken}, where the result of the call is
 * ignored and the task completes through SendTaskSuccess/Failure.
 */
public record TaskRequest(
    String resource,
    JsonNode parameters,
    String executionArn,
    String stateMachineArn,
    String stateName,
    String taskToken) {}
