package dev.nudge.journeys.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.DateAttributeIndex;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.workflows.Workflows;
import java.time.Duration;
import java.time.Instant;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DateTriggersTest {
  private final JourneyStack stack = new JourneyStack();
  private final DateAttributeIndex index = new DateAttributeIndex(stack.ddb, stack.variables.get("CONTACTS_TABLE"));
  private final DateTriggerHandler handler = new DateTriggerHandler(stack.env(), stack.runtime, stack.ddb);
  private final DateTriggers triggers = new DateTriggers(stack.runtime.workflows(), index, stack.runtime.entry(),
      stack.clock, Duration.ofMinutes(60));

  /** Runs the schedule every 15 minutes from {@code from} to {@code to}, returning the journeys started. */
  private List<DateTriggers.Fired> runEvery15Minutes(String from, String to) {
    List<DateTriggers.Fired> started = new ArrayList<>();
    stack.clock.set(Instant.parse(from));
    while (!stack.clock.instant().isAfter(Instant.parse(to))) {
      triggers.run().stream().filter(f -> f.result() == JourneyEntry.Result.STARTED).forEach(started::add);
      stack.clock.advance(Duration.ofMinutes(15));
    }
    return started;
  }

  @Test
  void aBirthdayTriggerFiresAt0900InEachContactsOwnTimezone() {
    stack.publish(Workflows.bundledText("birthday"));
    stack.contact("tokyo", "Asia/Tokyo", Map.of("birthday", "1985-03-05"));
    stack.contact("madrid", "Europe/Madrid", Map.of("birthday", "1990-03-05"));
    stack.contact("no-timezone", null, Map.of("birthday", "1979-03-05"));
    stack.contact("los-angeles", "America/Los_Angeles", Map.of("birthday", "2000-03-05"));
    stack.contact("next-day", "Europe/Madrid", Map.of("birthday", "1990-03-06"));

    List<DateTriggers.Fired> started = runEvery15Minutes("2026-03-04T20:00:00Z", "2026-03-05T23:45:00Z");

    assertThat(started).extracting(f -> f.contactId() + " " + f.at()).containsExactly(
        "tokyo 2026-03-05T00:00:00Z",
        "madrid 2026-03-05T08:00:00Z",
        "no-timezone 2026-03-05T09:00:00Z",
        "los-angeles 2026-03-05T17:00:00Z");
    assertThat(stack.executions.started).hasSize(4);
    assertThat(stack.executions.started.get(0).input().path("trigger").path("properties").path("date").asText())
        .isEqualTo("1985-03-05");
  }

  @Test
  void overlappingRunsStartEachBirthdayJourneyOnce() {
    stack.publish(Workflows.bundledText("birthday"));
    stack.contact("madrid", "Europe/Madrid", Map.of("birthday", "1990-03-05"));

    stack.clock.set(Instant.parse("2026-03-05T08:00:00Z"));
    var first = triggers.run();
    stack.clock.set(Instant.parse("2026-03-05T08:40:00Z"));
    var second = triggers.run();

    assertThat(first).extracting(DateTriggers.Fired::result).containsExactly(JourneyEntry.Result.STARTED);
    assertThat(second).extracting(DateTriggers.Fired::result).containsExactly(JourneyEntry.Result.ALREADY_ACTIVE);
    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void aLeapDayBirthdayIsCelebratedOnThe28thOfACommonYear() {
    stack.publish(Workflows.bundledText("birthday"));
    stack.contact("leap", "UTC", Map.of("birthday", "2004-02-29"));

    List<DateTriggers.Fired> started = runEvery15Minutes("2027-02-28T08:00:00Z", "2027-03-01T10:00:00Z");

    assertThat(started).extracting(f -> f.at().toString()).containsExactly("2027-02-28T09:00:00Z");
  }

  @Test
  void aDatedTriggerWithAnOffsetFiresOnceOnTheDayBefore() {
    stack.publish("""
        id: renewal
        name: Renewal reminder
        trigger: { date: renewal_date, at: "10:00", offset: -P7D }
        reentry: always
        steps:
          - id: remind
            email: { template: birthday-greeting }
        """);
    stack.contact("this-year", "Europe/Madrid", Map.of("renewal_date", "2026-03-12"));
    stack.contact("next-year", "Europe/Madrid", Map.of("renewal_date", "2027-03-12"));

    List<DateTriggers.Fired> started = runEvery15Minutes("2026-03-04T12:00:00Z", "2026-03-05T23:45:00Z");

    assertThat(started).extracting(f -> f.contactId() + " " + f.at()).containsExactly("this-year 2026-03-05T09:00:00Z");
  }

  @Test
  void aPausedDateWorkflowStartsNothing() {
    stack.publish(Workflows.bundledText("birthday"));
    stack.runtime.store().transition("birthday", List.of(dev.nudge.workflows.admin.WorkflowStore.Status.ACTIVE),
        dev.nudge.workflows.admin.WorkflowStore.Status.PAUSED, stack.clock.instant());
    stack.contact("madrid", "Europe/Madrid", Map.of("birthday", "1990-03-05"));

    assertThat(runEvery15Minutes("2026-03-05T00:00:00Z", "2026-03-05T12:00:00Z")).isEmpty();
  }

  @Test
  void theIndexFollowsADateAttributeThroughChangesAndRemoval() {
    stack.contact("c1", null, Map.of("birthday", "1990-03-05", "plan", "pro"));
    stack.contact("c2", null, Map.of("birthday", "1991-03-05"));

    assertThat(index.contactsOn("birthday", MonthDay.of(3, 5))).containsExactlyInAnyOrder("c1", "c2");

    update("c1", "birthday", Optional.of(new Attribute.Text("1990-03-06")));
    update("c2", "birthday", Optional.empty());

    assertThat(index.contactsOn("birthday", MonthDay.of(3, 5))).isEmpty();
    assertThat(index.contactsOn("birthday", MonthDay.of(3, 6))).containsExactly("c1");
    assertThat(index.contactsOn("plan", MonthDay.of(3, 5))).isEmpty();
    assertThat(stack.runtime.contacts().find("c1").orElseThrow().attributes())
        .containsEntry("birthday", new Attribute.Text("1990-03-06"));
  }

  @Test
  void theHandlerReportsHowManyJourneysItStarted() {
    stack.publish(Workflows.bundledText("birthday"));
    stack.contact("madrid", "Europe/Madrid", Map.of("birthday", "1990-03-05"));
    stack.clock.set(Instant.parse("2026-03-05T08:15:00Z"));

    var out = handler.run();

    assertThat(out.path("results").path("STARTED").asInt()).isEqualTo(1);
  }

  private void update(String id, String attribute, Optional<Attribute> value) {
    stack.runtime.contacts().update(id, new ProfileUpdate(null, null, Map.of(attribute, value), null, null, Set.of(),
        Set.of(), null, Map.of()), stack.clock.instant());
  }
}
