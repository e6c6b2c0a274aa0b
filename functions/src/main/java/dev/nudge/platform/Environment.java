package dev.nudge.platform;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a handler reads from its surroundings when it is constructed: its environment variables
 * and the clock.
 *
 * <p>In Lambda that is {@code System.getenv()} and the system clock. The local cloud runs every
 * function in one JVM, each with its own variables from template.yaml and all on one virtual
 * clock, so it constructs handlers inside {@link #with}. Handlers therefore read their whole
 * configuration in the constructor, never later: that is also what keeps a SnapStart restore and
 * a warm invocation cheap.
 */
public record Environment(Map<String, String> variables, Clock clock) {
  private static final ThreadLocal<Environment> SCOPED = new ThreadLocal<>();

  public Environment {
    variables = Map.copyOf(variables);
    Objects.requireNonNull(clock, "clock");
  }

  /** The environment a handler constructed now should use. */
  public static Environment current() {
    Environment scoped = SCOPED.get();
    return scoped != null ? scoped : new Environment(System.getenv(), Clock.systemUTC());
  }

  /** Runs {@code construct} (typically a handler's no-argument constructor) inside {@code env}. */
  public static <T> T with(Environment env, Supplier<T> construct) {
    Environment previous = SCOPED.get();
    SCOPED.set(env);
    try {
      return construct.get();
    } finally {
      if (previous == null) {
        SCOPED.remove();
      } else {
        SCOPED.set(previous);
      }
    }
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(variables.get(name)).filter(v -> !v.isBlank());
  }

  /** A required variable; a missing one is a deployment error that names the variable. */
  public String require(String name) {
    return optional(name)
        .orElseThrow(() -> new IllegalStateException("environment variable " + name + " is not set"));
  }
}
