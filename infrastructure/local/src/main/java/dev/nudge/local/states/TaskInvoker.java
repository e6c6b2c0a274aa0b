package dev.nudge.local.states;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Routes Task resources to whatever implements them (the local cloud: in-process Lambda handlers,
 * DynamoDB Local, outboxes...).
 *
 * <p>What to return:
 * <ul>
 *   <li>lambda:invoke and function ARNs: the function's response payload, as the handler wrote it. The
 *       engine wraps it for lambda:invoke in AWS's shape (Payload, StatusCode, ExecutedVersion,
 *       SdkHttpMetadata, SdkResponseMetadata); a function ARN resource returns the payload as is.
 *       A function error completes exceptionally with
 *       {@code StatesException(errorType, "{\"errorMessage\":...,\"errorType\":...}")} as Lambda reports it.
 *   <li>dynamodb:*, sns:publish, events:putEvents, states:startExecution: the service's response body
 *       (e.g. {"Item":{...}}, {"MessageId":"..."}, {"Entries":[...],"FailedEntryCount":0},
 *       {"executionArn":"...","startDate":...}); the engine adds AWS's SDK metadata fields where
 *       Step Functions does. A service error completes exceptionally with
 *       {@code StatesException("DynamoDB.ConditionalCheckFailedException", message)} and the like.
 * </ul>
 * Called on an engine worker thread, never on the thread that owns executions, so an implementation may
 * block and may call back into the engine (e.g. states:startExecution, SendTaskSuccess).
 * Errors are {@code dev.nudge.local.states.data.StatesException}; any other exception becomes
 * States.TaskFailed with the exception's message as cause.
 */
public interface TaskInvoker {
  CompletionStage<JsonNode> invoke(TaskRequest request);

  /**
   * Whether this invoker also runs {@code resource} (an {@code arn:aws:states:::...} ARN without its
   * {@code .waitForTaskToken} suffix), beyond the engine's own list: e.g. {@code arn:aws:states:::aws-sdk:sesv2:sendEmail}.
   * Asked when a state machine is created, so that what cannot run is refused then. Such results are passed
   * through as the invoker returns them (AWS SDK integrations add no metadata).
   */
  default boolean supports(String resource) {
    return false;
  }
}
