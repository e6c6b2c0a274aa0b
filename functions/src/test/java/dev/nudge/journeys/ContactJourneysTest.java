package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.ContactsAdminHandler;
import dev.nudge.journeys.routing.Router;
import dev.nudge.testing.TrackingStack;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** GET /v1/contacts/{id} shows the contact's journeys as the router and the step actions record them. */
class ContactJourneysTest {
  private final JourneyStack stack = new JourneyStack();
  private final ContactsAdminHandler admin = new ContactsAdminHandler(stack.env(), stack.ddb);
  private final Router router = new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(),
      stack.runtime.waits(), stack.executions, stack.clock);

  @Test
  void theContactApiShowsAnActiveJourneyAndAConvertedOne() {
    stack.publish("""
        id: cart
        name: Cart
        trigger: { event: cart.updated }
        reentry: always
        goal: { event: order.completed, within: P7D }
        steps:
          - id: reminder
            email: { template: cart-reminder }
        """);
    stack.publish("""
        id: welcome
        name: Welcome
        trigger: { event: signed.up }
        steps:
          - id: hello
            email: { template: cart-reminder }
        """);
    stack.contact("c1");
    router.route(stack.event("e1", "c1", "cart.updated", "{}"));
    stack.clock.advance(Duration.ofHours(1));
    router.route(stack.event("e2", "c1", "signed.up", "{}"));
    String welcome = stack.executions.started.get(1).executionArn();
    stack.runtime.journeys().atStep("c1", "welcome", welcome, "hello");
    router.route(stack.event("e3", "c1", "order.completed", "{}"));

    ObjectNode event = TrackingStack.fixture("contacts-admin-get.json");
    event.remove("queryStringParameters");
    event.put("rawQueryString", "");
    ((ObjectNode) event.get("pathParameters")).put("id", "c1");
    event.put("rawPath", "/v1/contacts/c1");
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/contacts/c1");
    var response = TrackingStack.invoke(admin, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var journeys = response.json().path("journeys");
    assertThat(journeys).hasSize(2);
    assertThat(journeys.get(0).path("workflowId").asText()).isEqualTo("welcome");
    assertThat(journeys.get(0).path("status").asText()).isEqualTo("active");
    assertThat(journeys.get(0).path("currentStep").asText()).isEqualTo("hello");
    assertThat(journeys.get(0).path("version").asText()).isEqualTo("1");
    assertThat(journeys.get(1).path("workflowId").asText()).isEqualTo("cart");
    assertThat(journeys.get(1).path("outcome").asText()).isEqualTo("converted");
    assertThat(journeys.get(1).path("convertedAt").asText()).isNotEmpty();
  }
}
