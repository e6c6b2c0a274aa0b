package dev.nudge.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a CloudFormation/SAM template into a {@link Stack}: parameters (defaults and
 * overrides), pseudo parameters, conditions, mappings and the intrinsic functions Ref, Fn::GetAtt,
 * Fn::Sub, Fn::Join, Fn::If, Fn::FindInMap, Fn::Select, Fn::Split, Fn::Base64 (and the
 * LanguageExtensions' Fn::Length / Fn::ToJsonString). Anything else is an error that names where
 * it is: a local stack must never run with a value it silently guessed.
 */
public final class StackLoader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  /** Resource types whose name property CloudFormation lets the template choose. */
  private static final Map<String, String> NAME_PROPERTY = Map.ofEntries(
      Map.entry("AWS::DynamoDB::Table", "TableName"),
      Map.entry("AWS::Serverless::SimpleTable", "TableName"),
      Map.entry("AWS::Serverless::Function", "FunctionName"),
      Map.entry("AWS::Lambda::Function", "FunctionName"),
      Map.entry("AWS::Serverless::StateMachine", "Name"),
      Map.entry("AWS::StepFunctions::StateMachine", "StateMachineName"),
      Map.entry("AWS::Events::EventBus", "Name"),
      Map.entry("AWS::Events::Rule", "Name"),
      Map.entry("AWS::SQS::Queue", "QueueName"),
      Map.entry("AWS::S3::Bucket", "BucketName"),
      Map.entry("AWS::SNS::Topic", "TopicName"),
      Map.entry("AWS::IAM::Role", "RoleName"),
      Map.entry("AWS::Logs::LogGroup", "LogGroupName"),
      Map.entry("AWS::SES::ConfigurationSet", "Name"),
      Map.entry("AWS::SSM::Parameter", "Name"),
      Map.entry("AWS::SecretsManager::Secret", "Name"),
      Map.entry("AWS::CloudWatch::Dashboard", "DashboardName"),
      Map.entry("AWS::CloudWatch::Alarm", "AlarmName"));

  private final JsonNode template;
  private final String stackName;
  private final String region;
  private final String accountId;
  private final Path baseDir;
  private final Map<String, JsonNode> parameters = new LinkedHashMap<>();
  private final Map<String, Boolean> conditions = new HashMap<>();
  private final Set<String> conditionsInProgress = new HashSet<>();
  private final Map<String, JsonNode> rawResources = new LinkedHashMap<>();
  private final Map<String, String> physicalNames = new HashMap<>();
  private final Set<String> namesInProgress = new HashSet<>();

  private StackLoader(JsonNode template, String stackName, String region, String accountId, Path baseDir) {
    this.template = template;
    this.stackName = stackName;
    this.region = region;
    this.accountId = accountId;
    this.baseDir = baseDir;
  }

  /** Loads {@code file} as stack {@code stackName}; {@code overrides} are --param K=V values. */
  public static Stack load(Path file, String stackName, String region, String accountId,
      Map<String, String> overrides) {
    JsonNode template = YamlTemplateReader.read(file);
    Path base = file.toAbsolutePath().getParent();
    return resolve(template, stackName, region, accountId, base, overrides);
  }

  public static Stack resolve(JsonNode template, String stackName, String region, String accountId,
      Path baseDir, Map<String, String> overrides) {
    if (!template.isObject()) {
      throw new TemplateException("template must be a mapping");
    }
    return new StackLoader(template, stackName, region, accountId, baseDir).resolve(overrides);
  }

  private Stack resolve(Map<String, String> overrides) {
    resolveParameters(overrides);
    JsonNode resources = template.path("Resources");
    if (!resources.isObject() || resources.isEmpty()) {
      throw new TemplateException("Resources: the template has no resources");
    }
    ObjectNode globals = template.path("Globals").isObject()
        ? (ObjectNode) template.get("Globals") : NODES.objectNode();
    for (Iterator<String> it = globals.fieldNames(); it.hasNext(); ) {
      String section = it.next();
      if (!Set.of("Function", "HttpApi", "SimpleTable", "StateMachine", "Api").contains(section)) {
        throw TemplateException.at("Globals." + section, "is not a SAM Globals section");
      }
    }
    resources.fields().forEachRemaining(entry -> {
      JsonNode resource = entry.getValue();
      String logicalId = entry.getKey();
      if (!resource.path("Type").isTextual()) {
        throw TemplateException.at("Resources." + logicalId + ".Type", "is required");
      }
      String condition = resource.path("Condition").asText(null);
      if (condition != null && !condition(condition, "Resources." + logicalId + ".Condition")) {
        return;
      }
      ObjectNode merged = resource.deepCopy();
      String section = globalsSection(resource.get("Type").asText());
      if (section != null && globals.path(section).isObject()) {
        ObjectNode properties = merged.has("Properties") && merged.get("Properties").isObject()
            ? (ObjectNode) merged.get("Properties") : NODES.objectNode();
        merged.set("Properties", mergeGlobals((ObjectNode) globals.get(section), properties));
      }
      rawResources.put(logicalId, merged);
    });

    Map<String, Resource> resolved = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : rawResources.entrySet()) {
      String logicalId = entry.getKey();
      JsonNode raw = entry.getValue();
      JsonNode properties = raw.path("Properties");
      ObjectNode value = properties.isObject()
          ? (ObjectNode) evaluate(properties, "Resources." + logicalId + ".Properties")
          : NODES.objectNode();
      resolved.put(logicalId, new Resource(logicalId, raw.get("Type").asText(), value,
          physicalName(logicalId)));
    }

    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    template.path("Outputs").fields().forEachRemaining(entry -> {
      String condition = entry.getValue().path("Condition").asText(null);
      if (condition == null || condition(condition, "Outputs." + entry.getKey() + ".Condition")) {
        outputs.put(entry.getKey(), evaluate(entry.getValue().path("Value"), "Outputs." + entry.getKey() + ".Value"));
      }
    });
    return new Stack(stackName, region, accountId, baseDir, Map.copyOf(parameters),
        java.util.Collections.unmodifiableMap(resolved), java.util.Collections.unmodifiableMap(outputs),
        evaluate(globals, "Globals"));
  }

  private static String globalsSection(String type) {
    return switch (type) {
      case "AWS::Serverless::Function" -> "Function";
      case "AWS::Serverless::HttpApi" -> "HttpApi";
      case "AWS::Serverless::SimpleTable" -> "SimpleTable";
      case "AWS::Serverless::StateMachine" -> "StateMachine";
      case "AWS::Serverless::Api" -> "Api";
      default -> null;
    };
  }

  /** SAM's rules: maps merge (resource wins), lists concatenate (globals first), scalars override. */
  static ObjectNode mergeGlobals(ObjectNode globals, ObjectNode resource) {
    ObjectNode result = globals.deepCopy();
    resource.fields().forEachRemaining(entry -> {
      JsonNode global = result.get(entry.getKey());
      JsonNode local = entry.getValue();
      if (global != null && global.isObject() && local.isObject() && !isIntrinsic(local) && !isIntrinsic(global)) {
        result.set(entry.getKey(), mergeGlobals((ObjectNode) global, (ObjectNode) local));
      } else if (global != null && global.isArray() && local.isArray()) {
        ArrayNode both = global.deepCopy();
        both.addAll((ArrayNode) local);
        result.set(entry.getKey(), both);
      } else {
        result.set(entry.getKey(), local.deepCopy());
      }
    });
    return result;
  }

  private static boolean isIntrinsic(JsonNode node) {
    if (!node.isObject() || node.size() != 1) {
      return false;
    }
    String key = node.fieldNames().next();
    return key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition");
  }

  // ---- parameters ----

  private void resolveParameters(Map<String, String> overrides) {
    JsonNode declared = template.path("Parameters");
    for (String name : overrides.keySet()) {
      if (!declared.has(name)) {
        throw TemplateException.at("--param " + name, "the template declares no parameter " + name);
      }
    }
    declared.fields().forEachRemaining(entry -> {
      String name = entry.getKey();
      JsonNode spec = entry.getValue();
      String where = "Parameters." + name;
      String type = spec.path("Type").asText("String");
      String value = overrides.containsKey(name) ? overrides.get(name)
          : spec.has("Default") ? spec.get("Default").asText() : null;
      if (value == null) {
        throw TemplateException.at(where, "has no Default; pass --param " + name + "=VALUE");
      }
      if (type.startsWith("AWS::SSM::Parameter::Value")) {
        throw TemplateException.at(where + ".Type", type + " reads SSM at deploy time; the local cloud cannot");
      }
      JsonNode allowed = spec.path("AllowedValues");
      if (allowed.isArray() && allowed.size() > 0) {
        boolean ok = false;
        for (JsonNode candidate : allowed) {
          ok |= candidate.asText().equals(value);
        }
        if (!ok) {
          throw TemplateException.at(where, "value '" + value + "' is not one of " + allowed);
        }
      }
      if (spec.has("AllowedPattern") && !value.matches(spec.get("AllowedPattern").asText())) {
        throw TemplateException.at(where, "value '" + value + "' does not match AllowedPattern");
      }
      if (type.equals("Number")) {
        try {
          Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw TemplateException.at(where, "value '" + value + "' is not a Number");
        }
      }
      if (type.equals("CommaDelimitedList") || type.startsWith("List<")) {
        ArrayNode list = NODES.arrayNode();
        for (String part : value.split(",", -1)) {
          list.add(part.trim());
        }
        parameters.put(name, list);
      } else {
        parameters.put(name, TextNode.valueOf(value));
      }
    });
  }

  // ---- conditions ----

  private boolean condition(String name, String where) {
    Boolean known = conditions.get(name);
    if (known != null) {
      return known;
    }
    JsonNode definition = template.path("Conditions").get(name);
    if (definition == null) {
      throw TemplateException.at(where, "refers to condition " + name + ", which Conditions does not define");
    }
    if (!conditionsInProgress.add(name)) {
      throw TemplateException.at("Conditions." + name, "refers to itself");
    }
    boolean value = truth(definition, "Conditions." + name);
    conditionsInProgress.remove(name);
    conditions.put(name, value);
    return value;
  }

  private boolean truth(JsonNode node, String where) {
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
      return Boolean.parseBoolean(node.asText());
    }
    if (node.isObject() && node.size() == 1) {
      String function = node.fieldNames().next();
      JsonNode argument = node.get(function);
      switch (function) {
        case "Condition":
          return condition(argument.asText(), where);
        case "Fn::Equals": {
          requireArray(argument, 2, where + ".Fn::Equals");
          JsonNode a = evaluate(argument.get(0), where + ".Fn::Equals[0]");
          JsonNode b = evaluate(argument.get(1), where + ".Fn::Equals[1]");
          return scalar(a).equals(scalar(b));
        }
        case "Fn::Not":
          requireArray(argument, 1, where + ".Fn::Not");
          return !truth(argument.get(0), where + ".Fn::Not[0]");
        case "Fn::And": {
          boolean all = true;
          for (int i = 0; i < argument.size(); i++) {
            all &= truth(argument.get(i), where + ".Fn::And[" + i + "]");
          }
          return all;
        }
        case "Fn::Or": {
          boolean any = false;
          for (int i = 0; i < argument.size(); i++) {
            any |= truth(argument.get(i), where + ".Fn::Or[" + i + "]");
          }
          return any;
        }
        default:
          break;
      }
    }
    throw TemplateException.at(where, "is not a condition (Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition)");
  }

  private static String scalar(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  // ---- intrinsic functions ----

  /** Evaluates {@code node}; returns MissingNode for AWS::NoValue (the caller drops the key). */
  JsonNode evaluate(JsonNode node, String where) {
    if (node.isObject()) {
      if (node.size() == 1) {
        String key = node.fieldNames().next();
        if (key.equals("Ref") || key.startsWith("Fn::")) {
          return intrinsic(key, node.get(key), where);
        }
      }
      ObjectNode result = NODES.objectNode();
      node.fields().forEachRemaining(entry -> {
        JsonNode value = evaluate(entry.getValue(), where + "." + entry.getKey());
        if (!value.isMissingNode()) {
          result.set(entry.getKey(), value);
        }
      });
      return result;
    }
    if (node.isArray()) {
      ArrayNode result = NODES.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        JsonNode value = evaluate(node.get(i), where + "[" + i + "]");
        if (!value.isMissingNode()) {
          result.add(value);
        }
      }
      return result;
    }
    return node;
  }

  private JsonNode intrinsic(String function, JsonNode argument, String where) {
    String at = where + "." + function;
    switch (function) {
      case "Ref":
        return ref(evaluate(argument, at).asText(), at);
      case "Fn::GetAtt": {
        JsonNode args = argument.isTextual()
            ? splitGetAtt(argument.asText(), at) : evaluate(argument, at);
        requireArray(args, 2, at);
        return TextNode.valueOf(getAtt(args.get(0).asText(), args.get(1).asText(), at));
      }
      case "Fn::Sub":
        return TextNode.valueOf(sub(argument, at));
      case "Fn::Join": {
        requireArray(argument, 2, at);
        String delimiter = evaluate(argument.get(0), at + "[0]").asText();
        JsonNode list = evaluate(argument.get(1), at + "[1]");
        if (!list.isArray()) {
          throw TemplateException.at(at, "second argument must be a list");
        }
        List<String> parts = new ArrayList<>();
        list.forEach(part -> parts.add(scalarOrFail(part, at)));
        return TextNode.valueOf(String.join(delimiter, parts));
      }
      case "Fn::If": {
        requireArray(argument, 3, at);
        boolean chosen = condition(argument.get(0).asText(), at + "[0]");
        return evaluate(argument.get(chosen ? 1 : 2), at + (chosen ? "[1]" : "[2]"));
      }
      case "Fn::FindInMap": {
        if (!argument.isArray() || argument.size() < 3) {
          throw TemplateException.at(at, "needs [MapName, TopLevelKey, SecondLevelKey]");
        }
        String map = evaluate(argument.get(0), at + "[0]").asText();
        String top = evaluate(argument.get(1), at + "[1]").asText();
        String second = evaluate(argument.get(2), at + "[2]").asText();
        JsonNode value = template.path("Mappings").path(map).path(top).get(second);
        if (value == null) {
          if (argument.size() == 4 && argument.get(3).has("DefaultValue")) {
            return evaluate(argument.get(3).get("DefaultValue"), at + "[3]");
          }
          throw TemplateException.at(at, "Mappings." + map + "." + top + "." + second + " does not exist");
        }
        return evaluate(value, at);
      }
      case "Fn::Select": {
        requireArray(argument, 2, at);
        int index = Integer.parseInt(evaluate(argument.get(0), at + "[0]").asText());
        JsonNode list = evaluate(argument.get(1), at + "[1]");
        if (!list.isArray() || index < 0 || index >= list.size()) {
          throw TemplateException.at(at, "index " + index + " is outside the list " + list);
        }
        return list.get(index);
      }
      case "Fn::Split": {
        requireArray(argument, 2, at);
        String delimiter = evaluate(argument.get(0), at + "[0]").asText();
        String text = scalarOrFail(evaluate(argument.get(1), at + "[1]"), at);
        ArrayNode parts = NODES.arrayNode();
        for (String part : text.split(Pattern.quote(delimiter), -1)) {
          parts.add(part);
        }
        return parts;
      }
      case "Fn::Base64":
        return TextNode.valueOf(Base64.getEncoder().encodeToString(
            scalarOrFail(evaluate(argument, at), at).getBytes(StandardCharsets.UTF_8)));
      case "Fn::Length": {
        JsonNode list = evaluate(argument, at);
        if (!list.isArray()) {
          throw TemplateException.at(at, "argument must be a list");
        }
        return NODES.numberNode(list.size());
      }
      case "Fn::ToJsonString":
        try {
          return TextNode.valueOf(JSON.writeValueAsString(evaluate(argument, at)));
        } catch (Exception e) {
          throw TemplateException.at(at, e.getMessage());
        }
      case "Fn::ImportValue":
        throw TemplateException.at(at, "imports another stack's output; the local cloud runs one stack only");
      case "Fn::GetAZs":
      case "Fn::Cidr":
      case "Fn::Transform":
        throw TemplateException.at(at, function + " is not supported by the local cloud");
      default:
        throw TemplateException.at(at, "unknown intrinsic function " + function);
    }
  }

  private static ArrayNode splitGetAtt(String text, String at) {
    int dot = text.indexOf('.');
    if (dot < 0) {
      throw TemplateException.at(at, "'" + text + "' needs Resource.Attribute");
    }
    return NODES.arrayNode().add(text.substring(0, dot)).add(text.substring(dot + 1));
  }

  private static String scalarOrFail(JsonNode node, String at) {
    if (!node.isValueNode()) {
      throw TemplateException.at(at, "expected a string, got " + node);
    }
    return node.asText();
  }

  private static void requireArray(JsonNode node, int size, String at) {
    if (!node.isArray() || node.size() != size) {
      throw TemplateException.at(at, "needs a list of " + size + " arguments, got " + node);
    }
  }

  private String sub(JsonNode argument, String at) {
    String text;
    Map<String, JsonNode> variables = new HashMap<>();
    if (argument.isTextual()) {
      text = argument.asText();
    } else if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual()) {
      text = argument.get(0).asText();
      argument.get(1).fields().forEachRemaining(e ->
          variables.put(e.getKey(), evaluate(e.getValue(), at + "[1]." + e.getKey())));
    } else {
      throw TemplateException.at(at, "needs a string or [string, {variables}]");
    }
    Matcher matcher = SUB_VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String replacement;
      if (name.startsWith("!")) {
        replacement = "${" + name.substring(1) + "}"; // ${!Literal} stays literal
      } else if (variables.containsKey(name)) {
        replacement = scalarOrFail(variables.get(name), at);
      } else if (name.contains(".") && !name.startsWith("AWS::")) {
        int dot = name.indexOf('.');
        replacement = getAtt(name.substring(0, dot), name.substring(dot + 1), at);
      } else {
        JsonNode value = ref(name, at);
        replacement = value.isArray() ? joinList(value) : value.asText();
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String joinList(JsonNode list) {
    List<String> parts = new ArrayList<>();
    list.forEach(p -> parts.add(p.asText()));
    return String.join(",", parts);
  }

  private JsonNode ref(String name, String at) {
    switch (name) {
      case "AWS::Region": return TextNode.valueOf(region);
      case "AWS::AccountId": return TextNode.valueOf(accountId);
      case "AWS::StackName": return TextNode.valueOf(stackName);
      case "AWS::StackId":
        return TextNode.valueOf("arn:aws:cloudformation:" + region + ":" + accountId + ":stack/" + stackName + "/local");
      case "AWS::Partition": return TextNode.valueOf("aws");
      case "AWS::URLSuffix": return TextNode.valueOf("amazonaws.com");
      case "AWS::NotificationARNs": return NODES.arrayNode();
      case "AWS::NoValue": return MissingNode.getInstance();
      default: break;
    }
    if (parameters.containsKey(name)) {
      return parameters.get(name);
    }
    int dot = name.indexOf('.');
    if (dot > 0 && (name.endsWith(".Alias") || name.endsWith(".Version"))) {
      return TextNode.valueOf(samFunctionReference(name.substring(0, dot), name.substring(dot + 1), at));
    }
    if (template.path("Parameters").has(name)) {
      throw TemplateException.at(at, "parameter " + name + " has no value");
    }
    String type = typeOf(name, at);
    String physical = type.endsWith("Api") ? name : physicalName(name);
    return TextNode.valueOf(switch (type) {
      case "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine" ->
          arn("states", "stateMachine:" + physical);
      case "AWS::SNS::Topic" -> arn("sns", physical);
      case "AWS::SQS::Queue" -> "https://sqs." + region + ".amazonaws.com/" + accountId + "/" + physical;
      // API Gateway makes up an id; locally the logical id serves, so routes can name their API.
      case "AWS::Serverless::HttpApi", "AWS::Serverless::Api", "AWS::ApiGatewayV2::Api" -> name;
      default -> physical;
    });
  }

  /**
   * SAM's {@code !Ref Function.Alias} / {@code !Ref Function.Version} for a function with
   * AutoPublishAlias: locally a qualified function ARN (the local cloud runs the current code for
   * every qualifier).
   */
  private String samFunctionReference(String logicalId, String what, String at) {
    String type = typeOf(logicalId, at);
    JsonNode raw = rawResources.get(logicalId);
    JsonNode alias = raw == null ? null : raw.path("Properties").get("AutoPublishAlias");
    if (!type.equals("AWS::Serverless::Function") || alias == null) {
      throw TemplateException.at(at, logicalId + "." + what + " needs an AWS::Serverless::Function with AutoPublishAlias");
    }
    String base = arn("lambda", "function:" + physicalName(logicalId));
    return what.equals("Alias") ? base + ":" + evaluate(alias, at).asText() : base + ":1";
  }

  private String getAtt(String logicalId, String attribute, String at) {
    String type = typeOf(logicalId, at);
    String name = physicalName(logicalId);
    boolean table = type.equals("AWS::DynamoDB::Table") || type.equals("AWS::Serverless::SimpleTable");
    String value = switch (attribute) {
      case "Arn" -> switch (type) {
        case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable" -> arn("dynamodb", "table/" + name);
        case "AWS::Serverless::Function", "AWS::Lambda::Function" -> arn("lambda", "function:" + name);
        case "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine" -> arn("states", "stateMachine:" + name);
        case "AWS::Events::EventBus" -> arn("events", "event-bus/" + name);
        case "AWS::Events::Rule" -> arn("events", "rule/" + name);
        case "AWS::SQS::Queue" -> arn("sqs", name);
        case "AWS::SNS::Topic" -> arn("sns", name);
        case "AWS::IAM::Role" -> "arn:aws:iam::" + accountId + ":role/" + name;
        case "AWS::Logs::LogGroup" -> arn("logs", "log-group:" + name + ":*");
        case "AWS::SecretsManager::Secret" -> arn("secretsmanager", "secret:" + name);
        case "AWS::SSM::Parameter" -> arn("ssm", "parameter/" + name.replaceFirst("^/", ""));
        default -> null;
      };
      // The real stream label is only known once DynamoDB Local has created the table; the
      // local cloud maps this ARN back to the table by name.
      case "StreamArn" -> table ? arn("dynamodb", "table/" + name + "/stream/local") : null;
      case "Name", "QueueName", "TopicName" -> name;
      case "TopicArn" -> type.equals("AWS::SNS::Topic") ? arn("sns", name) : null;
      case "QueueUrl" -> type.equals("AWS::SQS::Queue")
          ? "https://sqs." + region + ".amazonaws.com/" + accountId + "/" + name : null;
      case "ApiEndpoint" -> type.endsWith("HttpApi") || type.equals("AWS::ApiGatewayV2::Api") ? "http://localhost" : null;
      default -> null;
    };
    if (value == null) {
      throw TemplateException.at(at, "attribute " + attribute + " of " + logicalId + " (" + type
          + ") is not available in the local cloud");
    }
    return value;
  }

  private String arn(String service, String resource) {
    return "arn:aws:" + service + ":" + region + ":" + accountId + ":" + resource;
  }

  private String typeOf(String logicalId, String at) {
    JsonNode raw = rawResources.get(logicalId);
    if (raw != null) {
      return raw.get("Type").asText();
    }
    if (template.path("Resources").has(logicalId)) {
      throw TemplateException.at(at, "refers to " + logicalId + ", whose Condition is false");
    }
    // Resources SAM generates implicitly.
    if (logicalId.equals("ServerlessHttpApi")) {
      return "AWS::Serverless::HttpApi";
    }
    if (logicalId.endsWith("Role") && rawResources.containsKey(logicalId.substring(0, logicalId.length() - 4))) {
      return "AWS::IAM::Role";
    }
    throw TemplateException.at(at, "refers to " + logicalId + ", which is neither a parameter nor a resource");
  }

  private String physicalName(String logicalId) {
    String known = physicalNames.get(logicalId);
    if (known != null) {
      return known;
    }
    JsonNode raw = rawResources.get(logicalId);
    String name = stackName + "-" + logicalId;
    if (raw != null) {
      String property = NAME_PROPERTY.get(raw.get("Type").asText());
      JsonNode value = property == null ? null : raw.path("Properties").get(property);
      if (value != null) {
        if (!namesInProgress.add(logicalId)) {
          throw TemplateException.at("Resources." + logicalId + ".Properties." + property, "refers to itself");
        }
        JsonNode evaluated = evaluate(value, "Resources." + logicalId + ".Properties." + property);
        namesInProgress.remove(logicalId);
        if (!evaluated.isMissingNode()) {
          name = evaluated.asText();
        }
      }
    }
    physicalNames.put(logicalId, name);
    return name;
  }
}
