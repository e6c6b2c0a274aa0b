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
 * one signed event against DynamoDB Local with class loading logged; once as an on-demand cold start,
 * once as a SnapStart init (priming in the constructor, which must not build the mapper either).
 */
class TrackPathColdStartTest {
  private static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";

  @Test
  void aFirstTrackedEventLoadsNoObjectMapper() throws Exception {
    assertFirstEventLoadsNoObjectMapper(List.of());
  }

  @Test
  void aSnapStartInitPrimesWithoutLoadingAnObjectMapper() throws Exception {
    List<String> output = assertFirstEventLoadsNoObjectMapper(List.of("-Dnudge.probe.initType=snap-start"));

    assertThat(output).as("priming ran (libphonenumber loaded for the sample's phone) and did not fail")
        .anyMatch(line -> line.contains("com.google.i18n.phonenumbers.PhoneNumberUtil "))
        .noneMatch(line -> line.contains("priming failed"));
  }

  private static List<String> assertFirstEventLoadsNoObjectMapper(List<String> jvmOptions) throws Exception {
    DynamoDbClient ddb = LocalDynamoDb.client();
    String contacts = TemplateTables.create(ddb, "ContactsTable");
    String events = TemplateTables.create(ddb, "EventsTable");
    List<String> options = new java.util.ArrayList<>(jvmOptions);
    options.add("-Xlog:class+load=info");

    var launch = FirstEventProbe.launch("track", LocalDynamoDb.endpoint().toString(), contacts, events, "coldtest", options);

    assertThat(launch.output()).as("classes loaded before the first event was answered")
        .anyMatch(line -> line.contains("dev.nudge.tracking.TrackHandler "))
        .noneMatch(line -> line.contains(OBJECT_MAPPER));
    assertThat(ddb.scan(b -> b.tableName(events)).items())
        .singleElement().satisfies(item -> assertThat(item.get("contactId").s()).isEqualTo("probe"));
    return launch.output();
  }
}
