package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.platform.Environment;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TrackHandler primes its parsers at init only where init is not paid by a request. */
class TrackHandlerInitTest {
  private static boolean primes(Map<String, String> variables) {
    return TrackHandler.initOffTheRequestPath(new Environment(variables, Clock.systemUTC()));
  }

  @Test
  void aSnapStartInitPrimesBecauseTheSnapshotIsTakenAfterIt() {
    assertThat(primes(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"))).isTrue();
  }

  @Test
  void aProvisionedConcurrencyInitPrimesBecauseItRunsAheadOfTraffic() {
    assertThat(primes(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency"))).isTrue();
  }

  @Test
  void anOnDemandColdStartDoesNotPrime() {
    assertThat(primes(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"))).isFalse();
  }

  @Test
  void outsideLambdaNothingIsPrimed() {
    assertThat(primes(Map.of())).isFalse();
  }
}
