package dev.nudge.contacts.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.platform.Json;
import dev.nudge.testing.CountingDynamoDb;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.SamTemplate;
import dev.nudge.testing.TemplateTables;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * ContactImportFunction's and ImportsAdminFunction's policies in template.yaml allow every DynamoDB
 * call the import makes (recorded from real runs against DynamoDB Local: rows created, changed and
 * unchanged, errors, checkpoints, the lease and the report's read), and nothing grants a wildcard.
 * The S3 side is proven by the local cloud's end-to-end test, which reads and writes only the keys
 * the policy names.
 */
class ImportLeastPrivilegeTest {
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final String contactsTable = TemplateTables.create(ddb, "ContactsTable");
  private final String eventsTable = TemplateTables.create(ddb, "EventsTable");
  private final String workflowsTable = TemplateTables.create(ddb, "WorkflowsTable");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private String logical(String permission) {
    return permission.replace(contactsTable, "ContactsTable").replace(eventsTable, "EventsTable")
        .replace(workflowsTable, "WorkflowsTable");
  }

  private static Set<String> granted(String function) {
    Set<String> grants = new HashSet<>();
    for (JsonNode policy : SamTemplate.load().resource(function).path("Properties").path("Policies")) {
      for (JsonNode statement : policy.path("Statement")) {
        JsonNode actions = statement.path("Action");
        JsonNode resources = statement.path("Resource");
        for (JsonNode action : actions.isArray() ? actions : List.of(actions)) {
          for (JsonNode resource : resources.isArray() ? resources : List.of(resources)) {
            grants.add(action.asText() + " " + resource.asText().replace("${", "").replace(".Arn}", "").replace(".Arn", ""));
          }
        }
      }
    }
    return grants;
  }

  private void assertGranted(String function, CountingDynamoDb calls) {
    Set<String> missing = new TreeSet<>();
    for (String permission : calls.permissions()) {
      if (!granted(function).contains(logical(permission))) {
        missing.add(logical(permission));
      }
    }
    assertThat(calls.permissions()).isNotEmpty();
    assertThat(missing).as("calls of %s that its policy does not allow", function).isEmpty();
  }

  @Test
  void contactImportFunctionsPolicyCoversRowsRecordsAndErrors() {
    CountingDynamoDb calls = new CountingDynamoDb();
    DynamoDbClient client = calls.client();
    RowApplier rows = new RowApplier(new ContactService(new ContactRepository(client, contactsTable),
        new EventRepository(client, eventsTable), clock, Duration.ofDays(400)));
    RowParser parser = RowParser.forHeader(List.of("contactId", "email", "phone", "lists", "consent.email",
        "consent.source", "attributes.plan"), new ImportOptions(null, null));
    assertThat(rows.apply(parser.parse(2, List.of("c1", "c1@example.com", "+34612345678", "a;b", "subscribed", "form", "pro"))
        .command())).isTrue();
    assertThat(rows.apply(parser.parse(3, List.of("c1", "c1@example.com", "+34612345678", "a;b", "subscribed", "form", "pro"))
        .command())).isFalse();
    assertThat(rows.apply(parser.parse(4, List.of("", "c2@example.com", "", "a", "unsubscribed", "", "basic"))
        .command())).isTrue();
    ImportRecords records = new ImportRecords(client, workflowsTable);
    String id = "a".repeat(64);
    records.create(id, "imports/x.csv", clock.instant());
    assertThat(records.lease(id, "me", clock.instant(), clock.instant().plusSeconds(900))).isTrue();
    records.putErrors(id, List.of(new RowError(5, "email", "bad")));
    ImportStatus status = records.find(id).orElseThrow().plus(2, 1, 1, 5);
    records.checkpoint(status, "nudge", true);
    records.forEachError(id, Long.MAX_VALUE, e -> { });
    records.finish(status, "nudge", ImportStatus.COMPLETED, "reports/" + id + ".csv", clock.instant());

    assertGranted("ContactImportFunction", calls);
  }

  @Test
  void importsAdminFunctionsPolicyCoversTheStatusRoute() {
    String id = "b".repeat(64);
    ImportRecords seed = new ImportRecords(ddb, workflowsTable);
    seed.create(id, "imports/y.csv", clock.instant());
    seed.putErrors(id, List.of(new RowError(3, "phone", "bad")));
    CountingDynamoDb calls = new CountingDynamoDb();
    ImportsAdminHandler handler = new ImportsAdminHandler(new ImportRecords(calls.client(), workflowsTable));

    var response = handler.handle(new dev.nudge.platform.HttpRequest("GET /v1/imports/{id}", "GET", "/v1/imports/" + id,
        Map.of(), Map.of("id", id), Map.of(), new byte[0], "localhost"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.parseBody(response.body().getBytes()).path("errors").get(0).path("field").asText()).isEqualTo("phone");
    assertGranted("ImportsAdminFunction", calls);
  }

  @Test
  void theStatusRouteRefusesAnIdThatIsNotASha256() {
    var response = new ImportsAdminHandler(new ImportRecords(ddb, workflowsTable)).handle(new dev.nudge.platform.HttpRequest(
        "GET /v1/imports/{id}", "GET", "/v1/imports/nope", Map.of(), Map.of("id", "nope"), Map.of(), new byte[0], "localhost"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"id\"");
  }

  @Test
  void noImportPolicyGrantsAWildcardAction() {
    for (String function : Set.of("ContactImportFunction", "ImportsAdminFunction")) {
      assertThat(granted(function)).isNotEmpty().noneMatch(g -> g.substring(0, g.indexOf(' ')).contains("*"));
    }
  }
}
