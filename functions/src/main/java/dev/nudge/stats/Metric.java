package dev.nudge.stats;

import java.util.List;

/**
 * Every CloudWatch metric Nudge emits, with the dimension sets it is emitted under. The dashboard
 * and alarms in {@code template.yaml} may only reference these (a test holds them to it), so a
 * widget can never point at a metric nothing writes. Dimensions stay low-cardinality: workflow,
 * step, channel, reason; never a contact or message id.
 */
public enum Metric {
  /** A journey step handed a message to SES or SNS. */
  MESSAGES_SENT("MessagesSent", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  /** A send the rules stopped: no consent, suppressed, frequency cap... */
  MESSAGES_SKIPPED("MessagesSkipped", Unit.COUNT, List.of(List.of("Channel", "Reason"))),
  /** A send the provider refused for good (rejected, sending paused): the journey goes on. */
  MESSAGES_FAILED("MessagesFailed", Unit.COUNT, List.of(List.of("Channel"))),
  /** From the trigger event to a journey's send of a message, for the event-to-first-send latency. */
  EVENT_TO_SEND_LATENCY("EventToSendLatency", Unit.MILLISECONDS, List.of(List.of("Channel"))),
  /** Feedback from SES/SNS, one per event the feedback function stores. */
  MESSAGES_DELIVERED("MessagesDelivered", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  MESSAGES_OPENED("MessagesOpened", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  MESSAGES_CLICKED("MessagesClicked", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  MESSAGES_BOUNCED("MessagesBounced", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  /** An SMS the carrier did not deliver (final status other than SUCCESSFUL or DELIVERED). */
  MESSAGES_UNDELIVERED("MessagesUndelivered", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  MESSAGES_COMPLAINED("MessagesComplained", Unit.COUNT, List.of(List.of("Channel"), List.of("Workflow", "Step"))),
  /** Feedback events the function could not attribute or parse: logged, counted, never retried. */
  FEEDBACK_UNMATCHED("FeedbackUnmatched", Unit.COUNT, List.of(List.of())),
  /** The router started a journey (a replayed trigger starts none and counts none). */
  JOURNEYS_STARTED("JourneysStarted", Unit.COUNT, List.of(List.of(), List.of("Workflow"))),
  /** The router ended a journey on its goal within the conversion window. */
  JOURNEYS_CONVERTED("JourneysConverted", Unit.COUNT, List.of(List.of(), List.of("Workflow"))),
  /** The router ended a journey on an exit event (or a goal past the window). */
  JOURNEYS_EXITED("JourneysExited", Unit.COUNT, List.of(List.of(), List.of("Workflow"))),
  /** A journey's execution failed (its Catch ran the fail action): alarmed, since no SEARCH works in alarms. */
  JOURNEYS_FAILED("JourneysFailed", Unit.COUNT, List.of(List.of(), List.of("Workflow"))),
  /** Events the tracking API stored, by caller ({@code server} or {@code browser}); one line per request. */
  EVENTS_TRACKED("EventsTracked", Unit.COUNT, List.of(List.of(), List.of("Source"))),
  /** Events the tracking API refused as duplicates of a stored event id (a retry had no second effect). */
  EVENTS_DUPLICATE("EventsDuplicate", Unit.COUNT, List.of(List.of(), List.of("Source"))),
  /** A contact entered a segment (the stream consumer's evaluation). */
  SEGMENT_ENTERED("SegmentEntered", Unit.COUNT, List.of(List.of("Segment"))),
  /** A contact left a segment. */
  SEGMENT_EXITED("SegmentExited", Unit.COUNT, List.of(List.of("Segment")));

  public enum Unit {
    COUNT("Count"),
    MILLISECONDS("Milliseconds");

    final String cloudWatchName;

    Unit(String cloudWatchName) {
      this.cloudWatchName = cloudWatchName;
    }
  }

  public static final String NAMESPACE = "Nudge";

  private final String metricName;
  private final Unit unit;
  private final List<List<String>> dimensionSets;

  Metric(String metricName, Unit unit, List<List<String>> dimensionSets) {
    this.metricName = metricName;
    this.unit = unit;
    this.dimensionSets = dimensionSets;
  }

  public String metricName() {
    return metricName;
  }

  public Unit unit() {
    return unit;
  }

  /** Each set is one CloudWatch metric (name + exactly these dimensions); {@code []} is the total. */
  public List<List<String>> dimensionSets() {
    return dimensionSets;
  }
}
