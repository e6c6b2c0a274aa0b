package dev.nudge.local.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One active fault: where it applies (a service and optionally one operation, or a function)
 * and what it does there (an error in the service's protocol, a delay, a crashed invocation or a
 * failed stream batch), for {@code count} calls (null: until cleared) with {@code probability}
 * per matching call (null: every call). Each fault draws from its own seeded {@link Random}, so
 * whether the k-th matching call fails does not depend on other traffic.
 */
public final class Fault {
  /** Where in an invocation a crash or batch failure happens. */
  public enum At { BEFORE, AFTER }

  private final String id;
  private final String service;
  private final String operation;
  private final String function;
  private final String table;
  private final String error;
  private final int status;
  private final String message;
  private final long latencyMs;
  private final Integer count;
  private final Double probability;
  private final boolean crash;
  private final boolean failBatch;
  private final At at;
  private final long seed;
  private final Random random;
  private final AtomicInteger remaining;
  private final AtomicInteger fired = new AtomicInteger();
  private final AtomicInteger matched = new AtomicInteger();

  Fault(String id, String service, String operation, String function, String table, String error, int status, String message,
      long latencyMs, Integer count, Double probability, boolean crash, boolean failBatch, At at, long seed) {
    this.id = id;
    this.service = service;
    this.operation = operation;
    this.function = function;
    this.table = table;
    this.error = error;
    this.status = status;
    this.message = message;
    this.latencyMs = latencyMs;
    this.count = count;
    this.probability = probability;
    this.crash = crash;
    this.failBatch = failBatch;
    this.at = at;
    this.seed = seed;
    this.random = new Random(seed);
    this.remaining = new AtomicInteger(count == null ? Integer.MAX_VALUE : count);
  }

  public String id() {
    return id;
  }

  public String service() {
    return service;
  }

  /** The operation it applies to, or null for every operation of the service. */
  public String operation() {
    return operation;
  }

  /** The function (logical id or name) of a lambda or streams fault. */
  public String function() {
    return function;
  }

  /** The table (its name) a DynamoDB fault is limited to, or null for every table. */
  public String table() {
    return table;
  }

  /** The error code as AWS names it, or null for a latency-only fault. */
  public String error() {
    return error;
  }

  public int status() {
    return status;
  }

  public String message() {
    return message;
  }

  public long latencyMs() {
    return latencyMs;
  }

  public boolean crash() {
    return crash;
  }

  public boolean failBatch() {
    return failBatch;
  }

  public At at() {
    return at;
  }

  /** How many more times it fires (null: until cleared). */
  public Integer remaining() {
    return count == null ? null : Math.max(0, remaining.get());
  }

  /** How many times it has fired. */
  public int fired() {
    return fired.get();
  }

  boolean exhausted() {
    return count != null && remaining.get() <= 0;
  }

  /** Called for each matching call: true when the fault fires on it (counted against {@code count}). */
  boolean fire() {
    matched.incrementAndGet();
    if (exhausted()) {
      return false;
    }
    if (probability != null) {
      synchronized (random) {
        if (random.nextDouble() >= probability) {
          return false;
        }
      }
    }
    if (count != null && remaining.getAndDecrement() <= 0) {
      remaining.incrementAndGet();
      return false;
    }
    fired.incrementAndGet();
    return true;
  }

  public ObjectNode toJson() {
    ObjectNode json = Json.object().put("id", id).put("service", service);
    if (operation != null) {
      json.put("operation", operation);
    }
    if (function != null) {
      json.put("function", function);
    }
    if (table != null) {
      json.put("table", table);
    }
    if (error != null) {
      json.put("error", error).put("status", status);
      if (message != null) {
        json.put("message", message);
      }
    }
    if (latencyMs > 0) {
      json.put("latencyMs", latencyMs);
    }
    if (crash) {
      json.put("crash", true).put("at", at.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (failBatch) {
      json.put("failBatch", true).put("at", at.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (count != null) {
      json.put("count", count).put("remaining", remaining());
    }
    if (probability != null) {
      json.put("probability", probability).put("seed", seed);
    }
    json.put("matched", matched.get()).put("fired", fired.get());
    return json;
  }
}
