package dev.nudge.local.states;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.states.StatesModel.HistoryEvent;
import dev.nudge.local.states.StatesModel.Page;
import dev.nudge.local.states.StatesModel.RoutingEntry;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The AWS JSON 1.0 protocol of Step Functions on top of a {@link StatesEngine}, without an HTTP server:
 * the local cloud passes the X-Amz-Target header and the body, and writes back the {@link ApiResponse}.
 * Timestamps are epoch seconds (with milliseconds), as the protocol sends them; errors carry
 * {@code __type} and {@code message}, which is what the AWS SDKs parse.
 */
public final class StepFunctionsJsonApi {
  private static final Logger LOG = Logger.getLogger(StepFunctionsJsonApi.class.getName());
  private static final String PREFIX = "AWSStepFunctions.";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper OUT = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .registerModule(new SimpleModule().addSerializer(Instant.class, new JsonSerializer<>() {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
          gen.writeNumber(BigDecimal.valueOf(value.toEpochMilli(), 3));
        }
      }));

  private final StatesEngine engine;

  public StepFunctionsJsonApi(StatesEngine engine) {
    this.engine = engine;
  }

  /** @param target e.g. "AWSStepFunctions.StartExecution" */
  public ApiResponse handle(String target, byte[] body) {
    JsonNode request;
    try {
      request = body == null || body.length == 0 ? NODES.objectNode() : OUT.readTree(body);
      if (request == null || !request.isObject()) throw new IOException("the body must be a JSON object");
    } catch (IOException e) {
      return error(400, "SerializationException", "Could not parse the request body: " + e.getMessage());
    }
    String operation = target != null && target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : String.valueOf(target);
    try {
      JsonNode response = dispatch(operation, request);
      if (response == null) {
        return error(400, "UnknownOperationException", "Unknown operation: " + target);
      }
      return new ApiResponse(200, response, null);
    } catch (StatesApiException e) {
      return error(400, e.errorType(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Step Functions API " + operation + " failed", e);
      return error(500, "InternalServerError", String.valueOf(e.getMessage()));
    }
  }

  private JsonNode dispatch(String op, JsonNode r) {
    return switch (op) {
      case "CreateStateMachine" -> tree(engine.createStateMachine(req(r, "name"), req(r, "definition"), req(r, "roleArn"),
          opt(r, "type"), r.path("publish").asBoolean(false), opt(r, "versionDescription")));
      case "UpdateStateMachine" -> tree(engine.updateStateMachine(req(r, "stateMachineArn"), opt(r, "definition"),
          opt(r, "roleArn"), r.path("publish").asBoolean(false), opt(r, "versionDescription")));
      case "ValidateStateMachineDefinition" -> tree(engine.validateStateMachineDefinition(req(r, "definition")));
      case "DescribeStateMachineForExecution" -> {
        ObjectNode d = (ObjectNode) tree(engine.describeStateMachineForExecution(req(r, "executionArn")));
        d.set("updateDate", d.remove("creationDate"));
        d.remove("status");
        d.remove("type");
        yield d;
      }
      case "DescribeStateMachine" -> tree(engine.describeStateMachine(req(r, "stateMachineArn")));
      case "ListStateMachines" -> page(engine.listStateMachines(max(r), opt(r, "nextToken")), "stateMachines");
      case "DeleteStateMachine" -> {
        engine.deleteStateMachine(req(r, "stateMachineArn"));
        yield NODES.objectNode();
      }
      case "PublishStateMachineVersion" -> tree(engine.publishStateMachineVersion(req(r, "stateMachineArn"),
          opt(r, "revisionId"), opt(r, "description")));
      case "ListStateMachineVersions" -> page(engine.listStateMachineVersions(req(r, "stateMachineArn"), max(r),
          opt(r, "nextToken")), "stateMachineVersions");
      case "CreateStateMachineAlias" -> tree(engine.createStateMachineAlias(req(r, "name"), opt(r, "description"),
          routing(r, true)));
      case "UpdateStateMachineAlias" -> NODES.objectNode().set("updateDate", tree(engine.updateStateMachineAlias(
          req(r, "stateMachineAliasArn"), opt(r, "description"), routing(r, false))));
      case "DescribeStateMachineAlias" -> tree(engine.describeStateMachineAlias(req(r, "stateMachineAliasArn")));
      case "ListStateMachineAliases" -> page(engine.listStateMachineAliases(req(r, "stateMachineArn"), max(r),
          opt(r, "nextToken")), "stateMachineAliases");
      case "DeleteStateMachineAlias" -> {
        engine.deleteStateMachineAlias(req(r, "stateMachineAliasArn"));
        yield NODES.objectNode();
      }
      case "StartExecution" -> tree(engine.startExecution(req(r, "stateMachineArn"), opt(r, "name"), opt(r, "input")));
      case "DescribeExecution" -> {
        ObjectNode d = (ObjectNode) tree(engine.describeExecution(req(r, "executionArn")));
        d.set("inputDetails", NODES.objectNode().put("included", true));
        if (d.has("output")) d.set("outputDetails", NODES.objectNode().put("included", true));
        d.put("redriveCount", 0);
        yield d;
      }
      case "StopExecution" -> NODES.objectNode().set("stopDate",
          tree(engine.stopExecution(req(r, "executionArn"), opt(r, "error"), opt(r, "cause"))));
      case "ListExecutions" -> page(engine.listExecutions(req(r, "stateMachineArn"), opt(r, "statusFilter"), max(r),
          opt(r, "nextToken")), "executions");
      case "GetExecutionHistory" -> history(engine.getExecutionHistory(req(r, "executionArn"),
          r.path("reverseOrder").asBoolean(false), max(r), opt(r, "nextToken"),
          r.path("includeExecutionData").asBoolean(true)));
      case "SendTaskSuccess" -> {
        engine.sendTaskSuccess(req(r, "taskToken"), req(r, "output"));
        yield NODES.objectNode();
      }
      case "SendTaskFailure" -> {
        engine.sendTaskFailure(req(r, "taskToken"), opt(r, "error"), opt(r, "cause"));
        yield NODES.objectNode();
      }
      case "SendTaskHeartbeat" -> {
        engine.sendTaskHeartbeat(req(r, "taskToken"));
        yield NODES.objectNode();
      }
      default -> null;
    };
  }

  private static JsonNode history(Page<HistoryEvent> page) {
    ObjectNode out = NODES.objectNode();
    ArrayNode events = out.putArray("events");
    for (HistoryEvent e : page.items()) {
      ObjectNode n = events.addObject();
      n.set("timestamp", tree(e.timestamp()));
      n.put("type", e.type());
      n.put("id", e.id());
      n.put("previousEventId", e.previousEventId());
      if (e.detailsName() != null) n.set(e.detailsName(), e.details());
    }
    if (page.nextToken() != null) out.put("nextToken", page.nextToken());
    return out;
  }

  private static JsonNode page(Page<?> page, String field) {
    ObjectNode out = NODES.objectNode();
    out.set(field, tree(page.items()));
    if (page.nextToken() != null) out.put("nextToken", page.nextToken());
    return out;
  }

  private static List<RoutingEntry> routing(JsonNode r, boolean required) {
    JsonNode config = r.get("routingConfiguration");
    if (config == null || config.isNull()) {
      if (required) throw missing("routingConfiguration");
      return null;
    }
    List<RoutingEntry> list = new ArrayList<>();
    for (JsonNode e : config) {
      if (!e.path("stateMachineVersionArn").isTextual() || !e.path("weight").isIntegralNumber()) {
        throw new StatesApiException("ValidationException", "Each routingConfiguration entry needs stateMachineVersionArn and weight");
      }
      list.add(new RoutingEntry(e.get("stateMachineVersionArn").asText(), e.get("weight").asInt()));
    }
    return list;
  }

  private static Integer max(JsonNode r) {
    return r.hasNonNull("maxResults") ? r.get("maxResults").asInt() : null;
  }

  private static String req(JsonNode r, String field) {
    String v = opt(r, field);
    if (v == null) throw missing(field);
    return v;
  }

  private static String opt(JsonNode r, String field) {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) {
      throw new StatesApiException("ValidationException", "1 validation error detected: Value at '" + field
          + "' failed to satisfy constraint: Member must be a string");
    }
    return v.asText();
  }

  private static StatesApiException missing(String field) {
    return new StatesApiException("ValidationException", "1 validation error detected: Value null at '" + field
        + "' failed to satisfy constraint: Member must not be null");
  }

  private static JsonNode tree(Object value) {
    return OUT.valueToTree(value);
  }

  private static ApiResponse error(int status, String type, String message) {
    ObjectNode body = NODES.objectNode();
    body.put("__type", type);
    body.put("message", message);
    return new ApiResponse(status, body, type);
  }
}
