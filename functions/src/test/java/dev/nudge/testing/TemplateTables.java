package dev.nudge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Creates, in DynamoDB Local, the tables template.yaml defines, with exactly its key schemas,
 * indexes and streams, under fresh names so every test class starts empty.
 */
public final class TemplateTables {
  private TemplateTables() {}

  /** Creates the table of {@code logicalId} and returns its (unique) name. */
  public static String create(DynamoDbClient ddb, String logicalId) {
    JsonNode props = SamTemplate.load().resource(logicalId).path("Properties");
    String name = logicalId + "-" + UUID.randomUUID();
    var request = CreateTableRequest.builder()
        .tableName(name)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attributes(props.path("AttributeDefinitions")))
        .keySchema(keys(props.path("KeySchema")));
    List<GlobalSecondaryIndex> indexes = new ArrayList<>();
    for (JsonNode index : props.path("GlobalSecondaryIndexes")) {
      indexes.add(GlobalSecondaryIndex.builder()
          .indexName(index.path("IndexName").asText())
          .keySchema(keys(index.path("KeySchema")))
          .projection(projection(index.path("Projection")))
          .build());
    }
    if (!indexes.isEmpty()) {
      request.globalSecondaryIndexes(indexes);
    }
    JsonNode stream = props.path("StreamSpecification").path("StreamViewType");
    if (!stream.isMissingNode()) {
      request.streamSpecification(StreamSpecification.builder().streamEnabled(true)
          .streamViewType(StreamViewType.fromValue(stream.asText())).build());
    }
    ddb.createTable(request.build());
    return name;
  }

  private static Projection projection(JsonNode projection) {
    Projection.Builder b = Projection.builder()
        .projectionType(ProjectionType.fromValue(projection.path("ProjectionType").asText()));
    List<String> included = new ArrayList<>();
    projection.path("NonKeyAttributes").forEach(a -> included.add(a.asText()));
    if (!included.isEmpty()) {
      b.nonKeyAttributes(included);
    }
    return b.build();
  }

  private static List<AttributeDefinition> attributes(JsonNode definitions) {
    List<AttributeDefinition> result = new ArrayList<>();
    for (JsonNode d : definitions) {
      result.add(AttributeDefinition.builder().attributeName(d.path("AttributeName").asText())
          .attributeType(d.path("AttributeType").asText()).build());
    }
    return result;
  }

  private static List<KeySchemaElement> keys(JsonNode schema) {
    List<KeySchemaElement> result = new ArrayList<>();
    for (JsonNode k : schema) {
      result.add(KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
          .keyType(k.path("KeyType").asText()).build());
    }
    return result;
  }
}
