package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.platform.Json;
import dev.nudge.workflows.Problem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

public class ScoringRulesTest {
  public static final String RULES = """
      halfLife: P30D
      thresholds:
        - { name: MQL, score: 50 }
        - { name: SQL, score: 100 }
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
        - id: unsubscribed
          event: contact.unsubscribed
          points: -20
      """;

  private static List<String> paths(String text) {
    return ScoringRules.parse(text).problems().stream().map(Problem::path).toList();
  }

  @Test
  void readsRulesThresholdsAndHalfLife() {
    ScoringRules rules = ScoringRules.parse(RULES).rules();
    assertThat(rules.halfLife()).isEqualTo(Duration.ofDays(30));
    assertThat(rules.thresholds()).extracting(ScoringRules.Threshold::name).containsExactly("MQL", "SQL");
    assertThat(rules.rules()).extracting(ScoringRules.Rule::id)
        .containsExactly("pricing-page", "whitepaper", "webinar", "unsubscribed");
    assertThat(rules.rules().get(0).cap()).isEqualTo(new ScoringRules.Cap(15, Duration.ofDays(1)));
  }

  @Test
  void aRulesFilterDecidesWhichEventsOfItsTypeEarnPoints() {
    ScoringRules.Rule pricing = ScoringRules.parse(RULES).rules().matching("page.viewed").get(0);
    assertThat(pricing.where().matches(Json.object().set("properties", Json.object().put("path", "/pricing")))).isTrue();
    assertThat(pricing.where().matches(Json.object().set("properties", Json.object().put("path", "/blog")))).isFalse();
  }

  @Test
  void everyProblemIsNamedByItsPath() {
    assertThat(paths("""
        colour: blue
        halfLife: soon
        thresholds: [{ name: "M Q L", score: -1 }]
        rules:
          - { id: Bad_Id, event: "", points: 0 }
          - { id: capped, event: page.viewed, points: -5, cap: { points: 10, per: P1D } }
          - { id: loop, event: score.changed, points: 1, extra: true }
          - { id: filtered, event: page.viewed, points: 1, where: { "a b": 1 } }
          - { id: filtered, event: page.viewed, points: 1, cap: { points: 0, per: PT1S } }
        """)).containsExactlyInAnyOrder("/colour", "/halfLife", "/thresholds/0/name", "/thresholds/0/score",
        "/rules/0/id", "/rules/0/event", "/rules/0/points", "/rules/1/cap", "/rules/2/event", "/rules/2/extra",
        "/rules/3/where", "/rules/4/id", "/rules/4/cap/points", "/rules/4/cap/per");
  }

  @Test
  void rulesAreRequired() {
    assertThat(paths("halfLife: P30D")).containsExactly("/rules");
  }

  @Test
  void aDocumentThatIsNotYamlIsOneProblemAtTheRoot() {
    assertThat(paths("rules: [")).containsExactly("");
  }

  @Test
  void twoThresholdsOfOneNameAreRefused() {
    assertThat(paths("""
        thresholds: [{ name: MQL, score: 50 }, { name: MQL, score: 60 }]
        rules: [{ id: a, event: page.viewed, points: 1 }]
        """)).containsExactly("/thresholds/1/name");
  }
}
