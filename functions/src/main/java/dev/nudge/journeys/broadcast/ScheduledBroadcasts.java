package dev.nudge.journeys.broadcast;

import dev.nudge.journeys.PublishedWorkflows;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Log;
import dev.nudge.platform.ScheduleExpression;
import dev.nudge.workflows.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code schedule} triggers: each occurrence of a published workflow's schedule in the last
 * {@code lookback} starts a broadcast run to the trigger's segment or list (and filter), named by the occurrence
 * ({@code schedule-20261207T1000}), so runs of this function that overlap start it once and a
 * missed run is caught up by the next within the lookback.
 */
public final class ScheduledBroadcasts {
  private static final Log LOG = new Log("scheduled-broadcasts");
  private static final DateTimeFormatter RUN = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC);
  /** Occurrences per workflow and run of this function: a rate(1 minute) schedule cannot flood it. */
  static final int MAX_OCCURRENCES = 12;

  public record Started(String workflow, String run, boolean created) {}

  private final PublishedWorkflows workflows;
  private final BroadcastAdmin broadcasts;
  private final Clock clock;
  private final Duration lookback;

  public ScheduledBroadcasts(PublishedWorkflows workflows, BroadcastAdmin broadcasts, Clock clock, Duration lookback) {
    this.workflows = workflows;
    this.broadcasts = broadcasts;
    this.clock = clock;
    this.lookback = lookback;
  }

  public List<Started> run() {
    Instant now = clock.instant();
    workflows.checkRevision();
    List<Started> started = new ArrayList<>();
    for (PublishedWorkflows.Live live : workflows.current()) {
      if (!(live.workflow().trigger() instanceof Workflow.ScheduleTrigger trigger) || !live.takesEntries()) {
        continue;
      }
      ScheduleExpression expression = ScheduleExpression.parse(trigger.expression());
      for (Instant occurrence : expression.occurrences(now.minus(lookback), now, MAX_OCCURRENCES)) {
        String run = "schedule-" + RUN.format(occurrence);
        try {
          BroadcastAdmin.Started result = broadcasts.start(live.id(), run, BroadcastAudience.of(trigger), null);
          started.add(new Started(live.id(), run, result.created()));
        } catch (ApiException e) {
          // A segment deleted or never saved: reported, and tried again at the next occurrence.
          LOG.error("not started", Map.of("workflow", live.id(), "run", run, "why", e.getMessage()));
        }
      }
    }
    return started;
  }
}
