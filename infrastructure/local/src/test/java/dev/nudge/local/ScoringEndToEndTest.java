package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lead scoring in the local cloud on the real template: rules published through the admin API,
 * applied by ContactStateFunction from the events stream, and {@code score.crossed} starting a
 * workflow like any event.
 */
class ScoringEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = """
      halfLife: P30D
      thresholds:
        - { name: MQL, score: 40 }
      rules:
        - id: pricing-page
          event: page.viewed
          where: { properties.path: /pricing }
          points: 5
          cap: { points: 15, per: P1D }
        - id: whitepaper
          event: whitepaper.downloaded
          points: 10
        - id: webinar
          event: webinar.attended
          points: 20
      """;
  private static final String HANDOFF = """
      id: mql-handoff
      name: Hand marketing-qualified leads to sales
      trigger:
        event: score.crossed
        where:
          properties.threshold: MQL
          properties.direction: up
      steps:
        - id: to-sales
          update: { addToLists: [mql] }
      """;
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    HttpResponse<String> scoring = api.admin("PUT", "/v1/scoring", RULES, "application/yaml");
    assertThat(scoring.statusCode()).as(scoring.body()).isEqualTo(200);
    api.publish("mql-handoff", HANDOFF);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aLeadsPageViewsDownloadAndWebinarCrossMqlAndScoreCrossedStartsTheHandoff() throws Exception {
    assertThat(api.signed("/v1/identify", "{\"contactId\":\"lead-1\",\"email\":\"lead-1@example.com\"}").statusCode())
        .isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      track("lead-1", "view-" + i, "page.viewed", "{\"path\":\"/pricing\"}");
    }
    track("lead-1", "paper", "whitepaper.downloaded", "{}");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> score("lead-1") == 25))
        .as("five pricing views capped at 15, plus 10 for the whitepaper").isTrue();
    assertThat(lists("lead-1")).doesNotContain("mql");

    track("lead-1", "webinar", "webinar.attended", "{}");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> lists("lead-1").contains("mql")))
        .as("score.crossed MQL started the handoff, which added the lead to the mql list").isTrue();
    assertThat(score("lead-1")).isEqualTo(45);

    // Idle for a half-life: the timer armed with the last score fires on the schedule, no event needed.
    cloud.clock().advance(Duration.ofDays(30));
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> timeline("lead-1").stream()
        .anyMatch(e -> e.path("type").asText().equals("score.crossed")
            && e.path("properties").path("direction").asText().equals("down"))))
        .as("score.crossed down from decay alone").isTrue();
    assertThat(score("lead-1")).isEqualTo(23);
  }

  private static java.util.List<JsonNode> timeline(String id) {
    try {
      java.util.List<JsonNode> events = new java.util.ArrayList<>();
      JSON.readTree(api.admin("GET", "/v1/contacts/" + id, "", "application/json").body()).path("timeline")
          .forEach(events::add);
      return events;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void invalidRulesAreRefusedAndThePublishedOnesStay() throws Exception {
    HttpResponse<String> refused = api.admin("PUT", "/v1/scoring", "rules: [{ id: x, event: score.changed, points: 1 }]",
        "application/yaml");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("error").path("field").asText()).isEqualTo("/rules/0/event");
    JsonNode current = JSON.readTree(api.admin("GET", "/v1/scoring", "", "application/json").body());
    assertThat(current.path("definition").asText()).isEqualTo(RULES);
  }

  private static void track(String contact, String id, String type, String properties) throws Exception {
    HttpResponse<String> response = api.signed("/v1/track", "{\"id\":\"" + id + "\",\"type\":\"" + type
        + "\",\"contactId\":\"" + contact + "\",\"properties\":" + properties + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static JsonNode contact(String id) {
    try {
      return JSON.readTree(api.admin("GET", "/v1/contacts/" + id, "", "application/json").body()).path("contact");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long score(String id) {
    return contact(id).path("leadScore").asLong();
  }

  private static java.util.List<String> lists(String id) {
    java.util.List<String> lists = new java.util.ArrayList<>();
    contact(id).path("lists").forEach(l -> lists.add(l.asText()));
    return lists;
  }
}
