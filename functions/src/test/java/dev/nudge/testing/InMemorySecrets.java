package dev.nudge.testing;

import dev.nudge.platform.SecretSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Secrets held in memory, standing in for SSM Parameter Store until the local cloud serves it.
 * It implements Nudge's own SecretSource interface; no AWS client is mocked.
 */
public final class InMemorySecrets implements SecretSource {
  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();

  public InMemorySecrets put(String name, String value) {
    values.put(name, value);
    return this;
  }

  public int reads() {
    return reads.get();
  }

  @Override
  public Optional<String> get(String name) {
    reads.incrementAndGet();
    return Optional.ofNullable(values.get(name));
  }
}
