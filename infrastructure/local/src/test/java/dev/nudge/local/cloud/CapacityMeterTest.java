package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The capacity meter: the units DynamoDB Local reports for the calls clients make through the endpoint. */
class CapacityMeterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCloud cloud;
  private static DynamoDbClient dynamo;
  private static String table;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 1.0);
    dynamo = client(DynamoDbClient.builder(), cloud);
    table = cloud.tables().stream().filter(t -> t.logicalId().equals("Settings")).findFirst().orElseThrow().name();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    cloud.close();
  }

  @BeforeEach
  void reset() {
    cloud.dynamo().capacity().reset();
  }

  private static Map<String, AttributeValue> item(String key) {
    return Map.of("key", AttributeValue.fromS(key), "value", AttributeValue.fromS("small"));
  }

  @Test
  void aPutOfASmallItemCostsOneWriteUnit() {
    dynamo.putItem(p -> p.tableName(table).item(item("a")));
    assertThat(cloud.dynamo().capacity().writeUnits(table)).isEqualTo(1.0);
  }

  @Test
  void aTransactionOfTwoPutsCostsTwiceTheirUnits() {
    dynamo.transactWriteItems(t -> t.transactItems(
        TransactWriteItem.builder().put(p -> p.tableName(table).item(item("b"))).build(),
        TransactWriteItem.builder().put(p -> p.tableName(table).item(item("c"))).build()));
    assertThat(cloud.dynamo().capacity().writeUnits(table)).isEqualTo(4.0);
  }

  @Test
  void aTransactionOfAPutAndTwoUpdatesCostsTwiceThreeUnits() {
    dynamo.transactWriteItems(t -> t.transactItems(
        TransactWriteItem.builder().put(p -> p.tableName(table).item(item("m"))).build(),
        TransactWriteItem.builder().update(u -> u.tableName(table).key(Map.of("key", AttributeValue.fromS("n")))
            .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build(),
        TransactWriteItem.builder().update(u -> u.tableName(table).key(Map.of("key", AttributeValue.fromS("o")))
            .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build()));
    assertThat(cloud.dynamo().capacity().writeUnits(table)).isEqualTo(6.0);
  }

  @Test
  void readsAreMeteredApartFromWrites() {
    dynamo.putItem(p -> p.tableName(table).item(item("d")));
    dynamo.getItem(g -> g.tableName(table).key(Map.of("key", AttributeValue.fromS("d"))).consistentRead(true));
    var usage = cloud.dynamo().capacity().usage().get(table);
    assertThat(usage.get("GetItem").readUnits()).isEqualTo(1.0);
    assertThat(usage.get("GetItem").writeUnits()).isZero();
    assertThat(usage.get("PutItem").calls()).isEqualTo(1);
  }

  @Test
  void aCallerAskingForItsOwnCapacityStillGetsItAndIsMetered() {
    var response = dynamo.putItem(p -> p.tableName(table).item(item("e"))
        .returnConsumedCapacity(software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity.TOTAL));
    assertThat(response.consumedCapacity().capacityUnits()).isEqualTo(1.0);
    assertThat(cloud.dynamo().capacity().writeUnits(table)).isEqualTo(1.0);
  }

  @Test
  void theCapacityApiReportsPerTableAndResetsOnDelete() throws Exception {
    dynamo.putItem(p -> p.tableName(table).item(item("f")));
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create(cloud.endpoint() + "/_local/api/capacity");
    JsonNode report = JSON.readTree(http.send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(report.path("tables").path(table).path("writeUnits").asDouble()).isEqualTo(1.0);
    assertThat(report.path("tables").path(table).path("operations").path("PutItem").path("calls").asLong()).isEqualTo(1);

    JsonNode afterReset = JSON.readTree(http.send(HttpRequest.newBuilder(uri).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(afterReset.path("writeUnits").asDouble()).isZero();
  }
}
