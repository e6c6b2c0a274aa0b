package dev.nudge.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.states.VirtualClock;
import dev.nudge.platform.ScheduleExpression;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The local EventBridge: the default bus and the template's custom buses, the template's rules
 * (event patterns and schedules on the virtual clock) and delivery to their targets. Delivery is
 * asynchronous like EventBridge's; a failed delivery is logged, not retried.
 */
public final class EventBuses implements AutoCloseable {
  /** Delivers one matched event to a target ARN (a function, a state machine, a bus...). */
  public interface Deliverer {
    void deliver(String targetArn, JsonNode payload, Rule rule) throws Exception;
  }

  public record Rule(String name, String bus, EventPattern pattern, String patternText, ScheduleExpression schedule,
      String scheduleText, List<Target> targets, boolean enabled, String where) {}

  private final String region;
  private final String accountId;
  private final VirtualClock clock;
  private final EventLog log;
  private final Set<String> buses = new LinkedHashSet<>(List.of("default"));
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final Map<Rule, Instant> nextFire = new HashMap<>();
  private final ExecutorService delivery = Executors.newFixedThreadPool(4, daemon("nudge-events"));
  private final List<JsonNode> recent = new CopyOnWriteArrayList<>();
  private final Object scheduleLock = new Object();
  /** Deliveries queued or running, plus scheduled firings being dispatched (LocalCloud.awaitIdle). */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  /** Deliveries ever dispatched: LocalCloud.awaitIdle compares it across checks to see that nothing happened. */
  private final java.util.concurrent.atomic.AtomicLong dispatched = new java.util.concurrent.atomic.AtomicLong();
  private volatile Deliverer deliverer;
  private volatile boolean manualSchedules;
  private volatile boolean closed;
  private Thread scheduler;

  public EventBuses(String region, String accountId, VirtualClock clock, EventLog log) {
    this.region = region;
    this.accountId = accountId;
    this.clock = clock;
    this.log = log;
  }

  public void setDeliverer(Deliverer deliverer) {
    this.deliverer = deliverer;
  }

  public void addBus(String name) {
    buses.add(name);
  }

  public Set<String> buses() {
    return Set.copyOf(buses);
  }

  public List<Rule> rules() {
    return List.copyOf(rules);
  }

  public void addRule(Rule rule) {
    if (!buses.contains(rule.bus())) {
      throw new IllegalArgumentException(rule.where() + ": event bus " + rule.bus() + " does not exist");
    }
    rules.add(rule);
  }

  public String busArn(String name) {
    return "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + name;
  }

  /** A bus name from a name or an ARN; null when there is no such bus. */
  public String busNamed(String nameOrArn) {
    String name = nameOrArn == null || nameOrArn.isEmpty() ? "default"
        : nameOrArn.startsWith("arn:") ? nameOrArn.substring(nameOrArn.indexOf("event-bus/") + 10) : nameOrArn;
    return buses.contains(name) ? name : null;
  }

  /**
   * PutEvents: the request body in, the response body out (per-entry ids or errors), as the
   * AWS API answers it.
   */
  public ObjectNode putEvents(JsonNode request) {
    ArrayNode results = Json.array();
    int failed = 0;
    for (JsonNode entry : request.path("Entries")) {
      String bus = busNamed(entry.path("EventBusName").asText(null));
      String missing = entry.hasNonNull("Source") ? entry.hasNonNull("DetailType")
          ? entry.hasNonNull("Detail") ? null : "Detail" : "DetailType" : "Source";
      if (bus == null) {
        failed++;
        results.add(Json.object().put("ErrorCode", "NotFoundException")
            .put("ErrorMessage", "Event bus " + entry.path("EventBusName").asText() + " does not exist."));
        continue;
      }
      if (missing != null) {
        failed++;
        results.add(Json.object().put("ErrorCode", "InvalidArgument")
            .put("ErrorMessage", "Parameter " + missing + " is not valid. Reason: " + missing + " is a required argument."));
        continue;
      }
      JsonNode detail;
      try {
        detail = Json.parse(entry.get("Detail").asText());
        if (!detail.isObject()) {
          throw new IllegalArgumentException("not an object");
        }
      } catch (IllegalArgumentException e) {
        failed++;
        results.add(Json.object().put("ErrorCode", "MalformedDetail").put("ErrorMessage", "Detail is malformed."));
        continue;
      }
      Instant time = entry.hasNonNull("Time") ? parseTime(entry.get("Time")) : clock.instant();
      ObjectNode event = envelope(entry.get("Source").asText(), entry.get("DetailType").asText(), detail, time);
      ArrayNode resources = event.putArray("resources");
      entry.path("Resources").forEach(resources::add);
      publish(bus, event);
      results.add(Json.object().put("EventId", event.get("id").asText()));
    }
    return Json.object().put("FailedEntryCount", failed).set("Entries", results);
  }

  private static Instant parseTime(JsonNode time) {
    return time.isNumber() ? Instant.ofEpochMilli((long) (time.asDouble() * 1000)) : Instant.parse(time.asText());
  }

  /** The EventBridge event envelope. */
  public ObjectNode envelope(String source, String detailType, JsonNode detail, Instant time) {
    ObjectNode event = Json.object();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", detailType);
    event.put("source", source);
    event.put("account", accountId);
    event.put("time", DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS)));
    event.put("region", region);
    event.putArray("resources");
    event.set("detail", detail);
    return event;
  }

  /** Puts an already-shaped event on {@code bus} (SES event publishing uses this). */
  public void publish(String bus, ObjectNode event) {
    // One writer at a time: two concurrent trims removed the same last element, and the second
    // one's IndexOutOfBounds failed the SES SendEmail publishing the event after its outbox write,
    // so the SDK resent it and the outbox held the e-mail twice (found by the fault suite).
    synchronized (recent) {
      recent.add(0, event);
      while (recent.size() > 200) {
        recent.remove(recent.size() - 1);
      }
    }
    log.add("event", bus + ": " + event.path("source").asText() + " / " + event.path("detail-type").asText(),
        event.path("id").asText());
    for (Rule rule : rules) {
      if (rule.enabled() && rule.pattern() != null && rule.bus().equals(bus) && rule.pattern().matches(event)) {
        dispatch(rule, event);
      }
    }
  }

  public List<JsonNode> recentEvents() {
    return List.copyOf(recent);
  }

  private void dispatch(Rule rule, JsonNode event) {
    for (Target target : rule.targets()) {
      inFlight.incrementAndGet();
      dispatched.incrementAndGet();
      try {
        delivery.execute(() -> deliver(rule, target, event));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        inFlight.decrementAndGet(); // closing
      }
    }
  }

  private void deliver(Rule rule, Target target, JsonNode event) {
    try {
      JsonNode payload = target.transform(event);
      Deliverer d = deliverer;
      if (d == null) {
        throw new IllegalStateException("no deliverer");
      }
      d.deliver(target.arn(), payload, rule);
      log.add("rule", rule.name() + " → " + target.id(), event.path("id").asText());
    } catch (Exception e) {
      log.add("error", "rule " + rule.name() + " → " + target.id() + " failed: " + e.getMessage(),
          event.path("id").asText());
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * True when no delivery is queued or running and no scheduled rule is due on the clock (one that
   * is due is about to fire: the scheduler thread wakes on every clock change).
   */
  public boolean idle() {
    synchronized (scheduleLock) {
      Instant now = clock.instant();
      for (Instant next : nextFire.values()) {
        if (!manualSchedules && !next.isAfter(now)) {
          return false;
        }
      }
      // Read under the lock: the scheduler counts a firing in before it releases the lock.
      return inFlight.get() == 0;
    }
  }

  /** How many deliveries were ever dispatched (a measure of activity for idle detection). */
  public long dispatchedCount() {
    return dispatched.get();
  }

  /**
   * When a scheduled rule next fires, on the virtual clock: the scheduler sets it from the clock when
   * the rule fires (one firing when the clock jumped past several periods). Empty for a rule without a schedule.
   */
  public java.util.Optional<Instant> nextFire(Rule rule) {
    synchronized (scheduleLock) {
      return java.util.Optional.ofNullable(nextFire.get(rule));
    }
  }

  /**
   * Manual schedules: scheduled rules fire only through {@link #fire(Rule)}, never because the clock
   * passed their time. The scenario runner fires them at the moments their functions have work
   * instead of on every 5-minute tick of the month it steps through.
   */
  public void manualSchedules(boolean manual) {
    manualSchedules = manual;
    wake();
  }

  /** Fires a scheduled rule now, as the scheduler does (its next firing is then counted from now). */
  public void fire(Rule rule) {
    synchronized (scheduleLock) {
      if (nextFire.containsKey(rule)) {
        nextFire.put(rule, rule.schedule().next(clock.instant()));
      }
    }
    dispatchScheduled(rule);
  }

  private void dispatchScheduled(Rule rule) {
    ObjectNode event = envelope("aws.events", "Scheduled Event", Json.object(), clock.instant());
    event.putArray("resources").add("arn:aws:events:" + region + ":" + accountId + ":rule/" + rule.name());
    log.add("schedule", rule.name() + " fired (" + rule.scheduleText() + ")", event.path("id").asText());
    dispatch(rule, event);
  }

  /** Starts firing scheduled rules on the virtual clock. */
  public void startScheduler() {
    synchronized (scheduleLock) {
      Instant now = clock.instant();
      for (Rule rule : rules) {
        if (rule.schedule() != null && rule.enabled()) {
          nextFire.put(rule, rule.schedule().next(now));
        }
      }
    }
    if (nextFire.isEmpty()) {
      return;
    }
    clock.addListener(this::wake);
    scheduler = daemon("nudge-scheduler").newThread(this::runSchedules);
    scheduler.start();
  }

  private void wake() {
    synchronized (scheduleLock) {
      scheduleLock.notifyAll();
    }
  }

  private void runSchedules() {
    while (!closed) {
      List<Rule> due = new ArrayList<>();
      long waitMillis;
      synchronized (scheduleLock) {
        Instant now = clock.instant();
        Instant earliest = Instant.MAX;
        for (Map.Entry<Rule, Instant> entry : nextFire.entrySet()) {
          if (!manualSchedules && !entry.getValue().isAfter(now)) {
            due.add(entry.getKey());
            inFlight.incrementAndGet(); // until dispatched, so idle() never sees a gap
            // Periods missed while the clock jumped collapse into one firing.
            entry.setValue(entry.getKey().schedule().next(now));
          }
          if (entry.getValue().isBefore(earliest)) {
            earliest = entry.getValue();
          }
        }
        double scale = clock.scale();
        long virtualMillis = Math.max(1, earliest.toEpochMilli() - now.toEpochMilli());
        waitMillis = scale == 0 ? 1000 : (long) Math.min(1000, Math.max(1, virtualMillis / scale));
        if (due.isEmpty()) {
          try {
            scheduleLock.wait(waitMillis);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      for (Rule rule : due) {
        try {
          dispatchScheduled(rule);
        } finally {
          inFlight.decrementAndGet();
        }
      }
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    closed = true;
    wake();
    delivery.shutdown();
    try {
      delivery.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
