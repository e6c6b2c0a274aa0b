package dev.nudge.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caches secret values per container for a while: one SSM call per secret per {@code ttl}, and a
 * rotated value is picked up within {@code ttl}. Values are fetched on first use, never in a
 * constructor, so a SnapStart snapshot holds no secret.
 */
public final class CachingSecretSource implements SecretSource {
  private record Entry(Optional<String> value, Instant fetchedAt) {}

  private final SecretSource source;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  public CachingSecretSource(SecretSource source, Clock clock, Duration ttl) {
    this.source = source;
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public Optional<String> get(String name) {
    Instant now = clock.instant();
    Entry entry = cache.get(name);
    if (entry == null || !now.isBefore(entry.fetchedAt().plus(ttl))) {
      entry = new Entry(source.get(name), now);
      cache.put(name, entry);
    }
    return entry.value();
  }
}
