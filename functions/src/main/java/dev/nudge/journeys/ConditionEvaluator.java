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
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** Evaluates branch conditions on fresh contact data at the moment the step runs. */
public final class ConditionEvaluator {
  private final Contact contact;
  private final JsonNode document;
  private final Supplier<List<TrackedEvent>> timeline;
  private final Instant now;
  private final java.util.function.Predicate<String> inSegment;
  private List<TrackedEvent> events;

  /** {@code timeline}: the contact's events, newest first; fetched only if a condition needs it. */
  public ConditionEvaluator(Contact contact, Supplier<List<TrackedEvent>> timeline, Instant now) {
    this(contact, timeline, now, segment -> false);
  }

  /** {@code inSegment}: whether the contact is a member of a segment (read only if a condition asks). */
  public ConditionEvaluator(Contact contact, Supplier<List<TrackedEvent>> timeline, Instant now,
      java.util.function.Predicate<String> inSegment) {
    this.inSegment = inSegment;
    this.contact = contact;
    // The score as it is now, decayed since it was stored: what a where filter on leadScore reads too.
    this.document = ContactJson.contact(contact).put("leadScore", contact.leadScore(now));
    this.timeline = timeline;
    this.now = now;
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

  private boolean events(Condition.Events e) {
    long count;
    java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
    if (e.where().isEmpty() && e.within() == null && e.sum() == null) {
      // The per-type counters on the profile answer "ever" without reading the timeline.
      EventStats stats = contact.events().get(e.type());
      count = stats == null ? 0 : stats.count();
    } else {
      if (events == null) {
        events = timeline.get();
      }
      Instant since = e.within() == null ? Instant.MIN : now.minus(e.within());
      List<JsonNode> counted = events.stream()
          .filter(ev -> ev.type().equals(e.type()) && !ev.occurredAt().isBefore(since))
          .map(ConditionEvaluator::eventDocument)
          .filter(doc -> e.where().matches(doc))
          .toList();
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

  /** The event as filters see it: type, properties, occurredAt. */
  public static JsonNode eventDocument(TrackedEvent event) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("type", event.type());
    doc.set("properties", event.properties());
    return doc;
  }
}
