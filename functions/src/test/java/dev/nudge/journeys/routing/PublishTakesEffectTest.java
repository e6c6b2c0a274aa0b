package dev.nudge.journeys.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.journeys.JourneyRuntime;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Environment;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.WorkflowPublisher;
import dev.nudge.workflows.admin.WorkflowAdmin;
import dev.nudge.workflows.admin.WorkflowStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the template's 30-second workflow cache, a publish or pause applies to the next stream
 * batch, not up to 30 seconds later: the router checks the revision stamp once per batch.
 */
class PublishTakesEffectTest {
  private static final String CART = """
      id: cart
      name: Cart
      trigger: { event: cart.updated }
      reentry: always
      steps:
        - id: reminder
          email: { template: cart-reminder }
      """;

  private final JourneyStack stack = new JourneyStack();
  private final JourneyRuntime cached = JourneyRuntime.of(new Environment(Map.of(
      "CONTACTS_TABLE", stack.variables.get("CONTACTS_TABLE"), "JOURNEYS_TABLE", stack.variables.get("JOURNEYS_TABLE"),
      "WORKFLOWS_TABLE", stack.variables.get("WORKFLOWS_TABLE"), "WORKFLOW_CACHE_SECONDS", "30"), stack.clock),
      stack.ddb, stack.executions);
  private final RouterHandler router = new RouterHandler(cached);
  private final WorkflowAdmin admin = new WorkflowAdmin(stack.runtime.store(), new BundledTemplates(),
      (w, d, n) -> new WorkflowPublisher.Published(JourneyStack.stateMachineArn(w.id()),
          JourneyStack.stateMachineArn(w.id()) + ":1", JourneyStack.stateMachineArn(w.id()) + ":live", true),
      stack.runtime.journeys(), stack.runtime.entry(), stack.executions, stack.clock);
  private long sequence = 1;

  private void cartUpdated(String eventId) {
    router.handle(StreamEvents.inserts(sequence++, List.of(stack.event(eventId, "c1", "cart.updated", "{}"))));
  }

  @Test
  void aWorkflowPublishedAMomentAgoStartsAJourneyAtOnce() {
    stack.contact("c1");
    cartUpdated("before"); // fills the router's cache while nothing is published
    assertThat(stack.executions.started).isEmpty();

    admin.saveDraft("cart", CART);
    admin.publish("cart", null);
    cartUpdated("after"); // same instant: the 30 s cache has not expired

    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void aWorkflowPausedAMomentAgoStartsNoJourney() {
    stack.contact("c1");
    admin.saveDraft("cart", CART);
    admin.publish("cart", null);
    cartUpdated("while-active");
    assertThat(stack.executions.started).hasSize(1);

    admin.pause("cart");
    cartUpdated("after-pause");

    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void aWorkflowResumedAMomentAgoStartsJourneysAgain() {
    stack.contact("c1");
    admin.saveDraft("cart", CART);
    admin.publish("cart", null);
    admin.pause("cart");
    cartUpdated("while-paused");
    assertThat(stack.executions.started).isEmpty();

    admin.resume("cart");
    cartUpdated("after-resume");

    assertThat(stack.executions.started).hasSize(1);
  }

  @Test
  void listingWorkflowsDoesNotSeeTheRevisionStamp() {
    admin.saveDraft("cart", CART);
    admin.publish("cart", null);

    assertThat(stack.runtime.store().revision()).isPositive();
    assertThat(stack.runtime.store().list()).extracting(WorkflowStore.Meta::id).containsExactly("cart");
  }
}
