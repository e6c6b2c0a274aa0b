package dev.nudge.local.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded DynamoDB Local as the local endpoint uses it: called in-process, it answers what
 * its own HTTP server answers (successes and DynamoDB's errors alike); the capacity meter stays
 * out of the way until someone asks for it; a data folder commits through sqlite's write-ahead log.
 */
class DynamoDbServerTest {
  private static final String TARGET = "DynamoDB_20120810.";
  private static final String AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static DynamoDbServer dynamo;

  @BeforeAll
  static void start() {
    System.setProperty("nudge.local.capacity", "false"); // answers compared byte for byte: no metering
    try {
      dynamo = DynamoDbServer.start(null);
    } finally {
      System.clearProperty("nudge.local.capacity");
    }
    dynamo.call(TARGET + "CreateTable", Json.parse(("{\"TableName\":\"items\",\"BillingMode\":\"PAY_PER_REQUEST\","
        + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}").getBytes(StandardCharsets.UTF_8)));
  }

  @AfterAll
  static void stop() {
    dynamo.close();
  }

  private static HttpResponse<byte[]> inProcess(String operation, String body) {
    return dynamo.forward(TARGET + operation, "application/x-amz-json-1.0", AUTHORIZATION, body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<byte[]> overHttp(String operation, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(dynamo.endpoint()).header("X-Amz-Target", TARGET + operation)
        .header("Content-Type", "application/x-amz-json-1.0").header("Authorization", AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The same call both ways, on two fresh items so that both start from the same state. */
  private static void assertSameAnswer(String operation, String bodyWithKey) throws Exception {
    String a = UUID.randomUUID().toString();
    String b = UUID.randomUUID().toString();
    HttpResponse<byte[]> direct = inProcess(operation, bodyWithKey.replace("KEY", a));
    HttpResponse<byte[]> http = overHttp(operation, bodyWithKey.replace("KEY", b));
    assertThat(direct.statusCode()).as(new String(direct.body(), StandardCharsets.UTF_8)).isEqualTo(http.statusCode());
    assertThat(Json.parse(direct.body()).toString().replace(a, "KEY"))
        .isEqualTo(Json.parse(http.body()).toString().replace(b, "KEY"));
    assertThat(direct.headers().firstValue("content-type")).contains("application/x-amz-json-1.0");
  }

  @Test
  void aPutAndAGetAnswerInProcessAsOverHttp() throws Exception {
    assertSameAnswer("PutItem", "{\"TableName\":\"items\",\"Item\":{\"id\":{\"S\":\"KEY\"},\"n\":{\"N\":\"1\"}},"
        + "\"ReturnValues\":\"ALL_OLD\"}");
    String id = UUID.randomUUID().toString();
    inProcess("PutItem", "{\"TableName\":\"items\",\"Item\":{\"id\":{\"S\":\"" + id + "\"},\"n\":{\"N\":\"7\"}}}");
    JsonNode got = Json.parse(inProcess("GetItem", "{\"TableName\":\"items\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}},"
        + "\"ConsistentRead\":true}").body());
    assertThat(got.path("Item").path("n").path("N").asText()).isEqualTo("7");
  }

  @Test
  void aFailedConditionAnswersInProcessAsOverHttp() throws Exception {
    assertSameAnswer("PutItem", "{\"TableName\":\"items\",\"Item\":{\"id\":{\"S\":\"KEY\"}},"
        + "\"ConditionExpression\":\"attribute_exists(id)\"}");
  }

  @Test
  void aCancelledTransactionAnswersInProcessAsOverHttpWithItsReasons() throws Exception {
    String body = "{\"TransactItems\":[{\"Put\":{\"TableName\":\"items\",\"Item\":{\"id\":{\"S\":\"KEY\"}},"
        + "\"ConditionExpression\":\"attribute_exists(id)\"}}]}";
    assertSameAnswer("TransactWriteItems", body);
    assertThat(new String(inProcess("TransactWriteItems", body.replace("KEY", "x")).body(), StandardCharsets.UTF_8))
        .contains("TransactionCanceledException").contains("ConditionalCheckFailed");
  }

  @Test
  void anUnknownTableAnUnknownOperationAndAMalformedBodyAnswerInProcessAsOverHttp() throws Exception {
    assertSameAnswer("GetItem", "{\"TableName\":\"no-such-table\",\"Key\":{\"id\":{\"S\":\"KEY\"}}}");
    assertSameAnswer("FlyToTheMoon", "{}");
    assertSameAnswer("PutItem", "{\"TableName\":\"items\",\"Item\":");
  }

  @Test
  void theCapacityMeterAddsNothingToACallUntilItIsAskedFor() {
    System.setProperty("nudge.local.capacity", "false"); // on by default for now (see CapacityMeter)
    DynamoDbServer fresh;
    try {
      fresh = DynamoDbServer.start(null);
    } finally {
      System.clearProperty("nudge.local.capacity");
    }
    try {
      fresh.call(TARGET + "CreateTable", Json.parse(("{\"TableName\":\"tbl\",\"BillingMode\":\"PAY_PER_REQUEST\","
          + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
          + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}").getBytes(StandardCharsets.UTF_8)));
      byte[] put = "{\"TableName\":\"tbl\",\"Item\":{\"id\":{\"S\":\"a\"}}}".getBytes(StandardCharsets.UTF_8);
      JsonNode unmetered = Json.parse(fresh.forward(TARGET + "PutItem", null, AUTHORIZATION, put).body());
      assertThat(unmetered.has("ConsumedCapacity")).as("the request went as the client sent it").isFalse();

      CapacityMeter meter = fresh.capacity();
      assertThat(meter.usage()).as("nothing counted before the meter was asked for").isEmpty();
      JsonNode metered = Json.parse(fresh.forward(TARGET + "PutItem", null, AUTHORIZATION, put).body());
      assertThat(metered.has("ConsumedCapacity")).isTrue();
      assertThat(meter.writeUnits("tbl")).isEqualTo(1.0);
    } finally {
      fresh.close();
    }
  }

  @Test
  void aDataFolderCommitsThroughTheWriteAheadLogAndKeepsWhatWasWritten(@TempDir Path data) throws Exception {
    DynamoDbServer persisted = DynamoDbServer.start(data);
    try {
      persisted.call(TARGET + "CreateTable", Json.parse(("{\"TableName\":\"kept\",\"BillingMode\":\"PAY_PER_REQUEST\","
          + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
          + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}").getBytes(StandardCharsets.UTF_8)));
      persisted.call(TARGET + "PutItem", Json.parse("{\"TableName\":\"kept\",\"Item\":{\"id\":{\"S\":\"a\"}}}"
          .getBytes(StandardCharsets.UTF_8)));
      try (var files = Files.list(data)) {
        assertThat(files.map(p -> p.getFileName().toString())).anyMatch(name -> name.endsWith(".db-wal"));
      }
    } finally {
      persisted.close();
    }
    DynamoDbServer reopened = DynamoDbServer.start(data);
    try {
      JsonNode got = reopened.call(TARGET + "GetItem", Json.parse(
          "{\"TableName\":\"kept\",\"Key\":{\"id\":{\"S\":\"a\"}},\"ConsistentRead\":true}".getBytes(StandardCharsets.UTF_8)));
      assertThat(got.path("Item").path("id").path("S").asText()).isEqualTo("a");
    } finally {
      reopened.close();
    }
  }
}
