package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nudge.audiences.ContactTimers;
import dev.nudge.audiences.Segment;
import dev.nudge.audiences.SegmentMembers;
import dev.nudge.audiences.Segments;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.Location;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code near}, {@code location.country} and {@code location.city} in audiences, branches and segments. */
class LocationConditionsTest {
  private static final Location MADRID = new Location("ES", "Madrid", "Madrid", 40.4168, -3.7038);
  private static final Location TOLEDO = new Location("ES", "Castilla-La Mancha", "Toledo", 39.8628, -4.0273);
  private static final Location BARCELONA = new Location("ES", "Catalonia", "Barcelona", 41.3874, 2.1686);
  private static final Location LISBON = new Location("PT", null, "Lisboa", null, null);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private static Contact contact(Location location) {
    return new Contact("c1", "c1@example.com", null, Map.of(), Map.of(), Map.of(), null, null, Set.of(), 0, NOW, NOW,
        Map.of(), Set.of(), null, location);
  }

  private static Condition when(String yaml) {
    return dev.nudge.testing.Conditions.when(yaml);
  }

  private static boolean branch(String yaml, Location location) {
    return new ConditionEvaluator(contact(location), List::of, NOW).matches(when(yaml));
  }

  private static Workflow.Audience audience(String where) {
    Workflow workflow = WorkflowParser.parse("""
        id: store-opening
        name: Store opening
        trigger: { event: store.announced }
        audience:
          where: %s
        steps:
          - id: invite
            email: { template: welcome-1 }
        """.formatted(where)).workflow();
    assertThat(workflow).isNotNull();
    return workflow.audience();
  }

  @Test
  void theHaversineDistanceFromMadridIsAbout67KmToToledoAnd505KmToBarcelona() {
    assertThat(Filter.distanceKm(MADRID.lat(), MADRID.lon(), TOLEDO.lat(), TOLEDO.lon())).isCloseTo(67, within(2.0));
    assertThat(Filter.distanceKm(MADRID.lat(), MADRID.lon(), BARCELONA.lat(), BARCELONA.lon()))
        .isCloseTo(505, within(3.0));
  }

  @Test
  void anAudienceNearAStoreTakesContactsWithinTheRadiusOnly() {
    Workflow.Audience within100 = audience("{ location: { near: { lat: 40.4168, lon: -3.7038, km: 100 } } }");
    Workflow.Audience within25 = audience("{ location: { near: { lat: 40.4168, lon: -3.7038, km: 25 } } }");

    assertThat(JourneyEntry.inAudience(within100, contact(TOLEDO))).isTrue();
    assertThat(JourneyEntry.inAudience(within100, contact(BARCELONA))).isFalse();
    assertThat(JourneyEntry.inAudience(within25, contact(MADRID))).isTrue();
    assertThat(JourneyEntry.inAudience(within25, contact(TOLEDO))).isFalse();
  }

  @Test
  void aContactWithoutCoordinatesIsNearNothing() {
    Workflow.Audience nearMadrid = audience("{ location: { near: { lat: 40.4168, lon: -3.7038, km: 20038 } } }");

    assertThat(JourneyEntry.inAudience(nearMadrid, contact(null))).isFalse();
    assertThat(JourneyEntry.inAudience(nearMadrid, contact(new Location("ES", null, "Madrid", null, null)))).isFalse();
  }

  @Test
  void aBranchOnTheCountryMatchesAnyOfTheListedCountriesIgnoringCase() {
    String iberia = "where: { location.country: { in: [ES, pt] } }";

    assertThat(branch(iberia, MADRID)).isTrue();
    assertThat(branch(iberia, LISBON)).isTrue();
    assertThat(branch(iberia, new Location("FR", null, "Paris", null, null))).isFalse();
    assertThat(branch(iberia, null)).isFalse();
  }

  @Test
  void aBranchOnTheCityComparesIgnoringCase() {
    assertThat(branch("where: { location.city: { eq: madrid } }", MADRID)).isTrue();
    assertThat(branch("where: { location.city: MADRID }", MADRID)).isTrue();
    assertThat(branch("where: { location.city: { eq: Madrid } }", TOLEDO)).isFalse();
    assertThat(branch("not: { where: { location.city: Madrid } }", null)).isTrue();
  }

  @Test
  void aBranchCanCombineNearWithOtherConditions() {
    String nearbyAndSpanish = """
        all:
          - where: { location: { near: { lat: 40.4168, lon: -3.7038, km: 100 } } }
          - where: { location.country: ES }
        """;

    assertThat(branch(nearbyAndSpanish, TOLEDO)).isTrue();
    assertThat(branch(nearbyAndSpanish, BARCELONA)).isFalse();
  }

  @Test
  void aSegmentOnCountryAndCityEntersTheContactsInIt() {
    JourneyStack stack = new JourneyStack();
    Segments segments = new Segments(stack.runtime.contacts(), new EventRepository(stack.ddb,
        stack.variables.get("EVENTS_TABLE")), new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE")),
        new ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE")), stack.clock, Duration.ofDays(400));
    Segment madrilenians = Segment.parse("""
        id: madrid
        name: In Madrid, Spain
        when:
          where: { location.country: ES, location.city: { eq: madrid } }
        """, "madrid").segment();
    stack.contact("in-madrid");
    stack.contact("in-toledo");
    stack.contact("unknown");
    stack.runtime.contacts().update("in-madrid", update(MADRID), stack.clock.instant());
    stack.runtime.contacts().update("in-toledo", update(TOLEDO), stack.clock.instant());

    assertThat(segments.evaluate(List.of(madrilenians), "in-madrid", "e1"))
        .containsExactly(new Segments.Change("madrid", true));
    assertThat(segments.evaluate(List.of(madrilenians), "in-toledo", "e2")).isEmpty();
    assertThat(segments.evaluate(List.of(madrilenians), "unknown", "e3")).isEmpty();
  }

  @Test
  void aSegmentNearAPointFollowsTheContactWhenTheyMove() {
    JourneyStack stack = new JourneyStack();
    Segments segments = new Segments(stack.runtime.contacts(), new EventRepository(stack.ddb,
        stack.variables.get("EVENTS_TABLE")), new SegmentMembers(stack.ddb, stack.variables.get("SEGMENTS_TABLE")),
        new ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE")), stack.clock, Duration.ofDays(400));
    Segment nearStore = Segment.parse("""
        id: near-store
        name: Within 25 km of the Madrid store
        when:
          where: { location: { near: { lat: 40.4168, lon: -3.7038, km: 25 } } }
        """, "near-store").segment();
    stack.contact("mover");
    stack.runtime.contacts().update("mover", update(MADRID), stack.clock.instant());
    assertThat(segments.evaluate(List.of(nearStore), "mover", "e1")).containsExactly(new Segments.Change("near-store", true));

    stack.runtime.contacts().update("mover", update(BARCELONA), stack.clock.instant());

    assertThat(segments.evaluate(List.of(nearStore), "mover", "e2")).containsExactly(new Segments.Change("near-store", false));
  }

  @Test
  void theParserRefusesABadNearNamingTheField() {
    assertThat(problems("{ location: { near: { lat: 95, lon: -3.7, km: 25 } } }"))
        .containsExactly("/audience/where/location/near/lat");
    assertThat(problems("{ location: { near: { lat: 40.4, lon: 181, km: 25 } } }"))
        .containsExactly("/audience/where/location/near/lon");
    assertThat(problems("{ location: { near: { lat: 40.4, lon: -3.7, km: 0 } } }"))
        .containsExactly("/audience/where/location/near/km");
    assertThat(problems("{ location: { near: { lat: 40.4, lon: -3.7 } } }"))
        .containsExactly("/audience/where/location/near/km");
    assertThat(problems("{ location: { near: { lat: 40.4, lon: -3.7, km: 5, miles: 3 } } }"))
        .containsExactly("/audience/where/location/near/miles");
    assertThat(problems("{ location: { near: [40.4, -3.7] } }"))
        .containsExactly("/audience/where/location/near");
  }

  @Test
  void aSegmentWithABadNearIsRefusedNamingTheField() {
    Segment.Parsed parsed = Segment.parse("""
        id: near-store
        name: Near the store
        when:
          where: { location: { near: { lat: 40.4, lon: -3.7, km: -1 } } }
        """, "near-store");

    assertThat(parsed.segment()).isNull();
    assertThat(parsed.problems()).extracting(Problem::path).containsExactly("/when/where/location/near/km");
  }

  @Test
  void aNearConditionSurvivesWritingAndReadingTheWorkflowBack() {
    Workflow.Audience audience = audience("{ location: { near: { lat: 40.4168, lon: -3.7038, km: 25 } } }");

    Filter reread = WorkflowParser.parseFilter(dev.nudge.workflows.WorkflowWriter.filter(audience.where()));

    assertThat(reread).isEqualTo(audience.where());
    assertThat(reread.matches(Json.object().set("location", Json.object().put("lat", 40.45).put("lon", -3.69))))
        .isTrue();
  }

  private static List<String> problems(String where) {
    return WorkflowParser.parse("""
        id: store-opening
        name: Store opening
        trigger: { event: store.announced }
        audience:
          where: %s
        steps:
          - id: invite
            email: { template: welcome-1 }
        """.formatted(where)).problems().stream().map(Problem::path).toList();
  }

  private static ProfileUpdate update(Location location) {
    return new ProfileUpdate(null, null, Map.of(), null, null, Set.of(), Set.of(), null, Map.of(), location);
  }
}
