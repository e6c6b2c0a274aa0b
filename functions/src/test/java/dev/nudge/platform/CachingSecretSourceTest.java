package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.testing.InMemorySecrets;
import dev.nudge.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CachingSecretSourceTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemorySecrets source = new InMemorySecrets().put("/k", "v1");
  private final CachingSecretSource cache = new CachingSecretSource(source, clock, Duration.ofMinutes(5));

  @Test
  void servesTheCachedValueWithinItsLifetime() {
    assertThat(cache.get("/k")).contains("v1");
    source.put("/k", "v2");
    clock.advance(Duration.ofMinutes(4));

    assertThat(cache.get("/k")).contains("v1");
    assertThat(source.reads()).isEqualTo(1);
  }

  @Test
  void picksUpARotatedValueAfterItsLifetime() {
    cache.get("/k");
    source.put("/k", "v2");
    clock.advance(Duration.ofMinutes(5));

    assertThat(cache.get("/k")).contains("v2");
  }

  @Test
  void aMissingSecretIsEmpty() {
    assertThat(cache.get("/absent")).isEmpty();
  }
}
