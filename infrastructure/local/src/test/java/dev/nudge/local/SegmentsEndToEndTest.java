package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dynamic segments in the local cloud on the real template, on the virtual clock: membership kept
 * by ContactStateFunction from the events stream and by ContactTimersFunction when time alone
 * changes it; {@code segment.entered} starts workflows like any event.
 */
class SegmentsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BEST = """
      id: best-customers
      name: Best customers (3+ orders in 180 days)
      when:
        event: { type: order.completed, within: P180D, count: { gte: 3 } }
      """;
  private static final String LAPSED = """
      id: lapsed
      name: No order for 90 days
      when:
        all:
          - event: { type: order.completed }
          - not: { event: { type: order.completed, within: P90D } }
      """;
  private static final String LOYALTY = """
      id: loyalty-reward
      name: Reward best customers
      trigger: { segment: best-customers }
      steps:
        - id: to-vip
          update: { addToLists: [vip] }
      """;
  private static final String WIN_BACK = """
      id: win-back-lapsed
      name: Win back lapsed customers
      trigger:
        event: segment.entered
        where: { properties.segment: lapsed }
      exit:
        - event: segment.exited
          where: { properties.segment: lapsed }
      steps:
        - id: mark
          update: { addToLists: [win-back] }
      """;
  private static final String NEWSLETTER_WELCOME = """
      id: newsletter-welcome
      name: Welcome to the newsletter list
      trigger: { list: newsletter }
      steps:
        - id: mark
          update: { addToLists: [welcomed] }
      """;
  private static final String BIG_SPENDERS = """
      id: big-spenders
      name: Spent over 500 in a year
      when:
        event: { type: order.completed, within: P365D, sum: { of: properties.total, gte: 500 } }
      """;
  private static final String THANK_BIG_SPENDERS = """
      id: thank-big-spenders
      name: Thank big spenders
      trigger: { segment: big-spenders }
      steps:
        - id: mark
          update: { addToLists: [thanked] }
      """;
  private static final String START_TRIAL = """
      id: start-trial
      name: Put trial starters on the trial list
      trigger: { event: trial.started }
      steps:
        - id: to-trial
          update: { addToLists: [trial] }
      """;
  private static final String TRIAL_WELCOME = """
      id: trial-welcome
      name: Welcome to the trial list
      trigger: { list: trial }
      steps:
        - id: mark
          update: { addToLists: [trial-welcomed] }
      """;
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    bucketsSinceLongAgo();
    put("/v1/segments/best-customers", BEST);
    put("/v1/segments/lapsed", LAPSED);
    publish("loyalty-reward", LOYALTY);
    publish("win-back-lapsed", WIN_BACK);
    publish("newsletter-welcome", NEWSLETTER_WELCOME);
    publish("thank-big-spenders", THANK_BIG_SPENDERS);
    publish("start-trial", START_TRIAL);
    publish("trial-welcome", TRIAL_WELCOME);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aThirdOrderWithin180DaysEntersBestCustomersAndSegmentEnteredStartsTheRewardJourney() throws Exception {
    identify("loyal");
    order("loyal", 1);
    advance(Duration.ofDays(20));
    order("loyal", 2);
    advance(Duration.ofDays(20));
    assertThat(members("best-customers")).doesNotContain("loyal");
    order("loyal", 3);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.lists("loyal").contains("vip")))
        .as("segment.entered started the reward journey").isTrue();
    assertThat(members("best-customers")).contains("loyal");
    JsonNode listed = JSON.readTree(api.admin("GET", "/v1/segments", "", "application/json").body());
    assertThat(listed.path("segments")).anySatisfy(s -> {
      assertThat(s.path("id").asText()).isEqualTo("best-customers");
      assertThat(s.path("size").asLong()).isGreaterThanOrEqualTo(1);
    });
  }

  @Test
  void ninetyDaysWithoutAnOrderEntersLapsedWithNoEventAndANewOrderRemovesThem() throws Exception {
    identify("drifter");
    order("drifter", 1);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.timeline("drifter").contains("order.completed"))).isTrue();
    advance(Duration.ofDays(89));
    assertThat(members("lapsed")).doesNotContain("drifter");

    advance(Duration.ofDays(1).plusMinutes(10));
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.lists("drifter").contains("win-back")))
        .as("the timer entered them into lapsed, and segment.entered started the win-back").isTrue();
    assertThat(members("lapsed")).contains("drifter");

    order("drifter", 2);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> !members("lapsed").contains("drifter")))
        .as("a new order removes them").isTrue();
    assertThat(api.timeline("drifter")).contains("segment.exited");
  }

  @Test
  void everyOrderIsCountedOnceInTheContactsDayBucketWhichTheWindowsRead() throws Exception {
    identify("bucketed");
    order("bucketed", 1, 30);
    order("bucketed", 2, 12);
    order("bucketed", 2, 12); // a retried request: one event, one count
    String contacts = cloud.tables().stream().filter(t -> t.logicalId().equals("ContactsTable")).findFirst()
        .orElseThrow().name();
    String day = java.time.LocalDate.ofInstant(cloud.clock().instant(), java.time.ZoneOffset.UTC).toString();
    try (var ddb = TestClouds.client(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder(), cloud)) {
      var key = java.util.Map.of(
          "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("W#bucketed"),
          "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("order.completed#" + day));
      assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> {
        var item = ddb.getItem(b -> b.tableName(contacts).key(key).consistentRead(true)).item();
        return item != null && item.containsKey("count") && item.get("count").n().equals("2");
      })).as("ContactStateFunction counted both orders in today's bucket").isTrue();
      var item = ddb.getItem(b -> b.tableName(contacts).key(key).consistentRead(true)).item();
      assertThat(item.get("s.total").n()).isEqualTo("42");
      assertThat(Long.parseLong(item.get("expiresAt").n())).as("TTL'd past the 400-day retention")
          .isGreaterThan(cloud.clock().instant().plus(Duration.ofDays(400)).getEpochSecond());
    }
  }

  @Test
  void addingContactsToAListThroughTheApiStartsTheListTriggeredWorkflowOnce() throws Exception {
    identify("subscriber");
    String body = "{\"add\":[\"subscriber\"]}";
    HttpResponse<String> added = api.admin("POST", "/v1/lists/newsletter/members", body, "application/json");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
    assertThat(JSON.readTree(added.body()).path("results").get(0).path("result").asText()).isEqualTo("joined");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.lists("subscriber").contains("welcomed")))
        .as("list.joined started the list-triggered workflow").isTrue();
    HttpResponse<String> again = api.admin("POST", "/v1/lists/newsletter/members", body, "application/json");
    assertThat(JSON.readTree(again.body()).path("results").get(0).path("result").asText()).isEqualTo("unchanged");
    assertThat(joined("subscriber", "newsletter")).isEqualTo(1);
  }

  @Test
  void savingASegmentOverExistingContactsEntersTheMatchingOnesAndSegmentEnteredStartsTheirWorkflow() throws Exception {
    identify("big-buyer");
    order("big-buyer", 1, 600);
    identify("small-buyer");
    order("small-buyer", 1, 120);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.timeline("big-buyer").contains("order.completed")
        && api.timeline("small-buyer").contains("order.completed"))).isTrue();
    Thread.sleep(1500); // the events-stream consumer takes the orders before the segment exists

    put("/v1/segments/big-spenders", BIG_SPENDERS);

    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.lists("big-buyer").contains("thanked")))
        .as("the re-evaluation entered them, and segment.entered started the workflow").isTrue();
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> "finished".equals(evaluation("big-spenders")
        .path("state").asText()))).as("the run finished").isTrue();
    assertThat(evaluation("big-spenders").path("contactsEvaluated").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(members("big-spenders")).contains("big-buyer").doesNotContain("small-buyer");
    assertThat(api.lists("small-buyer")).doesNotContain("thanked");
    List<JsonNode> entered = new ArrayList<>();
    api.contact("big-buyer").path("timeline").forEach(e -> {
      if (e.path("type").asText().equals("segment.entered")) {
        entered.add(e);
      }
    });
    assertThat(entered).singleElement().satisfies(e ->
        assertThat(e.path("properties").path("cause").asText()).as("entered by the re-evaluation").isEqualTo("evaluation-v1"));
  }

  /** How many list.joined events name {@code list} in the contact's timeline. */
  private static long joined(String contact, String list) {
    List<JsonNode> events = new ArrayList<>();
    api.contact(contact).path("timeline").forEach(events::add);
    return events.stream().filter(e -> e.path("type").asText().equals("list.joined")
        && e.path("properties").path("list").asText().equals(list)).count();
  }

  private static JsonNode evaluation(String segment) {
    try {
      return JSON.readTree(api.admin("GET", "/v1/segments/" + segment, "", "application/json").body()).path("evaluation");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anUpdateStepAddingAListStartsTheListTriggeredWorkflowOnce() throws Exception {
    identify("trialist");
    HttpResponse<String> tracked = api.signed("/v1/track",
        "{\"id\":\"trialist-trial\",\"type\":\"trial.started\",\"contactId\":\"trialist\"}");
    assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);

    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.lists("trialist").contains("trial-welcomed")))
        .as("the update step's list.joined started the list-triggered workflow").isTrue();
    assertThat(joined("trialist", "trial")).isEqualTo(1);
    assertThat(joined("trialist", "trial-welcomed")).isEqualTo(1);
  }

  @Test
  void erasingAContactRemovesThemFromTheirSegments() throws Exception {
    identify("to-erase");
    for (int n = 1; n <= 3; n++) {
      order("to-erase", n);
    }
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> members("best-customers").contains("to-erase"))).isTrue();
    HttpResponse<String> erased = api.admin("DELETE", "/v1/contacts/to-erase", "", "application/json");
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    assertThat(members("best-customers")).doesNotContain("to-erase");
  }

  @Test
  void anInvalidSegmentIsRefusedWithTheFieldNamed() throws Exception {
    HttpResponse<String> refused = api.admin("PUT", "/v1/segments/broken",
        "id: broken\nname: Broken\nwhen: { score: { between: 3 } }\n", "application/yaml");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("error").path("field").asText()).startsWith("/when/score");
    assertThat(api.admin("GET", "/v1/segments/broken", "", "application/json").statusCode()).isEqualTo(404);
  }

  /**
   * The windows read the day buckets only for contacts whose first event of the type came 15
   * minutes after the deployment's first bucket write (events an older version stored have none;
   * docs/data-model.md, "Day buckets"): on this frozen clock every contact here is that early. As
   * a stack counting since long before them, so that the windows below read the buckets.
   */
  private static void bucketsSinceLongAgo() {
    String contacts = cloud.tables().stream().filter(t -> t.logicalId().equals("ContactsTable")).findFirst()
        .orElseThrow().name();
    try (var ddb = TestClouds.client(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder(), cloud)) {
      ddb.putItem(b -> b.tableName(contacts).item(java.util.Map.of(
          "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("W#"),
          "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SINCE"),
          "since", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("2000-01-01T00:00:00.000Z"))));
    }
  }

  private static void put(String path, String body) throws Exception {
    HttpResponse<String> response = api.admin("PUT", path, body, "application/yaml");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void publish(String id, String definition) throws Exception {
    api.publish(id, definition);
  }

  private static void identify(String contact) throws Exception {
    assertThat(api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact + "@example.com\"}")
        .statusCode()).isEqualTo(200);
  }

  private static void order(String contact, int n) throws Exception {
    order(contact, n, 80);
  }

  private static void order(String contact, int n, int total) throws Exception {
    HttpResponse<String> response = api.signed("/v1/track", "{\"id\":\"" + contact + "-order-" + n
        + "\",\"type\":\"order.completed\",\"contactId\":\"" + contact + "\",\"properties\":{\"total\":" + total + "}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void advance(Duration duration) throws Exception {
    Thread.sleep(1500); // the stream consumers take what was tracked before the clock jumps
    cloud.clock().advance(duration);
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
  }

  private static List<String> members(String segment) {
    try {
      List<String> ids = new ArrayList<>();
      JSON.readTree(api.admin("GET", "/v1/segments/" + segment + "?limit=1000", "", "application/json").body())
          .path("members").forEach(m -> ids.add(m.asText()));
      return ids;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
