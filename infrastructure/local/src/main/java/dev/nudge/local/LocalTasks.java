package dev.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.aws.AwsError;
import dev.nudge.local.aws.SesService;
import dev.nudge.local.aws.SnsService;
import dev.nudge.local.dynamodb.DynamoDbServer;
import dev.nudge.local.events.EventBuses;
import dev.nudge.local.lambda.Functions;
import dev.nudge.local.lambda.Invocation;
import dev.nudge.local.lambda.LocalFunction;
import dev.nudge.local.states.StatesEngine;
import dev.nudge.local.states.TaskInvoker;
import dev.nudge.local.states.TaskRequest;
import dev.nudge.local.states.data.StatesException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Routes the engine's Task states to the local services: lambda:invoke and function ARNs to the
 * in-process handlers, dynamodb:* (optimised and aws-sdk) to DynamoDB Local, sns:publish and
 * events:putEvents to the local SNS and buses, sesv2:sendEmail to the outbox, states:startExecution
 * back to the engine.
 */
public final class LocalTasks implements TaskInvoker {
  private final Functions functions;
  private final DynamoDbServer dynamo;
  private final SnsService sns;
  private final SesService ses;
  private final EventBuses events;
  private final Supplier<StatesEngine> engine;

  public LocalTasks(Functions functions, DynamoDbServer dynamo, SnsService sns, SesService ses, EventBuses events,
      Supplier<StatesEngine> engine) {
    this.functions = functions;
    this.dynamo = dynamo;
    this.sns = sns;
    this.ses = ses;
    this.events = events;
    this.engine = engine;
  }

  /** Null when {@code resource} can run locally, else why not (checked when a state machine is created). */
  public static String unsupported(String resource) {
    String r = base(resource);
    if (r.startsWith("arn:aws:lambda:") && r.contains(":function:")) {
      return null;
    }
    if (r.equals("arn:aws:states:::lambda:invoke") || r.equals("arn:aws:states:::sns:publish")
        || r.equals("arn:aws:states:::events:putEvents") || r.equals("arn:aws:states:::states:startExecution")
        || r.equals("arn:aws:states:::aws-sdk:sns:publish") || r.equals("arn:aws:states:::aws-sdk:sesv2:sendEmail")
        || r.equals("arn:aws:states:::aws-sdk:eventbridge:putEvents")) {
      return null;
    }
    if (r.startsWith("arn:aws:states:::dynamodb:") || r.startsWith("arn:aws:states:::aws-sdk:dynamodb:")) {
      return null;
    }
    if (r.startsWith("arn:aws:states:::activity") || r.startsWith("arn:aws:states:") && r.contains(":activity:")) {
      return "activities are not supported by the local cloud";
    }
    return "resource " + resource + " is not supported by the local cloud";
  }

  private static String base(String resource) {
    String r = resource;
    for (String suffix : new String[] {".waitForTaskToken", ".sync:2", ".sync"}) {
      if (r.endsWith(suffix)) {
        r = r.substring(0, r.length() - suffix.length());
      }
    }
    return r.replaceFirst("^arn:aws[a-z-]*:", "arn:aws:");
  }

  @Override
  public CompletionStage<JsonNode> invoke(TaskRequest request) {
    try {
      return CompletableFuture.completedFuture(run(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private JsonNode run(TaskRequest request) {
    String resource = base(request.resource());
    JsonNode p = request.parameters() == null ? Json.object() : request.parameters();
    if (resource.startsWith("arn:aws:lambda:")) {
      return invokeFunction(resource, p);
    }
    if (resource.equals("arn:aws:states:::lambda:invoke")) {
      if (!p.hasNonNull("FunctionName")) {
        throw new StatesException("States.Runtime", "lambda:invoke needs Parameters.FunctionName");
      }
      return invokeFunction(p.get("FunctionName").asText(), p.has("Payload") ? p.get("Payload") : Json.object());
    }
    if (resource.startsWith("arn:aws:states:::dynamodb:") || resource.startsWith("arn:aws:states:::aws-sdk:dynamodb:")) {
      boolean sdk = resource.contains("aws-sdk");
      String operation = resource.substring(resource.lastIndexOf(':') + 1);
      String action = Character.toUpperCase(operation.charAt(0)) + operation.substring(1);
      try {
        return dynamo.call("DynamoDB_20120810." + action, p);
      } catch (DynamoDbServer.DynamoDbError e) {
        throw new StatesException((sdk ? "DynamoDb." : "DynamoDB.") + e.type(), e.getMessage());
      }
    }
    if (resource.endsWith("sns:publish")) {
      Map<String, String> attributes = new TreeMap<>();
      p.path("MessageAttributes").fields().forEachRemaining(e ->
          attributes.put(e.getKey(), e.getValue().path("StringValue").asText(null)));
      JsonNode message = p.path("Message");
      try {
        String id = sns.publish(p.path("PhoneNumber").asText(null), p.path("TopicArn").asText(null),
            p.path("TargetArn").asText(null), message.isTextual() ? message.asText() : message.toString(), attributes);
        return Json.object().put("MessageId", id);
      } catch (AwsError e) {
        throw new StatesException("SNS." + exceptionName(e.code()), e.getMessage());
      }
    }
    if (resource.endsWith("sesv2:sendEmail")) {
      try {
        return Json.object().put("MessageId", ses.sendEmail(p));
      } catch (AwsError e) {
        throw new StatesException("SesV2." + exceptionName(e.code()), e.getMessage());
      }
    }
    if (resource.endsWith("events:putEvents") || resource.endsWith("eventbridge:putEvents")) {
      ObjectNode request2 = Json.object();
      ArrayNode entries = request2.putArray("Entries");
      p.path("Entries").forEach(entry -> {
        ObjectNode copy = entry.deepCopy();
        if (copy.has("Detail") && !copy.get("Detail").isTextual()) {
          copy.put("Detail", copy.get("Detail").toString());
        }
        entries.add(copy);
      });
      ObjectNode result = events.putEvents(request2);
      if (result.path("FailedEntryCount").asInt() > 0 && !resource.contains("aws-sdk")) {
        throw new StatesException("EventBridge.FailedEntry", result.toString());
      }
      return result;
    }
    if (resource.equals("arn:aws:states:::states:startExecution")) {
      JsonNode input = p.path("Input");
      var started = engine.get().startExecution(p.path("StateMachineArn").asText(), p.path("Name").asText(null),
          input.isMissingNode() ? null : input.isTextual() ? input.asText() : input.toString());
      return Json.object().put("ExecutionArn", started.executionArn())
          .put("StartDate", started.startDate().toEpochMilli() / 1000.0);
    }
    throw new StatesException("States.TaskFailed", unsupported(request.resource()));
  }

  private JsonNode invokeFunction(String nameOrArn, JsonNode payload) {
    LocalFunction function;
    try {
      function = functions.find(nameOrArn);
    } catch (IllegalArgumentException e) {
      throw new StatesException("Lambda.ResourceNotFoundException", e.getMessage());
    }
    Invocation invocation = functions.invoke(function, Json.bytes(payload));
    if (invocation.failed()) {
      JsonNode error = Json.parse(invocation.payload());
      ObjectNode cause = Json.object().put("errorMessage", error.path("errorMessage").asText())
          .put("errorType", error.path("errorType").asText());
      cause.set("stackTrace", error.path("stackTrace"));
      // A runtime that died (killed, out of memory) returns no error type of its own: Step Functions
      // reports it as Lambda.Unknown.
      String type = invocation.errorType().equals("Runtime.ExitError") ? "Lambda.Unknown" : invocation.errorType();
      throw new StatesException(type, cause.toString());
    }
    return invocation.payload().length == 0 ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
        : Json.parse(invocation.payload());
  }

  private static String exceptionName(String code) {
    String name = code.toUpperCase(Locale.ROOT).charAt(0) + code.substring(1);
    return name.endsWith("Exception") ? name : name + "Exception";
  }
}
