package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.Contact;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.journeys.ConditionEvaluator;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.journeys.PublishedWorkflows;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.WorkflowParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every reader of the lead score (branch conditions, where filters, segments, audiences) reads it
 * decayed to its own evaluation instant, not as last stored: a lead scored 60 with a 30-day
 * half-life is at 30 a month later with no event and no timer in between. Against DynamoDB Local.
 */
class DecayedScoreTest {
  private final JourneyStack stack = new JourneyStack();
  private final EventRepository events = new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE"));
  private final LeadScores scores = new LeadScores(stack.ddb, stack.variables.get("CONTACTS_TABLE"), events, stack.clock,
      Duration.ofDays(400));
  /** halfLife P30D; webinar.attended is worth 20. */
  private final ScoringRules rules = ScoringRules.parse(ScoringRulesTest.RULES).rules();

  /** Three webinars: 60 points now. */
  private void scoredSixty(String contactId) {
    stack.contact(contactId);
    for (int i = 1; i <= 3; i++) {
      scores.apply(rules, Json.object().put("id", contactId + "-w" + i).put("type", "webinar.attended")
          .put("contactId", contactId), Integer.toString(100 + i));
    }
  }

  private Contact contact(String id) {
    return stack.runtime.contacts().find(id).orElseThrow();
  }

  private static Condition when(String yaml) {
    return dev.nudge.testing.Conditions.when(yaml);
  }

  private boolean holds(String contactId, String condition) {
    return new ConditionEvaluator(contact(contactId), List::of, stack.clock.instant()).matches(when(condition));
  }

  @Test
  void theStoredScoreCarriesWhenAndHowItDecays() {
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(30));

    assertThat(contact("lead").leadScore()).as("as stored").isEqualTo(60);
    assertThat(contact("lead").leadScore(stack.clock.instant())).as("a half-life later").isEqualTo(30);
  }

  @Test
  void theContactApiShowsTheScoreDecayedToTheMomentOfTheRequest() {
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(30));
    var admin = new dev.nudge.contacts.ContactsAdminHandler(stack.env(), stack.ddb);
    com.fasterxml.jackson.databind.node.ObjectNode event = dev.nudge.testing.TrackingStack.fixture("contacts-admin-get.json");
    event.remove("queryStringParameters");
    event.put("rawQueryString", "");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("pathParameters")).put("id", "lead");
    event.put("rawPath", "/v1/contacts/lead");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/contacts/lead");

    var response = dev.nudge.testing.TrackingStack.invoke(admin, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("contact").path("leadScore").asLong()).isEqualTo(30);
  }

  @Test
  void theContactDocumentTemplatesRenderCarriesTheScoreDecayedToItsInstant() {
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(60));

    assertThat(dev.nudge.contacts.ContactJson.contact(contact("lead"), stack.clock.instant()).path("leadScore").asLong())
        .isEqualTo(15);
  }

  @Test
  void aBranchConditionOnTheScoreReadsTheScoreDecayedToTheMomentItIsEvaluated() {
    scoredSixty("lead");
    assertThat(holds("lead", "score: { gte: 50 }")).isTrue();

    stack.clock.advance(Duration.ofDays(30));

    assertThat(holds("lead", "score: { gte: 50 }")).isFalse();
    assertThat(holds("lead", "score: { gte: 30, lt: 31 }")).isTrue();
  }

  @Test
  void aWhereFilterOnLeadScoreReadsTheDecayedScore() {
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(30));

    assertThat(holds("lead", "where: { leadScore: { gte: 50 } }")).isFalse();
    assertThat(holds("lead", "where: { leadScore: 30 }")).isTrue();
  }

  @Test
  void aSegmentOnTheScoreLosesAnIdleLeadWhenEvaluatedAfterTheHalfLife() {
    Segment hot = Segment.parse("id: hot\nname: Hot leads\nwhen: { score: { gte: 50 } }\n", "hot").segment();
    SegmentMembers members = new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE"),
        stack.variables.get("CONTACTS_TABLE"));
    Segments segments = new Segments(stack.runtime.contacts(), events, members, null, stack.clock, Duration.ofDays(400));
    scoredSixty("lead");
    assertThat(segments.evaluate(List.of(hot), "lead", "e1")).containsExactly(new Segments.Change("hot", true));

    stack.clock.advance(Duration.ofDays(30));

    assertThat(segments.evaluate(List.of(hot), "lead", "e2")).containsExactly(new Segments.Change("hot", false));
  }

  @Test
  void anAudienceFilterOnLeadScoreRefusesAnIdleLeadWhoseScoreDecayedBelowIt() {
    stack.publish("""
        id: sales-call
        name: Sales call
        trigger: { event: demo.requested }
        audience: { where: { leadScore: { gte: 50 } } }
        steps:
          - id: call
            webhook: { url: https://crm.example.com/hooks/call }
        """);
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(30));
    var meta = stack.runtime.store().find("sales-call").orElseThrow();

    JourneyEntry.Result result = stack.runtime.entry().enter(new PublishedWorkflows.Live(meta, meta.live()), "lead",
        "demo-1", Json.object().put("type", "demo.requested"));

    assertThat(result).isEqualTo(JourneyEntry.Result.NOT_IN_AUDIENCE);
  }

  @Test
  void anAddScoreStepAddsToTheScoreAsDecayedNowAndTheSumDecaysFromNow() {
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(30));

    stack.runtime.contacts().addLeadScore("lead", 10, stack.clock.instant());

    assertThat(contact("lead").leadScore(stack.clock.instant())).isEqualTo(40);
    stack.clock.advance(Duration.ofDays(30));
    assertThat(contact("lead").leadScore(stack.clock.instant())).isEqualTo(20);
  }

  @Test
  void aScoreSetByIdentifyDecaysFromWhenItWasSet() {
    scoredSixty("lead");
    stack.clock.advance(Duration.ofDays(30));

    stack.runtime.contacts().update("lead", new ProfileUpdate(null, null, Map.of(), null, null, Set.of(), Set.of(), 80L,
        Map.of()), stack.clock.instant());

    assertThat(contact("lead").leadScore(stack.clock.instant())).isEqualTo(80);
    stack.clock.advance(Duration.ofDays(30));
    assertThat(contact("lead").leadScore(stack.clock.instant())).isEqualTo(40);
  }
}
