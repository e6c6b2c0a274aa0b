package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.RecordingHandler;
import dev.nudge.local.testing.TestClouds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** With a data folder, a restart finds everything where it was and does not replay the streams. */
class PersistenceTest {
  @TempDir
  Path data;

  @Test
  void aRestartKeepsTablesOutboxSecretsAndStreamPositions() throws Exception {
    Path template = TestClouds.fixture("local-cloud.yaml");
    String key;
    String messageId;
    long deliveredBefore;
    try (LocalCloud cloud = TestClouds.startPersisted(template, data)) {
      try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud); SesV2Client ses = client(SesV2Client.builder(), cloud);
          SsmClient ssm = client(SsmClient.builder(), cloud)) {
        dynamo.putItem(b -> b.tableName("nudge-ItemsTable").item(Map.of("pk", AttributeValue.fromS("keep"),
            "sk", AttributeValue.fromS("1"), "note", AttributeValue.fromS("persisted"))));
        messageId = ses.sendEmail(b -> b.fromEmailAddress("a@shop.example").destination(d -> d.toAddresses("e@example.com"))
            .content(c -> c.simple(m -> m.subject(s -> s.data("Kept")).body(body -> body.text(t -> t.data("t")))))).messageId();
        key = ssm.getParameter(b -> b.name("/test/token-secret")).parameter().value();
      }
      assertThat(TestClouds.eventually(Duration.ofSeconds(15), () -> cloud.pollers().get(0).processedRecords() >= 1)).isTrue();
      deliveredBefore = RecordingHandler.ATTEMPTS.stream()
          .filter(a -> a.path("function").asText().equals("nudge-StreamFunction")).count();
    }
    assertThat(data.resolve("outbox").resolve(messageId + ".eml")).exists();
    assertThat(Files.readString(data.resolve("outbox").resolve("index.json"))).contains(messageId);

    try (LocalCloud cloud = TestClouds.startPersisted(template, data)) {
      try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud); SsmClient ssm = client(SsmClient.builder(), cloud)) {
        assertThat(dynamo.getItem(b -> b.tableName("nudge-ItemsTable").key(Map.of("pk", AttributeValue.fromS("keep"),
            "sk", AttributeValue.fromS("1")))).item().get("note").s()).isEqualTo("persisted");
        assertThat(ssm.getParameter(b -> b.name("/test/token-secret")).parameter().value()).isEqualTo(key);
      }
      assertThat(cloud.outbox().get(messageId)).isPresent();
      Thread.sleep(1500); // several poll cycles: a replay would show up as new attempts
      long deliveredAfter = RecordingHandler.ATTEMPTS.stream()
          .filter(a -> a.path("function").asText().equals("nudge-StreamFunction")).count();
      assertThat(deliveredAfter).isEqualTo(deliveredBefore);
    }
  }
}
