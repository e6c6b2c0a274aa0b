package dev.nudge.journeys.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.DateAttributeIndex;
import dev.nudge.journeys.JourneyEntry;
import dev.nudge.journeys.JourneyRuntime;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Environment;
import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.admin.WorkflowStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the template's 30-second workflow cache, a date-trigger run sees a publish or pause made in
 * the same second: each run checks the revision stamp, as the router does per stream batch.
 */
class DateTriggersPublishTakesEffectTest {
  private final JourneyStack stack = new JourneyStack();
  private final JourneyRuntime cached = JourneyRuntime.of(new Environment(Map.of(
      "CONTACTS_TABLE", stack.variables.get("CONTACTS_TABLE"), "JOURNEYS_TABLE", stack.variables.get("JOURNEYS_TABLE"),
      "WORKFLOWS_TABLE", stack.variables.get("WORKFLOWS_TABLE"), "WORKFLOW_CACHE_SECONDS", "30"), stack.clock),
      stack.ddb, stack.executions);
  private final DateTriggers triggers = new DateTriggers(cached.workflows(),
      new DateAttributeIndex(stack.ddb, stack.variables.get("CONTACTS_TABLE")), cached.entry(), stack.clock,
      Duration.ofMinutes(60));

  @Test
  void aDateWorkflowPublishedInTheSameSecondStartsItsJourneysInThatRun() {
    stack.contact("madrid", "Europe/Madrid", Map.of("birthday", "1990-03-05"));
    stack.clock.set(Instant.parse("2026-03-05T08:30:00Z"));
    assertThat(triggers.run()).isEmpty(); // fills the 30 s cache while nothing is published

    stack.publish(Workflows.bundledText("birthday"));
    List<DateTriggers.Fired> fired = triggers.run(); // same instant: the cache has not expired

    assertThat(fired).extracting(DateTriggers.Fired::result).containsExactly(JourneyEntry.Result.STARTED);
    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void aDateWorkflowPausedInTheSameSecondStartsNothingInThatRun() {
    stack.contact("madrid", "Europe/Madrid", Map.of("birthday", "1990-03-05"));
    stack.publish(Workflows.bundledText("birthday"));
    stack.clock.set(Instant.parse("2026-03-05T08:30:00Z"));
    assertThat(triggers.run()).extracting(DateTriggers.Fired::result).containsExactly(JourneyEntry.Result.STARTED);

    stack.runtime.store().transition("birthday", List.of(WorkflowStore.Status.ACTIVE), WorkflowStore.Status.PAUSED,
        stack.clock.instant());

    // Unpaused, this run would answer ALREADY_ACTIVE for madrid; paused, the workflow is not looked at.
    assertThat(triggers.run()).isEmpty();
    assertThat(stack.executions.started).hasSize(1);
  }
}
