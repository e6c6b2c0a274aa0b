package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.bench.FirstEventProbe;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TemplateTables;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The track path never builds an ObjectMapper: building one is the largest single cost of a cold
 * start (docs/benchmarks.md, cold start), so TrackHandler reads, parses and writes JSON with Json's
 * streaming functions. A fresh JVM (FirstEventProbe, as the ingest benchmark launches it) handles
 * one signed event against DynamoDB Local with class loading logged.
 */
class TrackPathColdStartTest {
  private static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";

  @Test
  void aFirstTrackedEventLoadsNoObjectMapper() throws Exception {
    DynamoDbClient ddb = LocalDynamoDb.client();
    String contacts = TemplateTables.create(ddb, "ContactsTable");
    String events = TemplateTables.create(ddb, "EventsTable");

    var launch = FirstEventProbe.launch("track", LocalDynamoDb.endpoint().toString(), contacts, events, "coldtest",
        List.of("-Xlog:class+load=info"));

    assertThat(launch.output()).as("classes loaded before the first event was answered")
        .anyMatch(line -> line.contains("dev.nudge.tracking.TrackHandler "))
        .noneMatch(line -> line.contains(OBJECT_MAPPER));
    assertThat(ddb.scan(b -> b.tableName(events)).items())
        .singleElement().satisfies(item -> assertThat(item.get("contactId").s()).isEqualTo("probe"));
  }
}
