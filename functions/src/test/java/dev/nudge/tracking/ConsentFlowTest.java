package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ConsentTokens;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsentFlowTest {
  private final TrackingStack stack = new TrackingStack();

  private Response open(String route, String token) {
    String path = route.substring(route.indexOf(' ') + 1).replace("{token}", token);
    ObjectNode event = TrackingStack.fixture("unsubscribe-one-click.json");
    event.put("routeKey", route).put("rawPath", path);
    ((ObjectNode) event.get("requestContext")).put("routeKey", route);
    ((ObjectNode) event.get("requestContext").get("http")).put("method", route.substring(0, route.indexOf(' '))).put("path", path);
    ((ObjectNode) event.get("pathParameters")).put("token", token);
    if (route.startsWith("GET")) {
      event.remove("body");
      event.put("isBase64Encoded", false);
    }
    return TrackingStack.invoke(stack.consent, event);
  }

  private ConsentStatus emailStatus(String contactId) {
    return stack.contacts.find(contactId).orElseThrow().consent(Channel.EMAIL).orElseThrow().status();
  }

  private String subscribeWithDoubleOptIn(String contactId) {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"" + contactId + "\",\"email\":\""
        + contactId + "@example.com\",\"consent\":{\"email\":{\"status\":\"subscribed\",\"doubleOptIn\":true,\"source\":\"footer-form\"}}}");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().path("consent").path("email").path("confirmationToken").asText();
  }

  @Test
  void doubleOptInLeavesConsentPendingAndReturnsAConfirmationLink() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"d1\",\"email\":\"d1@example.com\","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\",\"doubleOptIn\":true}}}");

    var email = response.json().path("consent").path("email");
    assertThat(email.path("status").asText()).isEqualTo("pending");
    assertThat(email.path("confirmationUrl").asText())
        .startsWith("https://abc123def4.execute-api.eu-west-1.amazonaws.com/v1/confirm/");
    assertThat(emailStatus("d1")).isEqualTo(ConsentStatus.PENDING);
    assertThat(stack.contacts.find("d1").orElseThrow().reachableBy(Channel.EMAIL)).isFalse();
  }

  @Test
  void theConfirmationLinkSubscribes() {
    String token = subscribeWithDoubleOptIn("d2");
    stack.clock.advance(Duration.ofHours(2));

    Response page = open("GET /v1/confirm/{token}", token);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().path("content-type").asText()).startsWith("text/html");
    var consent = stack.contacts.find("d2").orElseThrow().consent(Channel.EMAIL).orElseThrow();
    assertThat(consent.status()).isEqualTo(ConsentStatus.SUBSCRIBED);
    assertThat(consent.source()).isEqualTo("double-opt-in");
    assertThat(consent.at()).isEqualTo(TrackingStack.START.plus(Duration.ofHours(2)));
  }

  @Test
  void confirmingTwiceIsHarmless() {
    String token = subscribeWithDoubleOptIn("d3");
    open("GET /v1/confirm/{token}", token);
    int events = stack.events.count("d3");

    Response again = open("GET /v1/confirm/{token}", token);

    assertThat(again.status()).isEqualTo(200);
    assertThat(stack.events.count("d3")).isEqualTo(events);
  }

  @Test
  void aConfirmationTokenExpiresAfterSevenDays() {
    String token = subscribeWithDoubleOptIn("d4");
    stack.clock.advance(ConsentTokens.CONFIRMATION_VALIDITY.plusSeconds(1));

    assertThat(open("GET /v1/confirm/{token}", token).status()).isEqualTo(400);
    assertThat(emailStatus("d4")).isEqualTo(ConsentStatus.PENDING);
  }

  @Test
  void aForgedConfirmationTokenIsRefused() {
    String token = subscribeWithDoubleOptIn("d5");
    String other = stack.tokens.confirmation("someone-else", Channel.EMAIL, TrackingStack.START);
    String forged = other.substring(0, other.indexOf('.')) + token.substring(token.indexOf('.'));

    assertThat(open("GET /v1/confirm/{token}", forged).status()).isEqualTo(400);
    assertThat(open("GET /v1/confirm/{token}", "not-a-token").status()).isEqualTo(400);
    assertThat(emailStatus("d5")).isEqualTo(ConsentStatus.PENDING);
  }

  @Test
  void anOldConfirmationTokenDoesNotUndoALaterUnsubscribe() {
    String token = subscribeWithDoubleOptIn("d6");
    stack.clock.advance(Duration.ofMinutes(1));
    open("POST /v1/unsubscribe/{token}", stack.tokens.unsubscribe("d6", Channel.EMAIL));

    Response late = open("GET /v1/confirm/{token}", token);

    assertThat(late.status()).isEqualTo(410);
    assertThat(emailStatus("d6")).isEqualTo(ConsentStatus.UNSUBSCRIBED);
  }

  @Test
  void aWriteKeyCanOnlyAskForDoubleOptInAndGetsNoToken() {
    Response response = stack.browser("POST /v1/identify", "{\"anonymousId\":\"v-77\",\"email\":\"eve@example.com\","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");

    assertThat(response.status()).isEqualTo(200);
    var email = response.json().path("consent").path("email");
    assertThat(email.path("status").asText()).isEqualTo("pending");
    assertThat(email.has("confirmationToken")).isFalse();
    String id = response.json().path("contactId").asText();
    assertThat(emailStatus(id)).isEqualTo(ConsentStatus.PENDING);
    // The pending request is an event, so a confirmation journey can send the link.
    assertThat(stack.contactService.timeline(stack.contacts.find(id).orElseThrow(), 10))
        .anySatisfy(e -> {
          assertThat(e.type()).isEqualTo("consent.changed");
          assertThat(e.properties().path("status").asText()).isEqualTo("pending");
        });
  }

  @Test
  void aWriteKeyMayNotUnsubscribeSomeone() {
    Response response = stack.browser("POST /v1/identify", "{\"email\":\"eve@example.com\","
        + "\"consent\":{\"email\":{\"status\":\"unsubscribed\"}}}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.errorField()).isEqualTo("consent.email.status");
  }

  @Test
  void theUnsubscribePageAsksBeforeUnsubscribing() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"u1\",\"email\":\"u1@example.com\","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");

    Response page = open("GET /v1/unsubscribe/{token}", stack.tokens.unsubscribe("u1", Channel.EMAIL));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\"");
    assertThat(emailStatus("u1")).isEqualTo(ConsentStatus.SUBSCRIBED);
  }

  @Test
  void oneClickUnsubscribeUnsubscribesOnlyThatChannel() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"u2\",\"email\":\"u2@example.com\",\"phone\":\"+34612345679\","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"},\"sms\":{\"status\":\"subscribed\"}}}");
    stack.clock.advance(Duration.ofDays(30));

    Response response = open("POST /v1/unsubscribe/{token}", stack.tokens.unsubscribe("u2", Channel.EMAIL));

    assertThat(response.status()).isEqualTo(200);
    var contact = stack.contacts.find("u2").orElseThrow();
    var email = contact.consent(Channel.EMAIL).orElseThrow();
    assertThat(email.status()).isEqualTo(ConsentStatus.UNSUBSCRIBED);
    assertThat(email.source()).isEqualTo("one-click");
    assertThat(email.at()).isEqualTo(TrackingStack.START.plus(Duration.ofDays(30)));
    assertThat(contact.reachableBy(Channel.EMAIL)).isFalse();
    assertThat(contact.reachableBy(Channel.SMS)).isTrue();
  }

  @Test
  void aConfirmationTokenCannotUnsubscribe() {
    String confirm = subscribeWithDoubleOptIn("u3");
    open("GET /v1/confirm/{token}", confirm);

    assertThat(open("POST /v1/unsubscribe/{token}", confirm).status()).isEqualTo(400);
    assertThat(emailStatus("u3")).isEqualTo(ConsentStatus.SUBSCRIBED);
  }

  @Test
  void resubscribingAfterUnsubscribeNeedsANewConfirmation() {
    String token = subscribeWithDoubleOptIn("u4");
    open("GET /v1/confirm/{token}", token);
    open("POST /v1/unsubscribe/{token}", stack.tokens.unsubscribe("u4", Channel.EMAIL));
    stack.clock.advance(Duration.ofMinutes(1));

    String second = subscribeWithDoubleOptIn("u4");

    assertThat(second).isNotEqualTo(token);
    assertThat(emailStatus("u4")).isEqualTo(ConsentStatus.PENDING);
    assertThat(open("GET /v1/confirm/{token}", second).status()).isEqualTo(200);
    assertThat(emailStatus("u4")).isEqualTo(ConsentStatus.SUBSCRIBED);
  }
}
