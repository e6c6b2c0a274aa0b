package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import dev.nudge.local.dynamodb.DynamoDbServer;
import dev.nudge.local.events.EventBuses;
import dev.nudge.local.faults.Fault;
import dev.nudge.local.faults.Faults;
import dev.nudge.local.states.ApiResponse;
import dev.nudge.local.states.StepFunctionsJsonApi;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

/**
 * The one local AWS endpoint. It speaks each service's own protocol: JSON 1.0/1.1 dispatched on
 * X-Amz-Target (DynamoDB, DynamoDB Streams, Step Functions, EventBridge, SSM, Secrets Manager, End User
 * Messaging SMS),
 * SES v2's REST-JSON paths and SNS's Query protocol (recognised by the service in the request's
 * SigV4 credential scope). Signatures are not verified: any credentials work locally.
 */
public final class AwsEndpoint {
  private final DynamoDbServer dynamo;
  private final StepFunctionsJsonApi stepFunctions;
  private final SesService ses;
  private final SnsService sns;
  private final EventBuses events;
  private final ParameterStore parameters;
  private final SmsVoiceService smsVoice;
  private final Faults faults;

  public AwsEndpoint(DynamoDbServer dynamo, StepFunctionsJsonApi stepFunctions, SesService ses, SnsService sns,
      EventBuses events, ParameterStore parameters, SmsVoiceService smsVoice) {
    this(dynamo, stepFunctions, ses, sns, events, parameters, smsVoice, null);
  }

  /** {@code faults}: the fault switch consulted before each call (null: none). */
  public AwsEndpoint(DynamoDbServer dynamo, StepFunctionsJsonApi stepFunctions, SesService ses, SnsService sns,
      EventBuses events, ParameterStore parameters, SmsVoiceService smsVoice, Faults faults) {
    this.faults = faults;
    this.smsVoice = smsVoice;
    this.dynamo = dynamo;
    this.stepFunctions = stepFunctions;
    this.ses = ses;
    this.sns = sns;
    this.events = events;
    this.parameters = parameters;
  }

  /** True when {@code request} is an AWS API call rather than an HTTP API or page request. */
  public static boolean isAwsCall(Request request) {
    if (request.header("x-amz-target") != null) {
      return true;
    }
    String service = request.signedService();
    return service != null && !service.equals("execute-api");
  }

  public Reply handle(Request request) {
    String target = request.header("x-amz-target");
    String service = request.signedService();
    if (faults != null && !faults.isEmpty()) {
      Call call = call(request, target, service);
      Faults.Hit hit = faults.aws(call.service(), call.operation(), () -> tablesNamed(request));
      hit.delay();
      if (hit.fails()) {
        return faultReply(request, call, hit.failure());
      }
    }
    if (target != null) {
      return json(request, target);
    }
    if ("ses".equals(service) || "email".equals(service)) {
      try {
        JsonNode body = Json.parse(request.body());
        return Reply.json(200, ses.handle(request.method(), request.path(), body), "application/json");
      } catch (AwsError e) {
        return restError(e);
      } catch (IllegalArgumentException e) {
        return restError(new AwsError(400, "BadRequestException", e.getMessage()));
      }
    }
    if ("sns".equals(service)) {
      Map<String, String> form = Request.form(request.method().equals("GET") ? request.rawQuery() : request.bodyText());
      try {
        return Reply.text(200, "text/xml", sns.handle(form));
      } catch (AwsError e) {
        String type = e.status() >= 500 ? "Receiver" : "Sender";
        return Reply.text(e.status(), "text/xml", "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            + "<Error><Type>" + type + "</Type><Code>" + e.code() + "</Code><Message>" + xml(e.getMessage())
            + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
      }
    }
    return Reply.json(400, Json.object().put("__type", "UnknownOperationException")
        .put("message", "The local cloud does not emulate service '" + service + "' (" + request.method() + " "
            + request.path() + ")"), "application/x-amz-json-1.1");
  }

  private Reply json(Request request, String target) {
    int dot = target.indexOf('.');
    String prefix = dot < 0 ? target : target.substring(0, dot);
    String operation = dot < 0 ? "" : target.substring(dot + 1);
    String contentType = request.header("content-type") == null ? "application/x-amz-json-1.0" : request.header("content-type");
    if (prefix.equals("DynamoDB_20120810") || prefix.equals("DynamoDBStreams_20120810")) {
      HttpResponse<byte[]> response = dynamo.forward(target, contentType, request.header("authorization"), request.body());
      Reply reply = Reply.of(response.statusCode(),
          response.headers().firstValue("content-type").orElse("application/x-amz-json-1.0"), response.body());
      String requestId = response.headers().firstValue("x-amzn-requestid").orElse(UUID.randomUUID().toString());
      reply = reply.with("x-amzn-RequestId", requestId);
      // The SDK checks DynamoDB's CRC32 of the body; pass it through with the body unchanged.
      String crc = response.headers().firstValue("x-amz-crc32").orElse(null);
      return crc == null ? reply : reply.with("x-amz-crc32", crc);
    }
    if (prefix.equals("AWSStepFunctions")) {
      ApiResponse response = stepFunctions.handle(target, request.body());
      Reply reply = Reply.of(response.status(), ApiResponse.CONTENT_TYPE, response.bodyBytes());
      return response.isError() ? reply.with("x-amzn-ErrorType", response.errorType()) : reply;
    }
    try {
      JsonNode body = Json.parse(request.body());
      JsonNode result = switch (prefix) {
        case "AWSEvents" -> switch (operation) {
          case "PutEvents" -> events.putEvents(body);
          default -> throw unknown(target);
        };
        case "AmazonSSM" -> parameters.ssm(operation, body);
        case "secretsmanager" -> parameters.secrets(operation, body);
        case SmsVoiceService.TARGET_PREFIX -> smsVoice.handle(operation, body);
        default -> throw unknown(target);
      };
      return Reply.json(200, result, contentType);
    } catch (AwsError e) {
      ObjectNode error = Json.object().put("__type", e.code()).put("message", e.getMessage());
      e.fields().forEach(error::put);
      return Reply.json(e.status(), error, contentType).with("x-amzn-ErrorType", e.code());
    } catch (IllegalArgumentException e) {
      return Reply.json(400, Json.object().put("__type", "SerializationException").put("message", e.getMessage()), contentType);
    }
  }

  /** Which service and operation a request calls, and in which protocol it expects an error. */
  record Call(String service, String operation, String protocol) {}

  static Call call(Request request, String target, String signedService) {
    if (target != null) {
      int dot = target.indexOf('.');
      String prefix = dot < 0 ? target : target.substring(0, dot);
      String operation = dot < 0 ? "" : target.substring(dot + 1);
      String service = switch (prefix) {
        case "DynamoDB_20120810" -> "dynamodb";
        case "DynamoDBStreams_20120810" -> "dynamodbstreams";
        case "AWSStepFunctions" -> "states";
        case "AWSEvents" -> "events";
        case "AmazonSSM" -> "ssm";
        case "secretsmanager" -> "secretsmanager";
        case SmsVoiceService.TARGET_PREFIX -> "sms-voice";
        default -> prefix.toLowerCase(java.util.Locale.ROOT);
      };
      return new Call(service, operation, "json");
    }
    if ("ses".equals(signedService) || "email".equals(signedService)) {
      String operation = request.method().equals("POST") && request.path().equals("/v2/email/outbound-emails")
          ? "SendEmail" : request.method() + " " + request.path();
      return new Call("ses", operation, "rest-json");
    }
    if ("sns".equals(signedService)) {
      Map<String, String> form = Request.form(request.method().equals("GET") ? request.rawQuery() : request.bodyText());
      return new Call("sns", form.getOrDefault("Action", ""), "query");
    }
    return new Call(signedService == null ? "" : signedService, "", "json");
  }

  /** The tables a DynamoDB request names: TableName, RequestItems' keys, TransactItems' TableNames. */
  static java.util.Set<String> tablesNamed(Request request) {
    java.util.Set<String> names = new java.util.HashSet<>();
    try {
      JsonNode body = Json.parse(request.body());
      if (body.hasNonNull("TableName")) {
        names.add(body.get("TableName").asText());
      }
      body.path("RequestItems").fieldNames().forEachRemaining(names::add);
      for (JsonNode item : body.path("TransactItems")) {
        item.elements().forEachRemaining(operation -> {
          if (operation.hasNonNull("TableName")) {
            names.add(operation.get("TableName").asText());
          }
        });
      }
    } catch (RuntimeException e) {
      // not JSON: names no table
    }
    return names;
  }

  /** The fault's error as the service itself answers: the SDK parses (and retries) it as it would AWS's. */
  private static Reply faultReply(Request request, Call call, Fault fault) {
    String requestId = UUID.randomUUID().toString();
    switch (call.protocol()) {
      case "rest-json":
        return restError(new AwsError(fault.status(), fault.error(), fault.message())).with("x-amzn-RequestId", requestId);
      case "query": {
        String type = fault.status() >= 500 ? "Receiver" : "Sender";
        return Reply.text(fault.status(), "text/xml", "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            + "<Error><Type>" + type + "</Type><Code>" + fault.error() + "</Code><Message>" + xml(fault.message())
            + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>")
            .with("x-amzn-RequestId", requestId);
      }
      default: {
        String contentType = request.header("content-type") == null ? "application/x-amz-json-1.0"
            : request.header("content-type");
        // DynamoDB names its errors with the service's namespace, as AWS does; the SDK reads the part after '#'.
        String type = call.service().startsWith("dynamodb")
            ? "com.amazonaws.dynamodb.v20120810#" + fault.error() : fault.error();
        return Reply.json(fault.status(), Json.object().put("__type", type).put("message", fault.message()), contentType)
            .with("x-amzn-RequestId", requestId).with("x-amzn-ErrorType", fault.error());
      }
    }
  }

  private static AwsError unknown(String target) {
    return new AwsError(400, "UnknownOperationException", "The local cloud does not implement operation " + target);
  }

  private static Reply restError(AwsError e) {
    return Reply.json(e.status(), Json.object().put("message", e.getMessage()), "application/json")
        .with("x-amzn-ErrorType", e.code());
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
