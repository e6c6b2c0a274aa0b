package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ContactsAdminHandler;
import dev.nudge.testing.CountingDynamoDb;
import dev.nudge.testing.SamTemplate;
import dev.nudge.testing.TrackingStack;
import dev.nudge.tracking.ConsentHandler;
import dev.nudge.tracking.RequestAuthenticator;
import dev.nudge.tracking.TrackHandler;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each function's IAM policy in template.yaml allows every DynamoDB call its handler makes (the
 * calls are recorded from real runs of every route against DynamoDB Local), and no policy has a
 * wildcard action.
 */
class LeastPrivilegeTest {
  private final TrackingStack stack = new TrackingStack();

  private String logical(String permission) {
    return permission.replace(stack.contactsTable, "ContactsTable").replace(stack.eventsTable, "EventsTable")
        .replace(stack.journeysTable, "JourneysTable");
  }

  /** "dynamodb:Query ContactsTable/index/byEmail" for every action and resource the function's policy grants. */
  private static Set<String> granted(String function) {
    Set<String> grants = new HashSet<>();
    for (JsonNode policy : SamTemplate.load().resource(function).path("Properties").path("Policies")) {
      for (JsonNode statement : policy.path("Statement")) {
        JsonNode actions = statement.path("Action");
        JsonNode resources = statement.path("Resource");
        for (JsonNode action : actions.isArray() ? actions : java.util.List.of(actions)) {
          for (JsonNode resource : resources.isArray() ? resources : java.util.List.of(resources)) {
            String r = resource.asText().replace("${", "").replace(".Arn}", "").replace(".Arn", "");
            grants.add(action.asText() + " " + r);
          }
        }
      }
    }
    return grants;
  }

  private ObjectNode signed(String route, String body) {
    ObjectNode event = TrackingStack.event("track-signed.json", route, body);
    String ts = Long.toString(stack.clock.instant().getEpochSecond());
    ((ObjectNode) event.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID).put("x-nudge-timestamp", ts)
        .put("x-nudge-signature", "v1=" + HexFormat.of().formatHex(RequestAuthenticator.sign(
            TrackingStack.KEY_SECRET, ts, body.getBytes(StandardCharsets.UTF_8))));
    return event;
  }

  private ObjectNode pathEvent(String route, String param, String value) {
    String path = route.substring(route.indexOf(' ') + 1).replace("{" + param + "}", value);
    ObjectNode event = TrackingStack.event("track-signed.json", route, route.startsWith("POST") ? "List-Unsubscribe=One-Click" : null);
    event.put("rawPath", path);
    ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
    event.putObject("pathParameters").put(param, value);
    return event;
  }

  private void assertGranted(String function, CountingDynamoDb calls) {
    Set<String> missing = new TreeSet<>();
    Set<String> grants = granted(function);
    for (String permission : calls.permissions()) {
      if (!grants.contains(logical(permission))) {
        missing.add(logical(permission));
      }
    }
    assertThat(calls.permissions()).isNotEmpty();
    assertThat(missing).as("calls of %s that its policy does not allow", function).isEmpty();
  }

  @Test
  void trackFunctionsPolicyCoversTrackingIdentifyingAndMerging() {
    CountingDynamoDb calls = new CountingDynamoDb();
    TrackHandler handler = new TrackHandler(stack.env, calls.client(), stack.secrets);
    TrackingStack.invoke(handler, signed("POST /v1/track", "{\"id\":\"a\",\"type\":\"page.viewed\",\"anonymousId\":\"v1\"}"));
    TrackingStack.invoke(handler, signed("POST /v1/track", "{\"id\":\"b\",\"type\":\"page.viewed\",\"email\":\"x@example.com\"}"));
    TrackingStack.invoke(handler, signed("POST /v1/track", "{\"id\":\"c\",\"type\":\"page.viewed\",\"phone\":\"+34612345678\"}"));
    TrackingStack.invoke(handler, signed("POST /v1/track", "{\"id\":\"d\",\"type\":\"page.viewed\",\"contactId\":\"u\"}"));
    var identified = TrackingStack.invoke(handler, signed("POST /v1/identify", "{\"contactId\":\"u\",\"anonymousId\":\"v1\","
        + "\"email\":\"u@example.com\",\"phone\":\"+34612345670\",\"lists\":{\"add\":[\"a\"],\"remove\":[\"b\"]},"
        + "\"consent\":{\"email\":{\"status\":\"subscribed\",\"doubleOptIn\":true}}}"));
    assertThat(identified.status()).as(identified.body()).isEqualTo(200);
    assertThat(identified.json().path("merged").asBoolean()).isTrue();

    assertGranted("TrackFunction", calls);
  }

  @Test
  void consentFunctionsPolicyCoversConfirmAndUnsubscribe() {
    var identified = stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"email\":\"u@example.com\","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\",\"doubleOptIn\":true}}}");
    String confirm = identified.json().path("consent").path("email").path("confirmationToken").asText();
    CountingDynamoDb calls = new CountingDynamoDb();
    ConsentHandler handler = new ConsentHandler(stack.env, calls.client(), stack.secrets);

    assertThat(TrackingStack.invoke(handler, pathEvent("GET /v1/confirm/{token}", "token", confirm)).status()).isEqualTo(200);
    String unsubscribe = stack.tokens.unsubscribe("u", Channel.EMAIL);
    assertThat(TrackingStack.invoke(handler, pathEvent("GET /v1/unsubscribe/{token}", "token", unsubscribe)).status()).isEqualTo(200);
    assertThat(TrackingStack.invoke(handler, pathEvent("POST /v1/unsubscribe/{token}", "token", unsubscribe)).status()).isEqualTo(200);

    assertGranted("ConsentFunction", calls);
  }

  @Test
  void contactsAdminFunctionsPolicyCoversLookupAndErasure() {
    stack.browser("POST /v1/track", "{\"id\":\"a\",\"type\":\"page.viewed\",\"anonymousId\":\"v1\"}");
    stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"anonymousId\":\"v1\"}");
    CountingDynamoDb calls = new CountingDynamoDb();
    ContactsAdminHandler handler = new ContactsAdminHandler(stack.env, calls.client());

    assertThat(TrackingStack.invoke(handler, pathEvent("GET /v1/contacts/{id}", "id", "u")).status()).isEqualTo(200);
    assertThat(TrackingStack.invoke(handler, pathEvent("DELETE /v1/contacts/{id}", "id", "u")).status()).isEqualTo(200);

    assertGranted("ContactsAdminFunction", calls);
  }

  @Test
  void noPolicyGrantsAWildcardAction() {
    for (String function : Set.of("TrackFunction", "ConsentFunction", "ContactsAdminFunction")) {
      assertThat(granted(function)).isNotEmpty().noneMatch(g -> g.substring(0, g.indexOf(' ')).contains("*"));
    }
  }
}
