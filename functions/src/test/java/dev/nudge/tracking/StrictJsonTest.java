package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import org.junit.jupiter.api.Test;

/**
 * A body that a lenient parser would read differently from what the caller meant is refused
 * whole: 400 naming the problem, and nothing stored.
 */
class StrictJsonTest {
  private final TrackingStack stack = new TrackingStack();

  private void assertRefused(String body, String problem) {
    Response response = stack.signed("POST /v1/track", body);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("body");
    assertThat(response.json().path("error").path("message").asText()).contains(problem);
    assertThat(stack.eventItems()).isZero();
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void refusesASecondValueAfterTheFirst() {
    assertRefused("{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c\"} {\"id\":\"e2\",\"type\":\"page.viewed\",\"contactId\":\"c\"}",
        "trailing content");
  }

  @Test
  void refusesADuplicateKey() {
    assertRefused("{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"contactId\":\"d\"}", "duplicate key");
  }

  @Test
  void refusesADuplicateKeyInsideProperties() {
    assertRefused("{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"properties\":{\"plan\":\"a\",\"plan\":\"b\"}}",
        "duplicate key");
  }

  @Test
  void refusesNaN() {
    assertRefused("{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"properties\":{\"v\":NaN}}", "NaN");
  }

  @Test
  void refusesInfinity() {
    assertRefused("{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"properties\":{\"v\":-Infinity}}", "NaN");
  }

  @Test
  void acceptsTrailingWhitespace() {
    Response response = stack.signed("POST /v1/track", "{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c\"}\n  ");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(stack.eventItems()).isEqualTo(1);
  }
}
