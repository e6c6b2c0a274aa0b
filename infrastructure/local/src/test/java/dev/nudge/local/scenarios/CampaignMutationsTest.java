package dev.nudge.local.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Each campaign's scenarios catch the workflow no longer doing what docs/campaigns.md says: a
 * copy of the bundled workflow with one behaviour changed fails the named bundled scenario
 * (exit 1). One mutation per documented behaviour: timing, branch, goal, exit, list, audience.
 * It runs every mutated scenario on its own cloud (about two minutes), so it is not part of
 * {@code mvn verify}:
 * {@code mvn -B -o -pl infrastructure/local -am test -Dtest=CampaignMutationsTest -Dsurefire.failIfNoSpecifiedTests=false -Dnudge.campaigns.mutations=true}
 */
@EnabledIfSystemProperty(named = "nudge.campaigns.mutations", matches = "true")
class CampaignMutationsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The workflow, the text replaced, its replacement, and the scenario that must then fail. */
  record Mutation(String workflow, String from, String to, String scenario, String from2, String to2) {
    Mutation(String workflow, String from, String to, String scenario) {
      this(workflow, from, to, scenario, null, null);
    }

    String apply(String text) {
      String once = text.replace(from, to);
      return from2 == null ? once : once.replace(from2, to2);
    }

    @Override
    public String toString() {
      return workflow + ": " + from.strip().replace('\n', ' ') + " → " + to.strip().replace('\n', ' ');
    }
  }

  static final List<Mutation> MUTATIONS = List.of(
      new Mutation("welcome-series", "wait: { duration: P12D }", "wait: { duration: P7D }",
          "a subscriber gets the welcome at once, selected content on day 2 and the feedback request on day 14, in Spanish"),
      new Mutation("welcome-series", "exit:\n  - event: contact.unsubscribed\n", "",
          "unsubscribing on day 3 ends the series before the feedback request"),
      // Both guards of "first purchase only" (re-entry and the order counter), since either alone holds.
      new Mutation("first-purchase", "reentry: never", "reentry: always",
          "only the first purchase counts, the second one starts nothing", "events.order.completed.count: 1",
          "events.order.completed.count: { lte: 2 }"),
      new Mutation("first-purchase", "properties.score: { lte: 6 }", "properties.score: { lte: 2 }",
          "an unhappy survey answer stops the suggestions"),
      new Mutation("birthday", "goal:\n  event: order.completed\n  where:\n    properties.coupon: BDAY15\n  within: P7D\n", "",
          "an order with the birthday code ends the journey as a conversion, with no reminder"),
      new Mutation("birthday", "properties.coupon: BDAY15 }, within: P6D", "properties.coupon: { exists: false } }, within: P6D",
          "an order without the code does not stop the reminder"),
      new Mutation("birthday", "when: { consent: sms }", "when: { consent: email }",
          "a contact in New York without SMS consent gets both at 09:00 New York time, the reminder by e-mail"),
      new Mutation("cross-sell", "count: { gte: 3 }", "count: { gte: 4 }",
          "a prospect who views three products gets a first-order offer"),
      new Mutation("cross-sell", "within: P365D", "within: PT1H",
          "a customer who views a product gets picks that go with it"),
      new Mutation("best-customer", "addToLists: [best-customers]", "addToLists: [vip]",
          "a third order in 180 days brings the list, the reward and the club, and early access a month later"),
      new Mutation("re-engagement", "onTimeout: last-chance", "onTimeout: sunset",
          "a customer silent for 90 days who never clicks gets both e-mails and is sunset to dormant"),
      new Mutation("re-engagement", "addToLists: [dormant]", "addToLists: [sleeping]",
          "a customer silent for 90 days who never clicks gets both e-mails and is sunset to dormant"),
      new Mutation("local-store", "km: 5 }", "km: 20 }", "a contact 12 km away gets the store's news"),
      new Mutation("lead-nurturing",
          "  - event: score.crossed\n    where:\n      properties.threshold: MQL\n      properties.direction: up\n", "",
          "crossing the MQL threshold ends the track (sales takes over)"),
      new Mutation("mql-handoff", "notInLists: [customers]", "notInLists: [nobody]",
          "a customer is never handed to sales"),
      new Mutation("mql-handoff", "properties.threshold: MQL", "properties.threshold: SQL",
          "two webinars cross MQL, sales is notified and the lead gets the note"));

  @TempDir
  Path dir;

  @ParameterizedTest
  @FieldSource("MUTATIONS")
  void theMutatedWorkflowFailsItsScenario(Mutation m) throws Exception {
    Path bundled = BundledScenariosTest.bundled();
    String real = Files.readString(bundled.resolve(m.workflow() + ".yaml"));
    String mutated = m.apply(real);
    assertThat(m.from2() == null || real.contains(m.from2())).as("the second replacement applies").isTrue();
    assertThat(mutated).as("the mutation applies to " + m.workflow()).isNotEqualTo(real);

    ObjectNode file = (ObjectNode) YAML.readTree(bundled.resolve(m.workflow() + ".test.yaml").toFile());
    ArrayNode only = YAML.createArrayNode();
    file.path("scenarios").forEach(s -> {
      if (s.path("name").asText().equals(m.scenario())) {
        only.add(s);
      }
    });
    assertThat(only).as("the bundled scenario '%s'", m.scenario()).hasSize(1);
    file.set("scenarios", only);
    for (JsonNode other : file.path("setup").path("workflows")) {
      Files.copy(bundled.resolve(other.asText() + ".yaml"), dir.resolve(other.asText() + ".yaml"));
    }
    Files.writeString(dir.resolve(m.workflow() + ".yaml"), mutated);
    Files.writeString(dir.resolve(m.workflow() + ".test.yaml"), YAML.writeValueAsString(file));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ScenarioMain.run(List.of(dir.resolve(m.workflow() + ".test.yaml")),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String report = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(report).isEqualTo(ScenarioMain.FAILED);
    assertThat(report).contains("✗ " + m.workflow() + ".test.yaml › " + m.scenario());
  }
}
