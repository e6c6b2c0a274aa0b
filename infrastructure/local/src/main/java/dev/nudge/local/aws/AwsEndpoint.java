package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import dev.nudge.local.dynamodb.DynamoDbServer;
import dev.nudge.local.events.EventBuses;
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

  public AwsEndpoint(DynamoDbServer dynamo, StepFunctionsJsonApi stepFunctions, SesService ses, SnsService sns,
      EventBuses events, ParameterStore parameters, SmsVoiceService smsVoice) {
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
    if (target != null) {
      return json(request, target);
    }
    String service = request.signedService();
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
