package dev.nudge.workflows;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated-or-not workflow definition, one model whether it was written in YAML or JSON.
 * Optional parts are null when absent; lists are never null.
 */
public record Workflow(
    String id,
    String name,
    Trigger trigger,
    Reentry reentry,
    Audience audience,
    Goal goal,
    List<ExitRule> exits,
    Settings settings,
    List<Step> steps) {

  public Workflow {
    exits = List.copyOf(exits);
    steps = List.copyOf(steps);
  }

  /** The event types this workflow's {@code waitFor} steps wait for: the router resumes journeys on these. */
  public java.util.Set<String> waitedEvents() {
    java.util.Set<String> events = new java.util.TreeSet<>();
    for (Step step : steps) {
      if (step.action() instanceof Step.WaitFor w && w.event() != null) {
        events.add(w.event());
      }
    }
    return events;
  }

  public Optional<Step> step(String stepId) {
    return steps.stream().filter(s -> s.id() != null && s.id().equals(stepId)).findFirst();
  }

  /** What starts a journey. */
  public sealed interface Trigger {}

  /** A tracked event of {@code event} type whose document matches {@code where}. */
  public record EventTrigger(String event, Filter where) implements Trigger {}

  /** The contact is added to {@code list}. */
  public record ListTrigger(String list) implements Trigger {}

  /**
   * The date in attribute {@code attribute} ({@code yyyy-MM-dd}) plus {@code offset}, at
   * {@code time} in the contact's timezone; {@code annual} compares month and day only (birthdays).
   */
  public record DateTrigger(String attribute, LocalTime time, Duration offset, boolean annual)
      implements Trigger {}

  /**
   * Every occurrence of {@code expression} (an EventBridge schedule expression, UTC) starts a
   * broadcast run to the members of {@code segment} or of {@code list} (exactly one of them), each
   * member first passing {@code where} (a contact filter; {@link Filter#ALWAYS} when none).
   */
  public record ScheduleTrigger(String expression, String segment, String list, Filter where) implements Trigger {
    public ScheduleTrigger {
      where = where == null ? Filter.ALWAYS : where;
    }

    /** A run to every member of a segment. */
    public ScheduleTrigger(String expression, String segment) {
      this(expression, segment, null, Filter.ALWAYS);
    }
  }

  /** Started by an API call (a broadcast to a list or filter given in the call). */
  public record ApiTrigger() implements Trigger {}

  /** Re-entry after a journey of this workflow ended: never, always, or after a cooldown. */
  public record Reentry(Mode mode, Duration cooldown) {
    public static final Reentry NEVER = new Reentry(Mode.NEVER, null);

    public enum Mode { NEVER, ALWAYS, COOLDOWN }
  }

  /** Who may enter: all criteria must hold. {@code consent} is a channel the contact consented to. */
  /** {@code inSegments}: segments the contact must be a member of (dynamic segments, kept by events and timers). */
  public record Audience(Filter where, List<String> inLists, List<String> notInLists, String consent,
      List<String> inSegments) {
    public Audience {
      inLists = List.copyOf(inLists);
      notInLists = List.copyOf(notInLists);
      inSegments = List.copyOf(inSegments);
    }

    public Audience(Filter where, List<String> inLists, List<String> notInLists, String consent) {
      this(where, inLists, notInLists, consent, List.of());
    }
  }

  /** An event that ends the journey as a conversion when it comes within {@code within} of entry. */
  public record Goal(String event, Filter where, Duration within) {}

  /** An event that ends the journey without a conversion. */
  public record ExitRule(String event, Filter where) {}

  public record Settings(SendWindow sendWindow, String timezone, FrequencyCap frequencyCap,
      OnEnd onEnd) {
    public static final Settings DEFAULT = new Settings(null, "UTC", null, null);
  }

  /**
   * Messages go out between {@code from} and {@code to} on {@code days} in {@code timezone}
   * ({@code contact}: the contact's own, falling back to the workflow's timezone). A window with
   * {@code from} after {@code to} spans midnight ({@code quietHours} are written that way).
   */
  public record SendWindow(LocalTime from, LocalTime to, Set<DayOfWeek> days, String timezone) {
    public static final String CONTACT = "contact";

    public SendWindow {
      days = Set.copyOf(days);
    }
  }

  /** At most {@code max} messages to a contact per {@code per}, counted across all workflows. */
  public record FrequencyCap(int max, Duration per) {}

  /** At the end of a journey, add the contact to {@code list}, and for a move remove it from {@code from}. */
  public record OnEnd(String list, boolean move, String from) {}
}
