package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Erasure in the local cloud on the real template. A contact with everything Nudge can keep about
 * someone (an anonymous visit merged in, e-mail, phone, consent, a list, a date attribute, a
 * segment and its timer, events, a journey that sent an e-mail and an SMS, an open, a journey still
 * waiting) is erased with {@code DELETE /v1/contacts/{id}}; afterwards a scan of every DynamoDB
 * table of the stack finds nothing that carries the contact id, the anonymous id, the e-mail
 * address or the phone number, the journey's execution is stopped, a second DELETE is harmless, a
 * late click on the contact's e-mail writes nothing, and time passing sends the address nothing more.
 */
class ErasureEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTACT = "erasure-subject-7q";
  private static final String ANONYMOUS = "visitor-erasure-7q";
  private static final String EMAIL = "erasure.subject.7q@example.com";
  private static final String PHONE = "+34612000199";
  /** The number without its plus, so a reformatted copy is found too. */
  private static final List<String> NEEDLES = List.of(CONTACT, ANONYMOUS, EMAIL, PHONE.substring(1));

  private static final String WORKFLOW = """
      id: order-follow-up
      name: Order follow-up
      trigger: { event: order.placed }
      audience: { consent: email }
      steps:
        - id: receipt
          email: { template: welcome-1 }
        - id: text
          sms: { template: cart-sms }
        - id: opened
          waitFor: { event: email.opened, step: receipt, timeout: P1D }
        - id: review
          waitFor: { event: review.written, timeout: P30D }
        - id: thanks
          email: { template: welcome-2 }
        - id: tag
          update: { set: { reviewed: true }, removeFromLists: [vip] }
      """;
  private static final String BUYERS = """
      id: recent-buyers
      name: Ordered in the last 30 days
      when:
        event: { type: order.placed, within: P30D }
      """;

  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publish("order-follow-up", WORKFLOW);
    HttpResponse<String> segment = api.admin("PUT", "/v1/segments/recent-buyers", BUYERS, "application/yaml");
    assertThat(segment.statusCode()).as(segment.body()).isIn(200, 201);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void erasureLeavesNoTraceOfTheContactInAnyTableStopsTheirJourneyAndIsHarmlessToRepeat() throws Exception {
    String executionArn = aContactWithEverythingAndAJourneyStillWaiting();
    assertThat(rowsNaming()).as("before erasure, the scan finds the contact").isNotEmpty();

    HttpResponse<String> erased = api.admin("DELETE", "/v1/contacts/" + CONTACT, "", "application/json");
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    assertThat(erased.body()).doesNotContain(EMAIL).doesNotContain(PHONE);
    settle();

    assertThat(rowsNaming()).as("rows naming the contact after erasure").isEmpty();
    assertThat(status(executionArn)).as("the journey's execution").isEqualTo(ExecutionStatus.ABORTED);

    HttpResponse<String> again = api.admin("DELETE", "/v1/contacts/" + CONTACT, "", "application/json");
    assertThat(again.statusCode()).as("a second DELETE: nothing left to erase").isEqualTo(404);
    assertThat(api.admin("GET", "/v1/contacts/" + CONTACT, "", "application/json").statusCode()).isEqualTo(404);

    // The erased contact's e-mail clicked later: SES's event names the contact, Nudge writes nothing.
    ok(api.post("/_local/outbox/" + emails().get(0).id() + "/click"));
    settle();
    assertThat(rowsNaming()).as("rows naming the contact after a late click").isEmpty();

    int sent = messagesTo().size();
    cloud.clock().advance(Duration.ofDays(31));
    settle();
    cloud.clock().advance(Duration.ofDays(31));
    settle();
    assertThat(messagesTo()).as("nothing more sent to the address or number").hasSize(sent);
    assertThat(rowsNaming()).as("rows naming the contact once time has passed").isEmpty();
  }

  /** Returns the journey's execution ARN once it waits for the review, after its e-mail, SMS and an open. */
  private static String aContactWithEverythingAndAJourneyStillWaiting() throws Exception {
    ok(api.signed("/v1/track", "{\"id\":\"visit-1\",\"type\":\"page.viewed\",\"anonymousId\":\"" + ANONYMOUS
        + "\",\"properties\":{\"path\":\"/pricing\"}}"));
    ok(api.signed("/v1/identify", "{\"contactId\":\"" + CONTACT + "\",\"anonymousId\":\"" + ANONYMOUS
        + "\",\"email\":\"" + EMAIL + "\",\"phone\":\"" + PHONE + "\","
        + "\"attributes\":{\"firstName\":\"Erin\",\"birthday\":\"1990-05-17\"},\"lists\":{\"add\":[\"vip\"]},"
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"},\"sms\":{\"status\":\"subscribed\"}}}"));
    ok(api.signed("/v1/track", "{\"id\":\"order-1\",\"type\":\"order.placed\",\"contactId\":\"" + CONTACT
        + "\",\"properties\":{\"total\":42}}"));

    assertThat(TestClouds.eventually(Duration.ofSeconds(60), () -> emails().size() == 1 && sms().size() == 1))
        .as("the journey's e-mail and SMS").isTrue();
    cloud.clock().advance(Duration.ofMinutes(1)); // a person opens a while after delivery
    ok(api.post("/_local/outbox/" + emails().get(0).id() + "/open"));
    assertThat(TestClouds.eventually(Duration.ofSeconds(60), () -> "review".equals(journey().path("currentStep").asText())))
        .as("the journey resumed by the open and waiting for a review").isTrue();
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> members().contains(CONTACT)))
        .as("in the segment").isTrue();
    JsonNode contact = JSON.readTree(api.admin("GET", "/v1/contacts/" + CONTACT, "", "application/json").body());
    assertThat(contact.path("contact").path("mergedIds").toString()).contains(ANONYMOUS);
    assertThat(contact.path("contact").path("lists").toString()).contains("vip");
    assertThat(contact.path("timeline").toString()).contains("email.opened");
    String arn = journey().path("executionArn").asText();
    assertThat(status(arn)).isEqualTo(ExecutionStatus.RUNNING);
    return arn;
  }

  /**
   * Every item of every table in the local DynamoDB whose keys, attribute names or values (nested
   * in maps, lists and sets) contain the contact id, the anonymous id, the e-mail or the phone.
   */
  private static List<String> rowsNaming() {
    List<String> found = new ArrayList<>();
    try (DynamoDbClient ddb = TestClouds.client(DynamoDbClient.builder(), cloud)) {
      List<String> tables = new ArrayList<>();
      ddb.listTablesPaginator(b -> { }).tableNames().forEach(tables::add);
      assertThat(tables).as("the stack's tables").hasSizeGreaterThanOrEqualTo(8);
      for (String table : tables) {
        Map<String, AttributeValue> start = null;
        do {
          Map<String, AttributeValue> from = start;
          ScanResponse page = ddb.scan(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from));
          for (Map<String, AttributeValue> item : page.items()) {
            if (names(AttributeValue.fromM(item))) {
              found.add(table + ": " + item.keySet());
            }
          }
          start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
      }
    }
    return found;
  }

  private static boolean names(AttributeValue value) {
    if (value.s() != null) {
      return names(value.s());
    }
    if (value.n() != null) {
      return names(value.n());
    }
    if (value.b() != null) {
      return names(value.b().asUtf8String());
    }
    if (value.hasSs()) {
      return value.ss().stream().anyMatch(ErasureEndToEndTest::names);
    }
    if (value.hasNs()) {
      return value.ns().stream().anyMatch(ErasureEndToEndTest::names);
    }
    if (value.hasBs()) {
      return value.bs().stream().anyMatch(b -> names(b.asUtf8String()));
    }
    if (value.hasL()) {
      return value.l().stream().anyMatch(ErasureEndToEndTest::names);
    }
    if (value.hasM()) {
      return value.m().entrySet().stream().anyMatch(e -> names(e.getKey()) || names(e.getValue()));
    }
    return false;
  }

  private static boolean names(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return NEEDLES.stream().anyMatch(needle -> lower.contains(needle.toLowerCase(Locale.ROOT)));
  }

  private static ExecutionStatus status(String executionArn) {
    try (SfnClient sfn = TestClouds.client(SfnClient.builder(), cloud)) {
      return sfn.describeExecution(b -> b.executionArn(executionArn)).status();
    }
  }

  /** The streams, the rule invocations and the state machines done with what was just written. */
  private static void settle() throws InterruptedException {
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
    Thread.sleep(500);
  }

  private static JsonNode journey() {
    try {
      return JSON.readTree(api.admin("GET", "/v1/contacts/" + CONTACT, "", "application/json").body())
          .path("journeys").path(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> members() {
    try {
      List<String> ids = new ArrayList<>();
      JSON.readTree(api.admin("GET", "/v1/segments/recent-buyers?limit=1000", "", "application/json").body())
          .path("members").forEach(m -> ids.add(m.asText()));
      return ids;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Outbox.Message> emails() {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("email") && m.to().contains(EMAIL)).toList();
  }

  private static List<Outbox.Message> sms() {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("sms") && m.to().contains(PHONE)).toList();
  }

  private static List<Outbox.Message> messagesTo() {
    return cloud.outbox().all().stream().filter(m -> m.to().contains(EMAIL) || m.to().contains(PHONE)).toList();
  }

  private static void ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
