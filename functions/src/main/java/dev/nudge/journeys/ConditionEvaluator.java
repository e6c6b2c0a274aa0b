package dev.nudge.journeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactJson;
import dev.nudge.contacts.EventStats;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.workflows.Condition;
import dev.nudge.contacts.WindowCounters;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Evaluates branch and segment conditions on fresh contact data at the moment the step runs.
 *
 * <p>An {@code event} condition's window: {@code within} of whole days ({@code P90D}) covers the
 * current UTC day and the days before it, n days in all ({@link WindowCounters#firstDay}); any
 * other duration ({@code PT12H}) is rolling, {@code now - within}. Without {@code where}, and with
 * a {@code sum} of a top-level {@code properties.X} if any, a whole-day window (or a sum with no
 * window) reads the contact's day buckets: one Query of at most n small items, right however many
 * events there are. A {@code where} or a rolling window reads the timeline (the newest 1,000
 * events); without {@code within}, {@code where} or {@code sum}, the per-type counter on the profile.
 */
public final class ConditionEvaluator {
  private final Contact contact;
  private final JsonNode document;
  private final Supplier<List<TrackedEvent>> timeline;
  private final Instant now;
  private final java.util.function.Predicate<String> inSegment;
  private final WindowCounters.Reader days;
  private final Map<String, List<WindowCounters.Day>> read = new HashMap<>();
  private List<TrackedEvent> events;

  /** {@code timeline}: the contact's events, newest first; fetched only if a condition needs it. */
  public ConditionEvaluator(Contact contact, Supplier<List<TrackedEvent>> timeline, Instant now) {
    this(contact, timeline, now, segment -> false);
  }

  /** {@code inSegment}: whether the contact is a member of a segment (read only if a condition asks). */
  public ConditionEvaluator(Contact contact, Supplier<List<TrackedEvent>> timeline, Instant now,
      java.util.function.Predicate<String> inSegment) {
    this(contact, timeline, now, inSegment, null);
  }

  /** {@code days}: the contact's day buckets (null: every event condition reads the timeline). */
  public ConditionEvaluator(Contact contact, Supplier<List<TrackedEvent>> timeline, Instant now,
      java.util.function.Predicate<String> inSegment, WindowCounters.Reader days) {
    this.inSegment = inSegment;
    this.contact = contact;
    // The score as it is now, decayed since it was stored: what a where filter on leadScore reads too.
    this.document = ContactJson.contact(contact).put("leadScore", contact.leadScore(now));
    this.timeline = timeline;
    this.now = now;
    this.days = days;
  }

  public boolean matches(Condition condition) {
    if (condition instanceof Condition.Where w) {
      return w.filter().matches(document);
    }
    if (condition instanceof Condition.Score s) {
      JsonNode score = JsonNodeFactory.instance.numberNode(contact.leadScore(now));
      return s.comparisons().stream().allMatch(c -> c.test(score));
    }
    if (condition instanceof Condition.InList l) {
      return contact.lists().contains(l.list()) == l.member();
    }
    if (condition instanceof Condition.InSegment g) {
      return inSegment.test(g.segment()) == g.member();
    }
    if (condition instanceof Condition.Consent c) {
      return contact.reachableBy(Channel.fromWire(c.channel()).orElseThrow());
    }
    if (condition instanceof Condition.Events e) {
      return events(e);
    }
    if (condition instanceof Condition.All a) {
      return a.conditions().stream().allMatch(this::matches);
    }
    if (condition instanceof Condition.Any a) {
      return a.conditions().stream().anyMatch(this::matches);
    }
    return !matches(((Condition.Not) condition).condition());
  }

  /**
   * The next moment time alone changes what {@code window} counts: when the oldest day (a whole-day
   * window) or event (a rolling one) it counts now leaves it. Empty when it counts nothing.
   */
  public Optional<Instant> nextLeaves(Condition.Events window) {
    if (window.within() == null) {
      return Optional.empty();
    }
    Optional<LocalDate> first = WindowCounters.firstDay(window.within(), now);
    if (first.isPresent() && fromBuckets(window)) {
      return buckets(window.type(), first.get()).stream().filter(d -> d.count() > 0).findFirst()
          .map(d -> WindowCounters.leaves(d.day(), window.within()));
    }
    Optional<Instant> oldest = counted(window).stream().map(TrackedEvent::occurredAt).min(Instant::compareTo);
    if (first.isPresent()) {
      return oldest.map(at -> WindowCounters.leaves(LocalDate.ofInstant(at, ZoneOffset.UTC), window.within()));
    }
    // A millisecond after, so the event is outside.
    return oldest.map(at -> at.plus(window.within()).plusMillis(1));
  }

  private boolean events(Condition.Events e) {
    long count;
    java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
    if (e.where().isEmpty() && e.within() == null && e.sum() == null) {
      // The per-type counters on the profile answer "ever" without reading the timeline.
      EventStats stats = contact.events().get(e.type());
      count = stats == null ? 0 : stats.count();
    } else if (fromBuckets(e) && bucketsCanSum(e)) {
      count = 0;
      String property = e.sum() == null ? null : WindowCounters.summed(e.sum().of()).orElseThrow();
      for (WindowCounters.Day day : buckets(e.type(), firstDay(e))) {
        count += day.count();
        if (property != null) {
          sum = sum.add(day.sums().getOrDefault(property, java.math.BigDecimal.ZERO));
        }
      }
    } else {
      List<JsonNode> counted = counted(e).stream().map(ConditionEvaluator::eventDocument).toList();
      count = counted.size();
      if (e.sum() != null) {
        for (JsonNode doc : counted) {
          JsonNode value = dev.nudge.workflows.Filter.resolve(doc, e.sum().of()).orElse(null);
          if (value != null && value.isNumber()) {
            sum = sum.add(value.decimalValue());
          }
        }
      }
    }
    if (e.sum() != null) {
      JsonNode total = JsonNodeFactory.instance.numberNode(sum);
      if (!e.sum().comparisons().stream().allMatch(c -> c.test(total))) {
        return false;
      }
      if (e.count().isEmpty()) {
        return true;
      }
    }
    JsonNode n = JsonNodeFactory.instance.numberNode(count);
    if (e.count().isEmpty()) {
      return count >= 1;
    }
    return e.count().stream().allMatch(c -> c.test(n));
  }

  /**
   * Whether the day buckets answer the condition: no where, a whole-day window (or none, with a
   * sum), a summable path, and buckets holding every event the window counts.
   */
  private boolean fromBuckets(Condition.Events e) {
    return days != null && e.where().isEmpty()
        && (e.within() == null ? e.sum() != null : WindowCounters.wholeDays(e.within()))
        && (e.sum() == null || WindowCounters.summed(e.sum().of()).isPresent())
        && complete(e);
  }

  /**
   * After an upgrade, events stored before the first bucket write have none. The buckets answer
   * when the contact's first event of the type (the per-type counter, by occurred-at) came after
   * the buckets started, or the window starts after that: an event is stored after it occurred.
   * A type without a counter has had no counted event: its buckets are taken as whole.
   */
  private boolean complete(Condition.Events e) {
    Optional<Instant> since = days.since();
    if (since.isEmpty()) {
      return false;
    }
    EventStats stats = contact.events().get(e.type());
    if (stats == null || stats.firstAt() == null || !stats.firstAt().isBefore(since.get())) {
      return true;
    }
    LocalDate first = firstDay(e);
    return first != null && !first.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(since.get());
  }

  /**
   * A day one of whose events had more numeric properties than a bucket sums may lack the one
   * asked for: then the timeline answers (rare; such events are unusual).
   */
  private boolean bucketsCanSum(Condition.Events e) {
    if (e.sum() == null) {
      return true;
    }
    String property = WindowCounters.summed(e.sum().of()).orElseThrow();
    return buckets(e.type(), firstDay(e)).stream().noneMatch(d -> d.sumsCut() && !d.sums().containsKey(property));
  }

  private LocalDate firstDay(Condition.Events e) {
    return e.within() == null ? null : WindowCounters.firstDay(e.within(), now).orElseThrow();
  }

  /** Read once per type and first day, so a segment's evaluation and its timer share the Query. */
  private List<WindowCounters.Day> buckets(String type, LocalDate first) {
    return read.computeIfAbsent(type + "#" + first, k -> days.days(type, first));
  }

  /** The timeline's events the condition counts: of its type, matching where, inside its window. */
  private List<TrackedEvent> counted(Condition.Events e) {
    if (events == null) {
      events = timeline.get();
    }
    Instant since = e.within() == null ? Instant.MIN : WindowCounters.firstDay(e.within(), now)
        .map(day -> day.atStartOfDay(ZoneOffset.UTC).toInstant()).orElseGet(() -> now.minus(e.within()));
    return events.stream()
        .filter(ev -> ev.type().equals(e.type()) && !ev.occurredAt().isBefore(since))
        .filter(ev -> e.where().matches(eventDocument(ev)))
        .toList();
  }

  /** The event as filters see it: type, properties, occurredAt. */
  public static JsonNode eventDocument(TrackedEvent event) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("type", event.type());
    doc.set("properties", event.properties());
    return doc;
  }
}
