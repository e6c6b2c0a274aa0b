package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.ContactsAdminHandler;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TrackingStack;
import dev.nudge.tracking.TrackHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The no-argument constructors, as Lambda and the local cloud call them: configuration from
 * {@link Environment#current()} (here scoped with {@link Environment#with}), SDK clients from the
 * default chain redirected by the aws.* system properties, as the local cloud will do.
 */
class DefaultWiringTest {
  private static final String[] PROPERTIES = {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"};

  @BeforeAll
  static void pointTheSdkAtDynamoDbLocal() {
    System.setProperty("aws.endpointUrl", LocalDynamoDb.endpoint().toString());
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  @AfterAll
  static void restore() {
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
  }

  @Test
  void aTrackHandlerBuiltFromItsEnvironmentStoresABrowserEvent() {
    TrackingStack stack = new TrackingStack();
    TrackHandler handler = Environment.with(stack.env, TrackHandler::new);

    var response = TrackingStack.invoke(handler, TrackingStack.event("identify-browser.json", "POST /v1/track",
        "{\"id\":\"wired-1\",\"type\":\"page.viewed\",\"anonymousId\":\"wired\"}"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(stack.events.count("anon:wired")).isEqualTo(1);
  }

  @Test
  void anAdminHandlerBuiltFromItsEnvironmentReadsItsTables() {
    TrackingStack stack = new TrackingStack();
    stack.signed("POST /v1/track", "{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"wired-user\"}");
    stack.countStoredEvents();
    ContactsAdminHandler handler = Environment.with(stack.env, ContactsAdminHandler::new);

    var event = TrackingStack.fixture("contacts-admin-get.json");
    event.put("rawPath", "/v1/contacts/wired-user");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("pathParameters")).put("id", "wired-user");
    var response = TrackingStack.invoke(handler, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("contact").path("id").asText()).isEqualTo("wired-user");
  }

  @Test
  void aMissingTableVariableIsADeploymentErrorNamingIt() {
    var env = new Environment(java.util.Map.of("EVENTS_TABLE", "e"), java.time.Clock.systemUTC());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Environment.with(env, ContactsAdminHandler::new))
        .hasMessageContaining("CONTACTS_TABLE");
  }
}
