package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthenticationTest {
  private final TrackingStack stack = new TrackingStack();
  private static final String BODY = "{\"id\":\"e1\",\"type\":\"page.viewed\",\"contactId\":\"c1\"}";

  @Test
  void acceptsARequestSignedWithACurrentKey() {
    assertThat(stack.signed("POST /v1/track", BODY).status()).isEqualTo(200);
  }

  @Test
  void acceptsTheOldKeyDuringRotation() {
    Response response = stack.signed("POST /v1/track", BODY, "shop-2025-12", "old-key", stack.clock.instant());
    assertThat(response.status()).isEqualTo(200);
    assertThat(stack.eventItems()).isEqualTo(1);
  }

  @Test
  void rejectsASignatureMadeWithAnotherSecret() {
    Response response = stack.signed("POST /v1/track", BODY, TrackingStack.KEY_ID, "guessed-secret", stack.clock.instant());
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.errorField()).isEqualTo("X-Nudge-Signature");
    assertThat(stack.eventItems()).isZero();
  }

  @Test
  void rejectsABodyChangedAfterSigning() {
    ObjectNode event = TrackingStack.event("track-signed.json", "POST /v1/track", BODY);
    Response signed = stack.signed("POST /v1/track", BODY);
    assertThat(signed.status()).isEqualTo(200);
    // Re-sign the original, then tamper: same headers, different body.
    String ts = Long.toString(stack.clock.instant().getEpochSecond());
    ((ObjectNode) event.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID).put("x-nudge-timestamp", ts)
        .put("x-nudge-signature", "v1=" + java.util.HexFormat.of().formatHex(RequestAuthenticator.sign(
            TrackingStack.KEY_SECRET, ts, BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    event.put("body", BODY.replace("c1", "c2"));
    Response tampered = TrackingStack.invoke(stack.track, event);
    assertThat(tampered.status()).isEqualTo(401);
    assertThat(stack.events.count("c2")).isZero();
  }

  @Test
  void rejectsAnUnknownKeyId() {
    Response response = stack.signed("POST /v1/track", BODY, "retired-key", TrackingStack.KEY_SECRET, stack.clock.instant());
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.errorField()).isEqualTo("X-Nudge-Key-Id");
  }

  @Test
  void rejectsATimestampMoreThanFiveMinutesOld() {
    Response response = stack.signed("POST /v1/track", BODY, TrackingStack.KEY_ID, TrackingStack.KEY_SECRET,
        stack.clock.instant().minus(Duration.ofMinutes(5)).minusSeconds(1));
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.errorField()).isEqualTo("X-Nudge-Timestamp");
    assertThat(stack.eventItems()).isZero();
  }

  @Test
  void rejectsATimestampMoreThanFiveMinutesAhead() {
    Response response = stack.signed("POST /v1/track", BODY, TrackingStack.KEY_ID, TrackingStack.KEY_SECRET,
        stack.clock.instant().plus(Duration.ofMinutes(5)).plusSeconds(1));
    assertThat(response.status()).isEqualTo(401);
  }

  @Test
  void acceptsATimestampJustInsideTheWindow() {
    Response response = stack.signed("POST /v1/track", BODY, TrackingStack.KEY_ID, TrackingStack.KEY_SECRET,
        stack.clock.instant().minus(Duration.ofMinutes(5)));
    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void aCapturedRequestReplayedLaterIsRejected() {
    Response original = stack.signed("POST /v1/track", BODY);
    assertThat(original.status()).isEqualTo(200);
    ObjectNode captured = TrackingStack.event("track-signed.json", "POST /v1/track", BODY);
    String ts = Long.toString(stack.clock.instant().getEpochSecond());
    ((ObjectNode) captured.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID).put("x-nudge-timestamp", ts)
        .put("x-nudge-signature", "v1=" + java.util.HexFormat.of().formatHex(RequestAuthenticator.sign(
            TrackingStack.KEY_SECRET, ts, BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    stack.clock.advance(Duration.ofMinutes(6));
    assertThat(TrackingStack.invoke(stack.track, captured).status()).isEqualTo(401);
  }

  @Test
  void rejectsARequestWithoutCredentials() {
    ObjectNode event = TrackingStack.event("track-signed.json", "POST /v1/track", BODY);
    ObjectNode headers = (ObjectNode) event.get("headers");
    headers.remove("x-nudge-key-id");
    headers.remove("x-nudge-timestamp");
    headers.remove("x-nudge-signature");
    Response response = TrackingStack.invoke(stack.track, event);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void aWriteKeyMaySendPageAndFormEvents() {
    Response page = stack.browser("POST /v1/track", "{\"id\":\"w1\",\"type\":\"page.viewed\",\"anonymousId\":\"v-1\"}");
    Response form = stack.browser("POST /v1/track", "{\"id\":\"w2\",\"type\":\"form.submitted\",\"anonymousId\":\"v-1\"}");
    assertThat(page.status()).isEqualTo(200);
    assertThat(form.status()).isEqualTo(200);
    assertThat(stack.events.count("anon:v-1")).isEqualTo(2);
  }

  @Test
  void aWriteKeyMayNotSendOtherEvents() {
    Response response = stack.browser("POST /v1/track", "{\"id\":\"w1\",\"type\":\"order.completed\",\"anonymousId\":\"v-1\"}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.errorField()).isEqualTo("type");
    assertThat(stack.eventItems()).isZero();
  }

  @Test
  void aWriteKeyMayNotNameAContactById() {
    Response response = stack.browser("POST /v1/track", "{\"id\":\"w1\",\"type\":\"page.viewed\",\"contactId\":\"user-1\"}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.errorField()).isEqualTo("contactId");
  }

  @Test
  void aWriteKeyFromAnOriginNotAllowedIsForbidden() {
    ObjectNode event = TrackingStack.event("identify-browser.json", "POST /v1/track",
        "{\"id\":\"w1\",\"type\":\"page.viewed\",\"anonymousId\":\"v-1\"}");
    ((ObjectNode) event.get("headers")).put("origin", "https://evil.example.net");
    Response response = TrackingStack.invoke(stack.track, event);
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.errorField()).isEqualTo("Origin");
    assertThat(stack.eventItems()).isZero();
  }

  @Test
  void anUnknownWriteKeyIsUnauthorized() {
    ObjectNode event = TrackingStack.event("identify-browser.json", "POST /v1/track",
        "{\"id\":\"w1\",\"type\":\"page.viewed\",\"anonymousId\":\"v-1\"}");
    ((ObjectNode) event.get("headers")).put("x-nudge-write-key", "pk_guess");
    assertThat(TrackingStack.invoke(stack.track, event).status()).isEqualTo(401);
  }

  @Test
  void secretsAreReadOncePerCacheLifetimeNotPerRequest() {
    var cached = new dev.nudge.platform.CachingSecretSource(stack.secrets, stack.clock, Duration.ofMinutes(5));
    var handler = new TrackHandler(stack.env, stack.ddb, cached);
    int before = stack.secrets.reads();
    for (int i = 0; i < 3; i++) {
      String body = "{\"id\":\"c" + i + "\",\"type\":\"page.viewed\",\"contactId\":\"c1\"}";
      ObjectNode event = TrackingStack.event("track-signed.json", "POST /v1/track", body);
      String ts = Long.toString(stack.clock.instant().getEpochSecond());
      ((ObjectNode) event.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID).put("x-nudge-timestamp", ts)
          .put("x-nudge-signature", "v1=" + java.util.HexFormat.of().formatHex(RequestAuthenticator.sign(
              TrackingStack.KEY_SECRET, ts, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      assertThat(TrackingStack.invoke(handler, event).status()).isEqualTo(200);
    }
    assertThat(stack.secrets.reads() - before).isEqualTo(1);
  }
}
