package dev.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.aws.LocalConfig;
import dev.nudge.local.aws.SesService;
import dev.nudge.local.dynamodb.DynamoDbServer;
import dev.nudge.local.dynamodb.Tables;
import dev.nudge.local.events.EventBuses;
import dev.nudge.local.events.EventPattern;
import dev.nudge.platform.ScheduleExpression;
import dev.nudge.local.events.Target;
import dev.nudge.local.aws.SnsService;
import dev.nudge.local.lambda.Functions;
import dev.nudge.local.lambda.LocalFunction;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.states.StatesApiException;
import dev.nudge.local.states.StatesEngine;
import dev.nudge.local.template.Resource;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.TemplateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the resolved template into running parts. Every resource type and event type is either
 * wired, declared to have no local effect (listed here, shown in the summary), or refused at
 * startup with the resource and property named.
 */
final class Wiring {
  static final Set<String> EMULATED = Set.of("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable",
      "AWS::Serverless::Function", "AWS::Serverless::HttpApi", "AWS::Serverless::StateMachine",
      "AWS::StepFunctions::StateMachine", "AWS::Events::EventBus", "AWS::Events::Rule", "AWS::SES::ConfigurationSet",
      "AWS::SES::ConfigurationSetEventDestination", "AWS::SNS::Topic", "AWS::SSM::Parameter",
      "AWS::SecretsManager::Secret", "AWS::SQS::Queue", "AWS::S3::Bucket");
  /** Deployed in AWS, nothing to do on one machine (permissions, logs, alarms, dashboards, keys). */
  static final Set<String> NO_LOCAL_EFFECT = Set.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
      "AWS::Logs::LogGroup", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::CloudWatch::CompositeAlarm",
      "AWS::Lambda::Permission", "AWS::SES::EmailIdentity", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy",
      "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::Events::Archive", "AWS::Logs::MetricFilter",
      "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy",
      "AWS::Budgets::Budget");
  private static final Set<String> FUNCTION_EVENTS = Set.of("HttpApi", "DynamoDB", "EventBridgeRule", "Schedule",
      "ScheduleV2", "SNS", "S3");

  private Wiring() {}

  static void checkResourceTypes(Stack stack) {
    for (Resource resource : stack.resources().values()) {
      if (!EMULATED.contains(resource.type()) && !NO_LOCAL_EFFECT.contains(resource.type())) {
        throw TemplateException.at("Resources." + resource.logicalId() + ".Type",
            resource.type() + " is not supported by the local cloud");
      }
    }
    for (Resource function : stack.ofType("AWS::Serverless::Function")) {
      function.properties().path("Events").fields().forEachRemaining(e -> {
        String type = e.getValue().path("Type").asText();
        if (!FUNCTION_EVENTS.contains(type)) {
          throw TemplateException.at(function.where("Events." + e.getKey() + ".Type"),
              type + " events are not supported by the local cloud (supported: " + FUNCTION_EVENTS + ")");
        }
      });
    }
  }

  /** Values for the secrets the functions read, generated once into config.json. */
  /** An HTTP API's default address in AWS: locally, the API is served at the local endpoint. */
  private static final java.util.regex.Pattern EXECUTE_API =
      java.util.regex.Pattern.compile("^https://[^./]+\\.execute-api\\.[^./]+\\.amazonaws\\.com");

  static void defaultSecrets(Stack stack, LocalConfig config, String endpoint) {
    // First: a parameter the template declares has the template's value, even when a function
    // names it in a *_PARAMETER variable (which would otherwise get a generated secret).
    for (Resource parameter : stack.ofType("AWS::SSM::Parameter")) {
      String value = parameter.text("Value", "");
      String local = EXECUTE_API.matcher(value).replaceFirst(java.util.regex.Matcher.quoteReplacement(endpoint));
      if (local.equals(value)) {
        config.defaultParameter(parameter.physicalName(), value);
      } else {
        // The API's own URL (links in e-mails: unsubscribe, confirm) points at this local cloud,
        // whose port may change between runs, so it is set every start.
        config.setParameter(parameter.physicalName(), local);
      }
    }
    for (Resource function : stack.ofType("AWS::Serverless::Function")) {
      function.properties().path("Environment").path("Variables").fields().forEachRemaining(e -> {
        String name = e.getKey();
        String value = e.getValue().asText();
        if (name.endsWith("_PARAMETER") && value.startsWith("/")) {
          // Signing keys are a JSON object {key id: secret} (see RequestAuthenticator); others a plain secret.
          config.defaultParameter(value, name.contains("SIGNING_KEYS")
              ? Json.object().put("local", LocalConfig.randomKey()).toString() : LocalConfig.randomKey());
        } else if ((name.endsWith("_SECRET") || name.endsWith("_SECRET_ID") || name.endsWith("_SECRET_NAME"))
            && !value.isEmpty() && !value.startsWith("arn:")) {
          config.defaultSecret(value, LocalConfig.randomKey());
        }
      });
    }
    for (Resource secret : stack.ofType("AWS::SecretsManager::Secret")) {
      JsonNode generate = secret.properties().path("GenerateSecretString");
      String value = secret.text("SecretString", null);
      if (value == null && generate.has("SecretStringTemplate") && generate.has("GenerateStringKey")) {
        ObjectNode template = (ObjectNode) Json.parse(generate.get("SecretStringTemplate").asText());
        template.put(generate.get("GenerateStringKey").asText(), LocalConfig.randomKey());
        value = template.toString();
      }
      config.defaultSecret(secret.physicalName(), value == null ? LocalConfig.randomKey() : value);
    }
  }

  static void buses(Stack stack, EventBuses buses) {
    for (Resource bus : stack.ofType("AWS::Events::EventBus")) {
      buses.addBus(bus.physicalName());
    }
  }

  static Map<String, SesService.ConfigurationSet> configurationSets(Stack stack) {
    Map<String, Set<String>> types = new LinkedHashMap<>();
    for (Resource set : stack.ofType("AWS::SES::ConfigurationSet")) {
      types.put(set.physicalName(), new HashSet<>());
    }
    for (Resource destination : stack.ofType("AWS::SES::ConfigurationSetEventDestination")) {
      String set = destination.required("ConfigurationSetName").asText();
      if (!types.containsKey(set)) {
        throw TemplateException.at(destination.where("ConfigurationSetName"), "no configuration set " + set + " in the template");
      }
      JsonNode spec = destination.required("EventDestination");
      if (!spec.path("Enabled").asBoolean(true)) {
        continue;
      }
      if (spec.has("EventBridgeDestination")) {
        String bus = spec.path("EventBridgeDestination").path("EventBusArn").asText();
        if (!bus.endsWith(":event-bus/default")) {
          throw TemplateException.at(destination.where("EventDestination.EventBridgeDestination.EventBusArn"),
              "SES publishes to the default bus only");
        }
        spec.path("MatchingEventTypes").forEach(t -> types.get(set).add(t.asText().toLowerCase(Locale.ROOT)));
      } else if (spec.has("SnsDestination") || spec.has("KinesisFirehoseDestination")) {
        throw TemplateException.at(destination.where("EventDestination"),
            "only EventBridgeDestination is emulated (CloudWatchDestination has no local effect)");
      }
    }
    Map<String, SesService.ConfigurationSet> sets = new LinkedHashMap<>();
    types.forEach((name, t) -> sets.put(name, new SesService.ConfigurationSet(name, Set.copyOf(t))));
    return sets;
  }

  static Set<String> topicArns(Stack stack) {
    Set<String> arns = new HashSet<>();
    for (Resource topic : stack.ofType("AWS::SNS::Topic")) {
      if (topic.properties().has("Subscription")) {
        throw TemplateException.at(topic.where("Subscription"), "SNS subscriptions are not emulated by the local cloud");
      }
      arns.add(stack.arn("sns", topic.physicalName()));
    }
    return arns;
  }

  /**
   * SAM {@code SNS} events: the function is subscribed to the topic and gets each publish as
   * SNS's Lambda event (one record). A FilterPolicy or an SQS subscription is refused, not ignored.
   */
  static void snsSubscriptions(Stack stack, SnsService sns, Functions functions, EventLog log) {
    for (LocalFunction function : functions.all()) {
      function.events().fields().forEachRemaining(e -> {
        if (!e.getValue().path("Type").asText().equals("SNS")) {
          return;
        }
        JsonNode p = e.getValue().path("Properties");
        String where = "Resources." + function.logicalId() + ".Properties.Events." + e.getKey() + ".Properties";
        for (String unsupported : List.of("FilterPolicy", "FilterPolicyScope", "SqsSubscription", "RedrivePolicy")) {
          if (p.has(unsupported)) {
            throw TemplateException.at(where + "." + unsupported, "is not supported by the local cloud");
          }
        }
        String topic = p.path("Topic").asText("");
        if (!sns.hasTopic(topic)) {
          throw TemplateException.at(where + ".Topic", "no SNS topic " + topic + " in the template");
        }
        sns.subscribe(topic, event -> {
          var invocation = functions.invoke(function, Json.bytes(event));
          if (invocation.failed()) {
            log.add("error", function.logicalId() + " failed on an SNS notification: " + invocation.errorMessage(), null);
          }
        });
      });
    }
  }

  /** Creates (or updates, when persisted) the template's state machines; returns their ARNs. */
  static List<String> stateMachines(Stack stack, StatesEngine engine, String engineProblem) {
    List<String> arns = new ArrayList<>();
    for (Resource machine : stack.ofType("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")) {
      boolean sam = machine.type().equals("AWS::Serverless::StateMachine");
      Set<String> supported = sam ? SAM_MACHINE_PROPERTIES : CFN_MACHINE_PROPERTIES;
      machine.properties().fieldNames().forEachRemaining(property -> {
        if (!supported.contains(property) && !MACHINE_NO_LOCAL_EFFECT.contains(property)) {
          throw TemplateException.at(machine.where(property), "is not supported by the local cloud");
        }
      });
      String definition = definition(stack, machine, sam);
      JsonNode parsed = Json.parse(definition);
      checkResources(parsed, machine);
      String type = machine.text(sam ? "Type" : "StateMachineType", "STANDARD");
      if (!type.equals("STANDARD")) {
        throw TemplateException.at(machine.where(sam ? "Type" : "StateMachineType"), type + ": only STANDARD state machines run locally");
      }
      if (engine == null) {
        throw TemplateException.at("Resources." + machine.logicalId(), "cannot be created: " + engineProblem);
      }
      String name = machine.physicalName();
      String arn = stack.arn("states", "stateMachine:" + name);
      String role = "arn:aws:iam::" + stack.accountId() + ":role/" + name + "-role";
      try {
        engine.createStateMachine(name, definition, role, "STANDARD", false, null);
      } catch (StatesApiException e) {
        if (e.errorType().equals("StateMachineAlreadyExists")) {
          engine.updateStateMachine(arn, definition, null, false, null);
        } else {
          throw TemplateException.at("Resources." + machine.logicalId(), e.errorType() + ": " + e.getMessage());
        }
      }
      String alias = sam ? machine.text("AutoPublishAlias", null) : null;
      if (alias != null) {
        publishAlias(engine, arn, alias);
      }
      arns.add(arn);
    }
    return arns;
  }

  /** SAM's AutoPublishAlias: publish a version of the current definition and point the alias at it. */
  private static void publishAlias(StatesEngine engine, String arn, String alias) {
    String version = engine.publishStateMachineVersion(arn, null, "published by the local cloud at start-up")
        .stateMachineVersionArn();
    List<dev.nudge.local.states.StatesModel.RoutingEntry> routing =
        List.of(new dev.nudge.local.states.StatesModel.RoutingEntry(version, 100));
    String aliasArn = arn + ":" + alias;
    try {
      engine.describeStateMachineAlias(aliasArn);
      engine.updateStateMachineAlias(aliasArn, null, routing);
    } catch (StatesApiException e) {
      if (!e.errorType().equals("ResourceNotFound")) {
        throw e;
      }
      engine.createStateMachineAlias(alias, null, routing);
    }
  }

  private static final Set<String> SAM_MACHINE_PROPERTIES = Set.of("Definition", "DefinitionUri",
      "DefinitionSubstitutions", "Name", "Type", "Events", "AutoPublishAlias");
  private static final Set<String> CFN_MACHINE_PROPERTIES = Set.of("Definition", "DefinitionString",
      "DefinitionSubstitutions", "StateMachineName", "StateMachineType");
  /** Permissions, logging and tracing: nothing to do on one machine. */
  private static final Set<String> MACHINE_NO_LOCAL_EFFECT = Set.of("Role", "RoleArn", "RolePath", "Policies",
      "Logging", "LoggingConfiguration", "Tracing", "TracingConfiguration", "Tags", "PermissionsBoundary",
      "PropagateTags", "EncryptionConfiguration");

  private static String definition(Stack stack, Resource machine, boolean sam) {
    String text;
    if (machine.property("Definition").isPresent()) {
      text = machine.property("Definition").get().toString();
    } else if (!sam && machine.property("DefinitionString").isPresent()) {
      text = machine.property("DefinitionString").get().asText();
    } else if (sam && machine.property("DefinitionUri").isPresent()) {
      JsonNode uri = machine.property("DefinitionUri").get();
      if (!uri.isTextual() || uri.asText().startsWith("s3://")) {
        throw TemplateException.at(machine.where("DefinitionUri"), "must be a local file path to run locally");
      }
      Path file = stack.baseDir().resolve(uri.asText());
      try {
        String raw = Files.readString(file);
        text = uri.asText().endsWith(".json") ? raw : dev.nudge.local.template.YamlTemplateReader.read(raw).toString();
      } catch (IOException e) {
        throw TemplateException.at(machine.where("DefinitionUri"), "cannot read " + file + ": " + e.getMessage());
      }
    } else {
      throw TemplateException.at(machine.where(sam ? "Definition" : "DefinitionString"),
          "a definition is required (" + (sam ? "Definition or DefinitionUri" : "Definition or DefinitionString")
              + "; S3 locations are not supported locally)");
    }
    JsonNode substitutions = machine.properties().path("DefinitionSubstitutions");
    for (Iterator<Map.Entry<String, JsonNode>> it = substitutions.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      text = text.replace("${" + e.getKey() + "}", e.getValue().asText());
    }
    java.util.regex.Matcher left = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9_]+)}").matcher(text);
    if (left.find()) {
      throw TemplateException.at(machine.where("DefinitionSubstitutions"), "has no value for ${" + left.group(1) + "}");
    }
    return text;
  }

  private static void checkResources(JsonNode node, Resource machine) {
    if (node.isObject()) {
      if ("Task".equals(node.path("Type").asText()) && node.path("Resource").isTextual()) {
        String problem = LocalTasks.unsupported(node.get("Resource").asText());
        if (problem != null) {
          throw TemplateException.at("Resources." + machine.logicalId() + " (definition)", problem);
        }
      }
      node.elements().forEachRemaining(child -> checkResources(child, machine));
    } else if (node.isArray()) {
      node.forEach(child -> checkResources(child, machine));
    }
  }

  /** AWS::Events::Rule resources and the EventBridgeRule/Schedule events of functions and state machines. */
  static void rules(Stack stack, EventBuses buses, Functions functions, List<String> stateMachineArns) {
    for (Resource rule : stack.ofType("AWS::Events::Rule")) {
      List<Target> targets = new ArrayList<>();
      int i = 0;
      for (JsonNode target : rule.properties().path("Targets")) {
        String where = rule.where("Targets[" + i++ + "]");
        targets.add(target(target.path("Id").asText("target"), target.path("Arn").asText(), target, where, functions,
            stateMachineArns, buses));
      }
      addRule(buses, rule.physicalName(), rule.text("EventBusName", "default"), rule.property("EventPattern").orElse(null),
          rule.text("ScheduleExpression", null), targets, !"DISABLED".equals(rule.text("State", "ENABLED")),
          "Resources." + rule.logicalId());
    }
    List<Resource> owners = new ArrayList<>(stack.ofType("AWS::Serverless::Function"));
    owners.addAll(stack.ofType("AWS::Serverless::StateMachine"));
    for (Resource owner : owners) {
      String arn = owner.type().equals("AWS::Serverless::Function")
          ? stack.arn("lambda", "function:" + owner.physicalName())
          : stack.arn("states", "stateMachine:" + owner.physicalName());
      owner.properties().path("Events").fields().forEachRemaining(e -> {
        JsonNode p = e.getValue().path("Properties");
        String type = e.getValue().path("Type").asText();
        String where = owner.where("Events." + e.getKey());
        String name = p.path("RuleName").asText(p.path("Name").asText(owner.logicalId() + e.getKey()));
        boolean enabled = p.path("Enabled").asBoolean(true) && !"DISABLED".equals(p.path("State").asText("ENABLED"));
        switch (type) {
          case "EventBridgeRule" -> addRule(buses, name, p.path("EventBusName").asText("default"), p.get("Pattern"), null,
              List.of(target(p.path("Target").path("Id").asText(owner.logicalId()), arn, p, where, functions,
                  stateMachineArns, buses)), enabled, where);
          case "Schedule", "ScheduleV2" -> addRule(buses, name, "default", null,
              p.path(type.equals("Schedule") ? "Schedule" : "ScheduleExpression").asText(),
              List.of(target(owner.logicalId(), arn, p, where, functions, stateMachineArns, buses)), enabled, where);
          default -> { }
        }
      });
    }
  }

  private static void addRule(EventBuses buses, String name, String busNameOrArn, JsonNode pattern, String schedule,
      List<Target> targets, boolean enabled, String where) {
    String bus = buses.busNamed(busNameOrArn);
    if (bus == null) {
      throw TemplateException.at(where + ".EventBusName", "no event bus " + busNameOrArn + " in the template");
    }
    EventPattern parsed = null;
    if (pattern != null) {
      JsonNode json = pattern.isTextual() ? Json.parse(pattern.asText()) : pattern;
      try {
        parsed = EventPattern.of(json);
      } catch (IllegalArgumentException e) {
        throw TemplateException.at(where + ".EventPattern", e.getMessage());
      }
    }
    ScheduleExpression parsedSchedule = null;
    if (schedule != null) {
      try {
        parsedSchedule = ScheduleExpression.parse(schedule);
      } catch (IllegalArgumentException e) {
        throw TemplateException.at(where + ".ScheduleExpression", e.getMessage());
      }
    }
    if (parsed == null && parsedSchedule == null) {
      throw TemplateException.at(where, "a rule needs an EventPattern or a ScheduleExpression");
    }
    buses.addRule(new EventBuses.Rule(name, bus, parsed, pattern == null ? null : pattern.toString(), parsedSchedule,
        schedule, targets, enabled, where));
  }

  private static Target target(String id, String arn, JsonNode spec, String where, Functions functions,
      List<String> stateMachineArns, EventBuses buses) {
    if (arn.startsWith("arn:aws:lambda:")) {
      try {
        functions.find(arn);
      } catch (IllegalArgumentException e) {
        throw TemplateException.at(where + ".Arn", e.getMessage());
      }
    } else if (arn.startsWith("arn:aws:states:")) {
      if (!stateMachineArns.contains(arn)) {
        throw TemplateException.at(where + ".Arn", "no state machine " + arn + " in the template");
      }
    } else if (arn.startsWith("arn:aws:events:") && arn.contains(":event-bus/")) {
      if (buses.busNamed(arn) == null) {
        throw TemplateException.at(where + ".Arn", "no event bus " + arn + " in the template");
      }
    } else {
      throw TemplateException.at(where + ".Arn", arn + ": the local cloud delivers rule targets to functions, "
          + "state machines and event buses only");
    }
    return new Target(id, arn, spec.get("Input"), spec.path("InputPath").asText(null),
        spec.has("InputTransformer") ? spec.get("InputTransformer") : null);
  }

  /** Delivers rule matches: functions are invoked asynchronously, state machines started, buses forwarded to. */
  static final class Deliverer implements EventBuses.Deliverer {
    private final Functions functions;
    private final Supplier<StatesEngine> engine;
    private final EventBuses buses;
    private final EventLog log;

    Deliverer(Functions functions, Supplier<StatesEngine> engine, EventBuses buses, EventLog log) {
      this.functions = functions;
      this.engine = engine;
      this.buses = buses;
      this.log = log;
    }

    @Override
    public void deliver(String arn, JsonNode payload, EventBuses.Rule rule) {
      if (arn.startsWith("arn:aws:lambda:")) {
        LocalFunction function = functions.find(arn);
        var invocation = functions.invoke(function, Json.bytes(payload));
        if (invocation.failed()) {
          throw new IllegalStateException(function.logicalId() + " failed: " + invocation.errorMessage());
        }
      } else if (arn.startsWith("arn:aws:states:")) {
        engine.get().startExecution(arn, null, payload.isTextual() ? payload.asText() : payload.toString());
      } else if (arn.contains(":event-bus/")) {
        buses.publish(buses.busNamed(arn), (ObjectNode) payload);
      } else {
        log.add("error", "rule " + rule.name() + ": cannot deliver to " + arn, null);
      }
    }
  }

  static List<StreamPoller> streamPollers(Stack stack, List<Tables.Table> tables, Functions functions,
      DynamoDbServer dynamo, EventLog log, Clock clock, Path dataDir) {
    List<StreamPoller> pollers = new ArrayList<>();
    for (LocalFunction function : functions.all()) {
      function.events().fields().forEachRemaining(e -> {
        if (!e.getValue().path("Type").asText().equals("DynamoDB")) {
          return;
        }
        JsonNode p = e.getValue().path("Properties");
        String where = "Resources." + function.logicalId() + ".Properties.Events." + e.getKey() + ".Properties";
        for (String unsupported : List.of("TumblingWindowInSeconds", "KinesisStreamSpecification", "MetricsConfig")) {
          if (p.has(unsupported)) {
            throw TemplateException.at(where + "." + unsupported, "is not supported by the local cloud");
          }
        }
        String tableName = Tables.tableOfStreamArn(p.path("Stream").asText());
        Tables.Table table = tables.stream().filter(t -> t.name().equals(tableName)).findFirst()
            .orElseThrow(() -> TemplateException.at(where + ".Stream", "is not the stream of a table in the template"));
        if (table.streamArn() == null) {
          throw TemplateException.at(where + ".Stream", "table " + table.logicalId() + " has no StreamSpecification");
        }
        String position = p.path("StartingPosition").asText("");
        if (!position.equals("TRIM_HORIZON") && !position.equals("LATEST")) {
          throw TemplateException.at(where + ".StartingPosition", "must be TRIM_HORIZON or LATEST");
        }
        boolean reportFailures = false;
        for (JsonNode type : p.path("FunctionResponseTypes")) {
          reportFailures |= type.asText().equals("ReportBatchItemFailures");
        }
        List<EventPattern> filters = new ArrayList<>();
        for (JsonNode filter : p.path("FilterCriteria").path("Filters")) {
          JsonNode pattern = filter.path("Pattern");
          filters.add(EventPattern.of(pattern.isTextual() ? Json.parse(pattern.asText()) : pattern));
        }
        // Lambda's range: up to ten batches of one shard at once, ordered per partition key.
        int parallelization = 1;
        if (p.has("ParallelizationFactor")) {
          JsonNode factor = p.path("ParallelizationFactor");
          String text = factor.asText();
          if (!(factor.isIntegralNumber() || factor.isTextual()) || !text.matches("\\d{1,2}")
              || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 10) {
            throw TemplateException.at(where + ".ParallelizationFactor", "must be a whole number from 1 to 10, not " + factor);
          }
          parallelization = Integer.parseInt(text);
        }
        // An A/B switch for the benchmark (docs/benchmarks.md): every mapping at one factor, the
        // template unchanged. Lambda's range still applies.
        String override = System.getProperty("nudge.local.streamParallelization");
        if (override != null) {
          if (!override.matches("\\d{1,2}") || Integer.parseInt(override) < 1 || Integer.parseInt(override) > 10) {
            throw new IllegalArgumentException("-Dnudge.local.streamParallelization must be from 1 to 10, not " + override);
          }
          parallelization = Integer.parseInt(override);
        }
        String destination = p.path("DestinationConfig").path("OnFailure").path("Destination").asText(null);
        if (!p.path("Enabled").asBoolean(true)) {
          log.add("stream", function.logicalId() + "." + e.getKey() + " is disabled in the template", null);
          return;
        }
        pollers.add(new StreamPoller(new StreamPoller.Config(function.logicalId(), e.getKey(), table.name(),
            table.streamArn(), position, p.path("BatchSize").asInt(100), p.path("MaximumRetryAttempts").asInt(-1),
            p.path("BisectBatchOnFunctionError").asBoolean(false), reportFailures, destination, filters, parallelization),
            function, functions, dynamo, log, clock, dataDir));
      });
    }
    return pollers;
  }
}
