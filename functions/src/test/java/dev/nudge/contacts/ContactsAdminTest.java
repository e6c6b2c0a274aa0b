package dev.nudge.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ContactsAdminTest {
  private final TrackingStack stack = new TrackingStack();

  private Response admin(String method, String id, String limit) {
    ObjectNode event = TrackingStack.fixture("contacts-admin-get.json");
    String route = method + " /v1/contacts/{id}";
    event.put("routeKey", route).put("rawPath", "/v1/contacts/" + id);
    ((ObjectNode) event.get("requestContext")).put("routeKey", route);
    ((ObjectNode) event.get("requestContext").get("http")).put("method", method).put("path", "/v1/contacts/" + id);
    ((ObjectNode) event.get("pathParameters")).put("id", id);
    if (limit == null) {
      event.remove("queryStringParameters");
      event.put("rawQueryString", "");
    } else {
      ((ObjectNode) event.get("queryStringParameters")).put("limit", limit);
    }
    return TrackingStack.invoke(stack.admin, event);
  }

  private void seedKnownContactWithAnonymousHistory() {
    stack.browser("POST /v1/track", "{\"id\":\"a1\",\"type\":\"page.viewed\",\"anonymousId\":\"vis-1\","
        + "\"occurredAt\":\"2025-12-31T08:00:00Z\"}");
    stack.signed("POST /v1/identify", "{\"contactId\":\"cust-1\",\"email\":\"cust1@example.com\",\"anonymousId\":\"vis-1\","
        + "\"attributes\":{\"plan\":\"pro\"},\"consent\":{\"email\":{\"status\":\"subscribed\",\"source\":\"import\"}}}");
    stack.signed("POST /v1/track", "{\"id\":\"k1\",\"type\":\"order.completed\",\"contactId\":\"cust-1\","
        + "\"occurredAt\":\"2025-12-31T09:00:00Z\",\"properties\":{\"total\":20}}");
  }

  @Test
  void returnsTheProfileAndTheTimelineNewestFirst() {
    seedKnownContactWithAnonymousHistory();
    stack.countStoredEvents();

    Response response = admin("GET", "cust-1", null);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var contact = response.json().path("contact");
    assertThat(contact.path("email").asText()).isEqualTo("cust1@example.com");
    assertThat(contact.path("attributes").path("plan").asText()).isEqualTo("pro");
    assertThat(contact.path("consent").path("email").path("status").asText()).isEqualTo("subscribed");
    assertThat(contact.path("events").path("order.completed").path("count").asInt()).isEqualTo(1);
    assertThat(contact.path("lastSeenAt").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
    var timeline = response.json().path("timeline");
    // Subscribing writes the consent record and the contact.subscribed workflows trigger on.
    assertThat(java.util.List.of(timeline.get(0).path("type").asText(), timeline.get(1).path("type").asText()))
        .containsExactlyInAnyOrder("consent.changed", "contact.subscribed");
    assertThat(timeline.get(2).path("id").asText()).isEqualTo("k1");
    assertThat(timeline.get(3).path("id").asText()).isEqualTo("a1");
    assertThat(timeline.get(2).path("properties").path("total").asInt()).isEqualTo(20);
  }

  @Test
  void theTimelineLimitIsHonouredAndValidated() {
    seedKnownContactWithAnonymousHistory();

    assertThat(admin("GET", "cust-1", "2").json().path("timeline")).hasSize(2);
    Response bad = admin("GET", "cust-1", "0");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorField()).isEqualTo("limit");
  }

  @Test
  void anUnknownContactIs404() {
    Response response = admin("GET", "nobody", null);
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.errorField()).isEqualTo("id");
  }

  @Test
  void erasureDeletesTheContactItsMergedHistoryAndEveryEvent() {
    seedKnownContactWithAnonymousHistory();
    stack.signed("POST /v1/track", "{\"id\":\"other\",\"type\":\"page.viewed\",\"contactId\":\"someone-else\"}");

    Response response = admin("DELETE", "cust-1", null);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("eventsDeleted").asInt()).isEqualTo(4); // a1, k1, consent.changed, contact.subscribed
    assertThat(stack.events.count("cust-1")).isZero();
    assertThat(stack.events.count("anon:vis-1")).isZero();
    assertThat(stack.contacts.find("cust-1")).isEmpty();
    assertThat(stack.contacts.find("anon:vis-1")).isEmpty();
    assertThat(stack.contacts.idByEmail("cust1@example.com")).isEmpty();
    assertThat(admin("GET", "cust-1", null).status()).isEqualTo(404);
    // Nothing of anyone else is touched.
    assertThat(stack.events.count("someone-else")).isEqualTo(1);
    var scan = stack.ddb.scan(b -> b.tableName(stack.contactsTable)).items();
    assertThat(scan).allSatisfy(item -> assertThat(item.get("pk")).isEqualTo(AttributeValue.fromS("C#someone-else")));
  }

  @Test
  void erasingTwiceAnswers404TheSecondTime() {
    seedKnownContactWithAnonymousHistory();
    admin("DELETE", "cust-1", null);

    assertThat(admin("DELETE", "cust-1", null).status()).isEqualTo(404);
  }

  @Test
  void theAdminRoutesRequireIamAuthInTheTemplate() {
    var routes = dev.nudge.testing.SamTemplate.load().httpRoutes();
    assertThat(routes).filteredOn(r -> r.path().startsWith("/v1/contacts"))
        .hasSize(2).allMatch(dev.nudge.testing.SamTemplate.Route::iamAuth);
    // The other admin APIs (workflows, templates, scoring, segments, imports) are IAM-only too; the public
    // webhook and consent links are not.
    java.util.function.Predicate<dev.nudge.testing.SamTemplate.Route> admin = r -> java.util.stream.Stream.of(
        "/v1/contacts", "/v1/workflows", "/v1/templates", "/v1/scoring", "/v1/segments", "/v1/lists", "/v1/imports").anyMatch(r.path()::startsWith);
    assertThat(routes).filteredOn(admin).allMatch(dev.nudge.testing.SamTemplate.Route::iamAuth);
    assertThat(routes).filteredOn(admin.negate()).isNotEmpty().noneMatch(dev.nudge.testing.SamTemplate.Route::iamAuth);
  }

  @Test
  void erasureLogsIdsButNoAddress() {
    seedKnownContactWithAnonymousHistory();
    var captured = new java.io.ByteArrayOutputStream();
    var previous = dev.nudge.platform.Log.redirect(new java.io.PrintStream(captured, true));
    try {
      admin("DELETE", "cust-1", null);
    } finally {
      dev.nudge.platform.Log.redirect(previous);
    }
    assertThat(captured.toString()).contains("\"erased\"").contains("cust-1").doesNotContain("cust1@example.com");
  }
}
