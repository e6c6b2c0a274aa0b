package dev.nudge.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import dev.nudge.local.template.Resource;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.TemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Creates the template's tables in DynamoDB Local (keys, indexes, stream, TTL). A table that
 * already exists in the data folder is kept as it is, so data survives restarts.
 */
public final class Tables {
  /** Properties that change nothing a local table does (billing, backups, encryption, tags). */
  private static final Set<String> NO_LOCAL_EFFECT = Set.of(
      "BillingMode", "ProvisionedThroughput", "PointInTimeRecoverySpecification", "SSESpecification",
      "Tags", "DeletionProtectionEnabled", "ContributorInsightsSpecification", "TableClass",
      "OnDemandThroughput", "WarmThroughput", "ResourcePolicy");
  private static final Set<String> SUPPORTED = Set.of(
      "TableName", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
      "LocalSecondaryIndexes", "StreamSpecification", "TimeToLiveSpecification");

  /** A table as created: logical id, name, and its stream ARN in DynamoDB Local (or null). */
  public record Table(String logicalId, String name, String streamArn, List<String> indexes) {}

  private Tables() {}

  public static List<Table> create(Stack stack, DynamoDbServer dynamo) {
    List<Table> tables = new ArrayList<>();
    for (Resource resource : stack.ofType("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")) {
      ObjectNode request = resource.type().equals("AWS::Serverless::SimpleTable")
          ? simpleTable(resource) : table(resource);
      request.put("TableName", resource.physicalName());
      JsonNode description;
      try {
        description = dynamo.call("DynamoDB_20120810.CreateTable", request).get("TableDescription");
      } catch (DynamoDbServer.DynamoDbError e) {
        if (!e.type().equals("ResourceInUseException")) {
          throw TemplateException.at("Resources." + resource.logicalId(), "DynamoDB Local refused the table: " + e.getMessage());
        }
        description = dynamo.call("DynamoDB_20120810.DescribeTable",
            Json.object().put("TableName", resource.physicalName())).get("Table");
      }
      JsonNode ttl = resource.properties().path("TimeToLiveSpecification");
      if (ttl.path("Enabled").asBoolean(false)) {
        try {
          dynamo.call("DynamoDB_20120810.UpdateTimeToLive", Json.object()
              .put("TableName", resource.physicalName())
              .set("TimeToLiveSpecification", Json.object()
                  .put("AttributeName", ttl.path("AttributeName").asText())
                  .put("Enabled", true)));
        } catch (DynamoDbServer.DynamoDbError e) {
          if (!e.getMessage().contains("already enabled")) {
            throw TemplateException.at(resource.where("TimeToLiveSpecification"), e.getMessage());
          }
        }
      }
      List<String> indexes = new ArrayList<>();
      description.path("GlobalSecondaryIndexes").forEach(i -> indexes.add(i.path("IndexName").asText()));
      description.path("LocalSecondaryIndexes").forEach(i -> indexes.add(i.path("IndexName").asText()));
      tables.add(new Table(resource.logicalId(), resource.physicalName(),
          description.path("LatestStreamArn").asText(null), indexes));
    }
    return tables;
  }

  private static ObjectNode table(Resource resource) {
    ObjectNode request = Json.object();
    resource.properties().fields().forEachRemaining(entry -> {
      String name = entry.getKey();
      if (NO_LOCAL_EFFECT.contains(name)) {
        return;
      }
      if (!SUPPORTED.contains(name)) {
        throw TemplateException.at(resource.where(name), "is not supported by the local cloud");
      }
    });
    request.set("AttributeDefinitions", resource.required("AttributeDefinitions"));
    request.set("KeySchema", resource.required("KeySchema"));
    request.put("BillingMode", "PAY_PER_REQUEST");
    for (String kind : List.of("GlobalSecondaryIndexes", "LocalSecondaryIndexes")) {
      resource.property(kind).ifPresent(list -> {
        ArrayNode indexes = Json.array();
        list.forEach(index -> {
          ObjectNode copy = Json.object();
          copy.set("IndexName", index.get("IndexName"));
          copy.set("KeySchema", index.get("KeySchema"));
          copy.set("Projection", index.get("Projection"));
          indexes.add(copy);
        });
        request.set(kind, indexes);
      });
    }
    resource.property("StreamSpecification").ifPresent(stream -> {
      if (!stream.has("StreamViewType")) {
        throw TemplateException.at(resource.where("StreamSpecification.StreamViewType"), "is required");
      }
      request.set("StreamSpecification", Json.object().put("StreamEnabled", true)
          .put("StreamViewType", stream.get("StreamViewType").asText()));
    });
    return request;
  }

  private static ObjectNode simpleTable(Resource resource) {
    JsonNode key = resource.property("PrimaryKey").orElse(Json.object().put("Name", "id").put("Type", "String"));
    String type = switch (key.path("Type").asText("String")) {
      case "String" -> "S";
      case "Number" -> "N";
      case "Binary" -> "B";
      default -> throw TemplateException.at(resource.where("PrimaryKey.Type"), "must be String, Number or Binary");
    };
    for (String name : Set.copyOf(iterable(resource.properties()))) {
      if (!Set.of("PrimaryKey", "TableName", "ProvisionedThroughput", "SSESpecification", "Tags").contains(name)) {
        throw TemplateException.at(resource.where(name), "is not supported by the local cloud");
      }
    }
    String attribute = key.path("Name").asText("id");
    ObjectNode request = Json.object().put("BillingMode", "PAY_PER_REQUEST");
    request.set("AttributeDefinitions", Json.array().add(Json.object().put("AttributeName", attribute).put("AttributeType", type)));
    request.set("KeySchema", Json.array().add(Json.object().put("AttributeName", attribute).put("KeyType", "HASH")));
    return request;
  }

  private static List<String> iterable(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Map from a template stream ARN (…/stream/local) or a real one to the table name. */
  public static String tableOfStreamArn(String arn) {
    int table = arn.indexOf(":table/");
    if (table < 0) {
      return null;
    }
    String rest = arn.substring(table + 7);
    int stream = rest.indexOf("/stream/");
    return stream < 0 ? rest : rest.substring(0, stream);
  }

}
