package dev.nudge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.*;

class LocalDynamoDbTest {
  @Test
  void embeddedDynamoDbLocalStoresAndReadsAnItem() {
    var ddb = LocalDynamoDb.client();
    ddb.createTable(b -> b.tableName("smoke")
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    ddb.putItem(b -> b.tableName("smoke").item(java.util.Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromN("1"))));
    var item = ddb.getItem(b -> b.tableName("smoke").key(java.util.Map.of("pk", AttributeValue.fromS("a")))).item();
    assertThat(item.get("v").n()).isEqualTo("1");
  }
}
