package dev.nudge.workflows;

import java.time.Duration;
import java.util.List;

/** A decision rule of a {@code branch} step, evaluated on the contact when the step runs. */
public sealed interface Condition {

  /** Criteria on the contact document ({@code attributes.plan}, {@code score}, {@code timezone}...). */
  record Where(Filter filter) implements Condition {}

  /** The contact's lead score. */
  record Score(List<Filter.Comparison> comparisons) implements Condition {
    public Score {
      comparisons = List.copyOf(comparisons);
    }
  }

  /** Membership of a list; {@code member=false} for {@code notInList}. */
  record InList(String list, boolean member) implements Condition {}

  /** Membership of a dynamic segment; {@code member=false} for {@code notInSegment}. */
  record InSegment(String segment, boolean member) implements Condition {}

  /** Consent for a channel ({@code email} or {@code sms}), and not suppressed. */
  record Consent(String channel) implements Condition {}

  /**
   * Events of a type (optionally filtered) the contact has had: how many ({@code count}, default
   * at least one unless a {@code sum} is asked), the sum of a numeric property ({@code sum}: "spent
   * over 500") and how recently ({@code within}, default ever).
   */
  record Events(String type, Filter where, List<Filter.Comparison> count, Duration within, Sum sum)
      implements Condition {
    public Events {
      count = List.copyOf(count);
    }

    public Events(String type, Filter where, List<Filter.Comparison> count, Duration within) {
      this(type, where, count, within, null);
    }
  }

  /** The sum of the numeric property at {@code of} (e.g. {@code properties.total}) over the events counted. */
  record Sum(String of, List<Filter.Comparison> comparisons) {
    public Sum {
      comparisons = List.copyOf(comparisons);
    }
  }

  record All(List<Condition> conditions) implements Condition {
    public All {
      conditions = List.copyOf(conditions);
    }
  }

  record Any(List<Condition> conditions) implements Condition {
    public Any {
      conditions = List.copyOf(conditions);
    }
  }

  record Not(Condition condition) implements Condition {}
}
