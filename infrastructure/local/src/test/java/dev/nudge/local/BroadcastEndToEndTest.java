package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broadcast in the local cloud on the real template: the members of a segment each get the
 * workflow's e-mail exactly once (counted in the outbox), through BroadcastStateMachine's pages.
 */
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
