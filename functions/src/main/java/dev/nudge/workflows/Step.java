package dev.nudge.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One step of a workflow. {@code next} is the explicit successor ({@code null}: the following
 * step, or the end after the last one; {@link #END}: the end). {@code action} is null only when
 * the step could not be read; the validator has then reported why.
 */
public record Step(String id, Action action, String next) {
  public static final String END = "end";

  public sealed interface Action {
    /** The keyword that introduces the step in a definition ({@code email}, {@code waitFor}...). */
    String keyword();
  }

  public sealed interface Message extends Action {
    String template();

    /** {@code email} or {@code sms}: the consent and template channel. */
    default String channel() {
      return keyword();
    }
  }

  public record Email(String template) implements Message {
    public String keyword() {
      return "email";
    }
  }

  public record Sms(String template) implements Message {
    public String keyword() {
      return "sms";
    }
  }

  /** Exactly one of: a fixed duration; a time of day (on some weekdays); a date attribute ± offset. */
  public sealed interface Wait extends Action {
    default String keyword() {
      return "wait";
    }
  }

  public record WaitDuration(Duration duration) implements Wait {}

  /** Until the next {@code time} (on one of {@code days}, all days when empty) in the contact's timezone. */
  public record WaitUntilTime(LocalTime time, Set<DayOfWeek> days) implements Wait {
    public WaitUntilTime {
      days = Set.copyOf(days);
    }
  }

  /** Until the date in attribute {@code attribute} plus {@code offset}, at {@code time} in the contact's timezone. */
  public record WaitUntilDate(String attribute, Duration offset, LocalTime time) implements Wait {}

  /**
   * Until {@code event} (matching {@code where}; if {@code step} is set, about the message that
   * step sent) or {@code timeout}. Continues at {@code onEvent} or {@code onTimeout} (null: the
   * following step).
   */
  public record WaitFor(String event, Filter where, String step, Duration timeout, String onEvent,
      String onTimeout) implements Action {
    public String keyword() {
      return "waitFor";
    }
  }

  public record Branch(List<Case> cases, String otherwise) implements Action {
    public Branch {
      cases = List.copyOf(cases);
    }

    public String keyword() {
      return "branch";
    }
  }

  public record Case(Condition when, String next) {}

  public record Split(List<Arm> arms) implements Action {
    public Split {
      arms = List.copyOf(arms);
    }

    public String keyword() {
      return "split";
    }
  }

  public record Arm(int percent, String next) {}

  public record Update(Map<String, JsonNode> set, List<String> unset, List<String> addToLists,
      List<String> removeFromLists, int addScore) implements Action {
    public Update {
      set = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
      unset = List.copyOf(unset);
      addToLists = List.copyOf(addToLists);
      removeFromLists = List.copyOf(removeFromLists);
    }

    public String keyword() {
      return "update";
    }
  }

  public record Enroll(String workflow) implements Action {
    public String keyword() {
      return "enroll";
    }
  }

  /** POSTs a JSON payload signed with HMAC-SHA256 (header {@code Nudge-Signature}). */
  public record Webhook(URI url, Duration timeout, int retries) implements Action {
    public String keyword() {
      return "webhook";
    }
  }

  public record Exit() implements Action {
    public String keyword() {
      return "exit";
    }
  }
}
