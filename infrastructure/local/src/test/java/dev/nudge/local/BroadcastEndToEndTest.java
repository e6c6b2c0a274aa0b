package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A broadcast in the local cloud on the real template: the members of a segment each get the
 * workflow's e-mail exactly once (counted in the outbox), through BroadcastStateMachine's pages;
 * a scheduled broadcast to a list, narrowed by a where filter, reaches exactly its matching members.
 *
 * <p>Ordered: the segment test waits for its segment to hold exactly its own contacts, and the list
 * test's contacts (subscribed too, so they may be e-mailed) would join that segment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BroadcastEndToEndTest {
  private static final int CONTACTS = 150;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    HttpResponse<String> segment = api.admin("PUT", "/v1/segments/newsletter-readers",
        "id: newsletter-readers\nname: Newsletter readers\nwhen: { consent: email }\n", "application/yaml");
    assertThat(segment.statusCode()).as(segment.body()).isEqualTo(200);
    String workflow = """
        id: product-news
        name: Product news
        trigger: { api: true }
        steps:
          - id: news
            email: { template: cart-reminder }
        """;
    api.publish("product-news", workflow);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static Set<String> newsRecipients() {
    return cloud.outbox().all().stream()
        .filter(m -> m.channel().equals("email") && m.tags().getOrDefault("workflow", java.util.List.of()).contains("product-news"))
        .flatMap(m -> m.to().stream()).collect(Collectors.toSet());
  }

  private static long newsCount() {
    return cloud.outbox().all().stream()
        .filter(m -> m.channel().equals("email") && m.tags().getOrDefault("workflow", java.util.List.of()).contains("product-news"))
        .count();
  }

  @Test
  @Order(1)
  void everyMemberOfTheSegmentGetsTheBroadcastExactlyOnce() throws Exception {
    for (int i = 0; i < CONTACTS; i++) {
      String id = String.format("reader-%04d", i);
      HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"" + id + "\",\"email\":\"" + id
          + "@example.com\",\"timezone\":\"UTC\",\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
      assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
    }
    assertThat(TestClouds.eventually(Duration.ofSeconds(60), () -> size() == CONTACTS)).as("segment size").isTrue();

    String body = "{\"id\":\"launch-1\",\"segment\":\"newsletter-readers\",\"data\":{\"product\":\"Nudge 2\"}}";
    HttpResponse<String> started = api.admin("POST", "/v1/workflows/product-news/broadcast", body, "application/json");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    HttpResponse<String> repeated = api.admin("POST", "/v1/workflows/product-news/broadcast", body, "application/json");
    assertThat(repeated.statusCode()).as(repeated.body()).isEqualTo(200);

    for (int i = 0; i < 240 && !run().path("status").asText().equals("finished"); i++) {
      cloud.clock().advance(Duration.ofSeconds(30)); // the pacing waits, on the virtual clock
      Thread.sleep(500);
    }
    JsonNode run = run();
    assertThat(run.path("status").asText()).isEqualTo("finished");
    assertThat(run.path("reached").asInt()).isEqualTo(CONTACTS);
    assertThat(run.path("pages").asInt()).isEqualTo(2);
    assertThat(TestClouds.eventually(Duration.ofSeconds(60), () -> newsCount() >= CONTACTS)).isTrue();
    Thread.sleep(1000);
    assertThat(newsCount()).as("e-mails").isEqualTo(CONTACTS);
    assertThat(newsRecipients()).hasSize(CONTACTS);
  }

  private static Map<String, Long> recipientsOf(String workflow) {
    return cloud.outbox().all().stream()
        .filter(m -> m.channel().equals("email") && m.tags().getOrDefault("workflow", List.of()).contains(workflow))
        .flatMap(m -> m.to().stream()).collect(Collectors.groupingBy(to -> to, Collectors.counting()));
  }

  private static JsonNode runOf(String workflow, String run) throws Exception {
    return JSON.readTree(api.admin("GET", "/v1/workflows/" + workflow + "/broadcasts/" + run, "", "application/json").body());
  }

  @Test
  @Order(2)
  void aScheduledBroadcastToAListWithAWhereReachesExactlyTheMatchingMembersOnce() throws Exception {
    int members = 30;
    for (int i = 0; i < members; i++) {
      String id = String.format("customer-%04d", i);
      HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"" + id + "\",\"email\":\"" + id
          + "@example.com\",\"timezone\":\"UTC\",\"consent\":{\"email\":{\"status\":\"subscribed\"}},"
          + "\"attributes\":{\"plan\":\"" + (i % 3 == 0 ? "pro" : "free") + "\"},\"lists\":{\"add\":[\"customers\"]}}");
      assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
    }
    // On the pro plan and subscribed, but not in the list: the filter narrows the list, it does not widen it.
    HttpResponse<String> outsider = api.signed("/v1/identify", "{\"contactId\":\"outsider\",\"email\":"
        + "\"outsider@example.com\",\"consent\":{\"email\":{\"status\":\"subscribed\"}},\"attributes\":{\"plan\":\"pro\"}}");
    assertThat(outsider.statusCode()).as(outsider.body()).isEqualTo(200);

    Instant occurrence = cloud.clock().instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
    var at = occurrence.atZone(ZoneOffset.UTC);
    api.publish("pro-digest", """
        id: pro-digest
        name: Pro digest
        trigger:
          schedule: "cron(%d %d * * ? *)"
          list: customers
          where: { attributes.plan: pro }
        steps:
          - id: digest
            email: { template: cart-reminder }
        """.formatted(at.getMinute(), at.getHour()));
    String run = "schedule-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC).format(occurrence);

    // Past the occurrence: the next firing of the 5-minute rule starts the run; then its pacing waits.
    cloud.clock().advance(Duration.ofMinutes(16));
    for (int i = 0; i < 240 && !runOf("pro-digest", run).path("status").asText().equals("finished"); i++) {
      cloud.clock().advance(Duration.ofSeconds(30));
      Thread.sleep(500);
    }
    JsonNode record = runOf("pro-digest", run);
    assertThat(record.path("status").asText()).as(record.toString()).isEqualTo("finished");
    assertThat(record.path("list").asText()).isEqualTo("customers");
    assertThat(record.path("where").path("attributes.plan").path("eq").asText()).isEqualTo("pro");
    assertThat(record.path("reached").asInt()).isEqualTo(members / 3);
    assertThat(record.path("skippedBy").path("filtered").asInt()).isEqualTo(members - members / 3);
    Set<String> pro = java.util.stream.IntStream.range(0, members).filter(i -> i % 3 == 0)
        .mapToObj(i -> String.format("customer-%04d@example.com", i)).collect(Collectors.toSet());
    assertThat(TestClouds.eventually(Duration.ofSeconds(60), () -> recipientsOf("pro-digest").size() >= pro.size())).isTrue();

    // The run's only page runs again, as a Task retry would run it: nobody is started twice.
    var page = JSON.createObjectNode().put("workflow", "pro-digest").put("run", run).put("list", "customers").put("page", 0);
    page.putNull("cursor");
    page.set("where", record.path("where"));
    page.putObject("data");
    JsonNode again = cloud.functions().invokeJson(cloud.functions().find("BroadcastFunction"), page);
    assertThat(again.path("done").asBoolean()).isTrue();
    Thread.sleep(1000); // anything the second attempt started would be out by now
    assertThat(runOf("pro-digest", run).path("reached").asInt()).isEqualTo(members / 3);
    Map<String, Long> recipients = recipientsOf("pro-digest");
    assertThat(recipients.keySet()).isEqualTo(pro);
    assertThat(recipients.values()).allMatch(count -> count == 1);
  }

  private static long size() {
    try {
      return JSON.readTree(api.admin("GET", "/v1/segments/newsletter-readers?limit=1", "", "application/json").body())
          .path("size").asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  private static JsonNode run() throws Exception {
    return JSON.readTree(api.admin("GET", "/v1/workflows/product-news/broadcasts/launch-1", "", "application/json").body());
  }
}
