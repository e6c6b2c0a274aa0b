package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.imports.ContactImportHandler;
import dev.nudge.contacts.imports.ContactImporter;
import dev.nudge.contacts.imports.ImportRecords;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bulk CSV import in the local cloud on the real template, through the real S3 SDK: a file of
 * {@code nudge.import.rows} rows (100 in mvn verify, to keep it short; 1,000 and 10,000 measured in docs/benchmarks.md)
 * with 3% bad rows is uploaded under imports/; the S3 notification runs ContactImportFunction; the
 * good rows are contacts (read through the admin API, lists joined, consent with its source), each
 * bad row is reported with its line and field (status API and the CSV report), and the same content
 * uploaded again writes nothing. A second file is cut off after its first batch and finished by the
 * function's own continuation note.
 */
class ContactImportEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = Integer.getInteger("nudge.import.rows", 100);
  private static final String HEADER = "contactId,email,phone,firstName,lastName,attributes.plan,lists,consent.email,consent.source";

  private static LocalCloud cloud;
  private static NudgeApi api;
  private static S3Client s3;
  private static String bucket;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 1.0);
    api = new NudgeApi(cloud);
    s3 = TestClouds.client(S3Client.builder().forcePathStyle(true), cloud);
    bucket = cloud.stack().outputs().get("ImportBucketName").asText();
  }

  @AfterAll
  static void stop() {
    s3.close();
    cloud.close();
  }

  /** Every 33rd row is bad (3%), in turn: a bad address, a subscription without a source, a bad phone, a bad list. */
  private static final List<String> BAD_FIELDS = List.of("email", "consent.email.source", "phone", "lists.add[1]");

  private static String row(String run, int i) {
    String id = run + "-" + i;
    if (i % 33 == 0) {
      return switch ((i / 33 - 1) % 4) {
        case 0 -> id + ",not-an-address,,Ana,Bad,pro,imported,,";
        case 1 -> id + "," + id + "@example.com,,Ana,Bad,pro,imported,subscribed,";
        case 2 -> id + ",," + "+3400000,Ana,Bad,pro,imported,,";
        default -> id + "," + id + "@example.com,,Ana,Bad,pro,imported;Not A List,,";
      };
    }
    String consent = i % 2 == 0 ? "subscribed,signup-form" : ",";
    return id + "," + id + "@example.com,,Ana,Row " + i + ",plan-" + (i % 3) + ",imported;" + (i % 5 == 0 ? "vip" : "weekly")
        + "," + consent;
  }

  private static byte[] file(String run, int rows) {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 1; i <= rows; i++) {
      csv.append(row(run, i)).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Line numbers in the file: the header is line 1, row i is line i + 1. */
  private static Map<Long, String> expectedErrors(int rows) {
    Map<Long, String> errors = new LinkedHashMap<>();
    for (int i = 33; i <= rows; i += 33) {
      errors.put((long) i + 1, BAD_FIELDS.get((i / 33 - 1) % 4));
    }
    return errors;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static JsonNode status(String importId) throws Exception {
    HttpResponse<String> response = api.admin("GET", "/v1/imports/" + importId, "", "application/json");
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private static JsonNode awaitCompleted(String importId, Duration timeout) throws Exception {
    JsonNode[] last = new JsonNode[1];
    boolean done = TestClouds.eventually(timeout, () -> {
      try {
        last[0] = status(importId);
        return last[0] != null && last[0].path("status").asText().equals("completed");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(done).as("import %s completed; last status %s", importId, last[0]).isTrue();
    return last[0];
  }

  private static boolean handled(String key) {
    return cloud.log().recent(10_000).stream()
        .anyMatch(e -> e.summary().equals("ContactImportFunction handled s3://" + bucket + "/" + key));
  }

  private static JsonNode contact(String id) throws Exception {
    HttpResponse<String> response = api.admin("GET", "/v1/contacts/" + id, "", "application/json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("contact");
  }

  @Test
  void goodRowsAreImportedBadRowsReportedByLineAndFieldAndAReUploadChangesNothing() throws Exception {
    byte[] csv = file("imp", ROWS);
    String importId = sha256(csv);
    Map<Long, String> expected = expectedErrors(ROWS);
    long started = System.nanoTime();

    s3.putObject(b -> b.bucket(bucket).key("imports/e2e/contacts.csv").contentType("text/csv"), RequestBody.fromBytes(csv));
    JsonNode done = awaitCompleted(importId, Duration.ofMinutes(10));
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("contact import: %d rows in %d ms (%.0f rows/s)%n", ROWS, millis, ROWS * 1000.0 / millis);

    assertThat(done.path("rows").asLong()).isEqualTo(ROWS);
    assertThat(done.path("failed").asLong()).isEqualTo(expected.size());
    assertThat(done.path("imported").asLong()).isEqualTo(ROWS - expected.size());
    assertThat(done.path("unchanged").asLong()).isZero();
    // The status API shows the first 100 errors, each with its line and field.
    Map<Long, String> shown = new LinkedHashMap<>();
    done.path("errors").forEach(e -> shown.put(e.path("line").asLong(), e.path("field").asText()));
    Map<Long, String> firstExpected = new LinkedHashMap<>();
    expected.entrySet().stream().limit(100).forEach(e -> firstExpected.put(e.getKey(), e.getValue()));
    assertThat(shown).isEqualTo(firstExpected);

    // The full report in the bucket, found as a client would find it.
    String reportKey = done.path("report").asText();
    assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("reports/")).contents()).extracting(S3Object::key)
        .contains(reportKey);
    List<String> report = s3.getObjectAsBytes(b -> b.bucket(bucket).key(reportKey)).asUtf8String().lines().toList();
    Map<Long, String> reported = new LinkedHashMap<>();
    report.stream().skip(1).forEach(line -> {
      String[] cells = line.split(",", 3);
      reported.put(Long.parseLong(cells[0]), cells[1]);
    });
    assertThat(report.get(0)).isEqualTo("line,field,message");
    assertThat(reported).isEqualTo(expected);

    // Good rows through the admin API: profile, lists, consent with its source; the bad ones absent.
    Map<String, String> updatedAt = new LinkedHashMap<>();
    for (int i = 1; i <= ROWS; i += Math.max(1, ROWS / 40)) {
      if (i % 33 == 0) {
        continue;
      }
      JsonNode c = contact("imp-" + i);
      assertThat(c.path("email").asText()).isEqualTo("imp-" + i + "@example.com");
      assertThat(c.path("attributes").path("lastName").asText()).isEqualTo("Row " + i);
      assertThat(c.path("lists")).extracting(JsonNode::asText).contains("imported", i % 5 == 0 ? "vip" : "weekly");
      if (i % 2 == 0) {
        assertThat(c.path("consent").path("email").path("status").asText()).isEqualTo("subscribed");
        assertThat(c.path("consent").path("email").path("source").asText()).isEqualTo("signup-form");
      } else {
        assertThat(c.path("consent").has("email")).isFalse();
      }
      updatedAt.put("imp-" + i, c.path("updatedAt").asText());
    }
    // Row 33's address was refused: no contact under its id.
    assertThat(api.admin("GET", "/v1/contacts/imp-33", "", "application/json").statusCode()).isEqualTo(404);

    // The same content again, under another key: the same import, nothing written. The first
    // import's events are counted by the events stream's consumer: let it finish first.
    cloud.awaitIdle(Duration.ofMinutes(1));
    var capacity = cloud.dynamo().capacity();
    capacity.reset();
    s3.putObject(b -> b.bucket(bucket).key("imports/e2e/contacts-again.csv"), RequestBody.fromBytes(csv));
    assertThat(TestClouds.eventually(Duration.ofMinutes(2), () -> handled("imports/e2e/contacts-again.csv"))).isTrue();
    String contactsTable = cloud.functions().find("ContactImportFunction").variables().get("CONTACTS_TABLE");
    String eventsTable = cloud.functions().find("ContactImportFunction").variables().get("EVENTS_TABLE");
    assertThat(capacity.writeUnits(contactsTable)).isZero();
    assertThat(capacity.writeUnits(eventsTable)).isZero();
    JsonNode again = status(importId);
    assertThat(again.path("imported").asLong()).isEqualTo(ROWS - expected.size());
    assertThat(again.path("finishedAt").asText()).isEqualTo(done.path("finishedAt").asText());
    for (var entry : updatedAt.entrySet()) {
      assertThat(contact(entry.getKey()).path("updatedAt").asText()).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void anImportCutOffAfterItsFirstBatchIsFinishedByTheFunctionsContinuation() throws Exception {
    int rows = 60;
    byte[] csv = file("cut", rows);
    String importId = sha256(csv);
    // A key the notification filter skips (.txt), so only this test's handler starts the import; it
    // runs out of time after one batch of 25 (as a 15-minute invocation would on a million rows) and leaves
    // its note under imports/.continue/, whose event runs the cloud's function to finish the import.
    String key = "imports/e2e/cut-off.txt";
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(csv));
    Map<String, String> vars = cloud.functions().find("ContactImportFunction").variables();
    try (DynamoDbClient ddb = TestClouds.client(DynamoDbClient.builder(), cloud);
        ContactImporter importer = new ContactImporter(new ContactService(
            new ContactRepository(ddb, vars.get("CONTACTS_TABLE")), new EventRepository(ddb, vars.get("EVENTS_TABLE")),
            Clock.systemUTC(), Duration.ofDays(400)), new ImportRecords(ddb, vars.get("WORKFLOWS_TABLE")), s3, bucket,
            Clock.systemUTC(), 4, 25)) {
      new ContactImportHandler(importer, s3, bucket, Duration.ZERO).handle(key, () -> true, Duration.ofMinutes(15));
    }

    JsonNode done = awaitCompleted(importId, Duration.ofMinutes(5));
    int bad = expectedErrors(rows).size();
    assertThat(done.path("rows").asLong()).isEqualTo(rows);
    assertThat(done.path("imported").asLong()).isEqualTo(rows - bad);
    // Rows before the checkpoint were not applied again: none counted unchanged.
    assertThat(done.path("unchanged").asLong()).isZero();
    assertThat(done.path("failed").asLong()).isEqualTo(bad);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () ->
        s3.listObjectsV2(b -> b.bucket(bucket).prefix(ContactImporter.CONTINUE_PREFIX)).contents().isEmpty())).isTrue();
    assertThat(contact("cut-" + rows).path("email").asText()).isEqualTo("cut-" + rows + "@example.com");
  }
}
