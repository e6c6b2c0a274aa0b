package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.platform.Json;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.Workflows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The router against DynamoDB Local; Step Functions is a recorder that keeps names unique as AWS does. */
class RouterTest {
  private static final Instant START = Instant.parse("2026-11-23T11:00:00Z");

  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final ContactRepository contacts = new ContactRepository(ddb, TemplateTables.create(ddb, "ContactsTable"));
  private final JourneyStore journeys = new JourneyStore(ddb, TemplateTables.create(ddb, "JourneysTable"));
  private final MutableClock clock = new MutableClock(START);
  private final Workflows workflows = new Workflows(new BundledTemplates());
  private final List<Router.LiveWorkflow> live = new ArrayList<>();

  /** Step Functions as the router sees it: unique execution names, tokens valid once, stops. */
  private final Set<String> names = new HashSet<>();
  private final List<String> starts = new ArrayList<>();
  private final List<String> resumes = new ArrayList<>();
  private final List<String> stops = new ArrayList<>();
  private final Router.Executions executions = new Router.Executions() {
    @Override
    public boolean start(String alias, String name, String input) {
      if (!names.add(name)) {
        return false;
      }
      starts.add(alias + " " + input);
      return true;
    }

    @Override
    public boolean resume(String token, String output) {
      if (resumes.stream().anyMatch(r -> r.startsWith(token + " "))) {
        return false;
      }
      resumes.add(token + " " + output);
      return true;
    }

    @Override
    public void stop(String executionArn, String error, String cause) {
      stops.add(executionArn + " " + error);
    }
  };
  private final Router router = new Router(new Router.Registry() {
    @Override
    public List<Router.LiveWorkflow> live() {
      return live;
    }

    @Override
    public Optional<Router.LiveWorkflow> get(String id) {
      return live.stream().filter(l -> l.workflow().id().equals(id)).findFirst();
    }
  }, contacts, journeys, executions, clock);

  private Workflow publish(String id, boolean paused) {
    Workflow workflow = workflows.load(Workflows.bundledText(id));
    live.add(new Router.LiveWorkflow(workflow, "arn:aws:states:eu-west-1:1:stateMachine:nudge-" + id + ":live", paused));
    return workflow;
  }

  private void contact(String id, boolean consent) {
    contacts.createIfAbsent(id, clock.instant());
    contacts.update(id, new ProfileUpdate(id + "@example.com", null, Map.of(), "Europe/Madrid", null, Set.of(), Set.of(), null,
        consent ? Map.of(Channel.EMAIL, new Consent(ConsentStatus.SUBSCRIBED, "test", clock.instant())) : Map.of()), clock.instant());
  }

  private TrackedEvent event(String contactId, String id, String type, ObjectNode properties) {
    return new TrackedEvent(contactId, id, type, properties, clock.instant(), clock.instant(), "test");
  }

  private TrackedEvent cart(String contactId, String id, int items) {
    return event(contactId, id, "cart.updated", Json.object().put("items", items));
  }

  /** What Enter would record once the execution runs. */
  private String enter(String contactId, String workflowId, String eventId) {
    String arn = "arn:aws:states:eu-west-1:1:execution:nudge-" + workflowId + ":" + Router.executionName(workflowId, contactId, eventId);
    journeys.started(contactId, workflowId, arn, "v1", clock.instant());
    return arn;
  }

  @Test
  void theSameTriggerEventDeliveredThreeTimesStartsOneJourney() {
    publish("abandoned-cart", false);
    contact("c1", true);
    for (int i = 0; i < 3; i++) {
      router.route(cart("c1", "evt-1", 2));
    }
    assertThat(starts).singleElement().satisfies(s -> {
      assertThat(s).startsWith("arn:aws:states:eu-west-1:1:stateMachine:nudge-abandoned-cart:live ");
      assertThat(s).contains("\"contact\":{\"id\":\"c1\"}").contains("\"items\":2");
    });
  }

  @Test
  void anEventNotMatchingTheTriggerFilterStartsNothing() {
    publish("abandoned-cart", false);
    contact("c1", true);
    router.route(cart("c1", "evt-1", 0));
    assertThat(starts).isEmpty();
  }

  @Test
  void aContactOutsideTheAudienceDoesNotEnter() {
    publish("abandoned-cart", false);
    contact("c2", false);
    router.route(cart("c2", "evt-1", 2));
    assertThat(starts).isEmpty();
  }

  @Test
  void aPausedWorkflowTakesNoNewJourneys() {
    publish("abandoned-cart", true);
    contact("c1", true);
    router.route(cart("c1", "evt-1", 2));
    assertThat(starts).isEmpty();
  }

  @Test
  void aContactHasOneActiveJourneyPerWorkflowAndReentersAfterTheCooldown() {
    publish("abandoned-cart", false);
    contact("c1", true);
    router.route(cart("c1", "evt-1", 2));
    String first = enter("c1", "abandoned-cart", "evt-1");
    router.route(cart("c1", "evt-2", 3));
    assertThat(starts).as("still active").hasSize(1);
    journeys.ended("c1", "abandoned-cart", first, JourneyStore.Status.COMPLETED, null, clock.instant());
    clock.advance(Duration.ofDays(3));
    router.route(cart("c1", "evt-3", 3));
    assertThat(starts).as("within the 7-day cooldown").hasSize(1);
    clock.advance(Duration.ofDays(5));
    router.route(cart("c1", "evt-4", 3));
    assertThat(starts).as("after the cooldown").hasSize(2);
  }

  @Test
  void reentryNeverKeepsAContactOutAfterItsFirstJourney() {
    publish("welcome-series", false);
    contact("c1", true);
    router.route(event("c1", "s-1", "contact.subscribed", Json.object()));
    String arn = enter("c1", "welcome-series", "s-1");
    journeys.ended("c1", "welcome-series", arn, JourneyStore.Status.COMPLETED, null, clock.instant());
    router.route(event("c1", "s-2", "contact.subscribed", Json.object()));
    assertThat(starts).hasSize(1);
  }

  @Test
  void anOpenOfTheAwaitedMessageResumesTheJourneyOnce() {
    publish("abandoned-cart", false);
    contact("c1", true);
    String arn = enter("c1", "abandoned-cart", "evt-1");
    journeys.registerWait(new JourneyStore.Wait("c1", "email.opened", arn, "reminder-opened", "abandoned-cart", "token-1",
        "msg-7", null, clock.instant().plus(Duration.ofDays(2))));
    router.route(event("c1", "o-1", "email.opened", Json.object().put("messageId", "msg-other")));
    assertThat(resumes).as("another message").isEmpty();
    router.route(event("c1", "o-2", "email.opened", Json.object().put("messageId", "msg-7")));
    router.route(event("c1", "o-2", "email.opened", Json.object().put("messageId", "msg-7")));
    assertThat(resumes).singleElement().satisfies(r -> assertThat(r).startsWith("token-1 ").contains("\"type\":\"email.opened\""));
    assertThat(journeys.waitsFor("c1", "email.opened")).isEmpty();
  }

  @Test
  void aPurchaseDuringTheJourneyEndsItAsAConversion() {
    publish("abandoned-cart", false);
    contact("c1", true);
    String arn = enter("c1", "abandoned-cart", "evt-1");
    clock.advance(Duration.ofHours(5));
    router.route(event("c1", "order-1", "order.completed", Json.object()));
    router.route(event("c1", "order-1", "order.completed", Json.object()));
    assertThat(stops).containsExactly(arn + " Nudge.converted");
    assertThat(journeys.find("c1", "abandoned-cart", arn).orElseThrow().status()).isEqualTo("converted");
  }

  @Test
  void anExitEventEndsTheJourneyWithoutConversion() {
    publish("abandoned-cart", false);
    contact("c1", true);
    String arn = enter("c1", "abandoned-cart", "evt-1");
    router.route(event("c1", "x-1", "cart.emptied", Json.object()));
    assertThat(stops).containsExactly(arn + " Nudge.exited");
    assertThat(journeys.find("c1", "abandoned-cart", arn).orElseThrow().status()).isEqualTo("exited");
  }

  @Test
  void executionNamesAreStableAndValidForStepFunctions() {
    String name = Router.executionName("abandoned-cart", "c1", "evt-1");
    assertThat(name).isEqualTo(Router.executionName("abandoned-cart", "c1", "evt-1")).matches("[0-9a-f]{40}");
    assertThat(Router.executionName("abandoned-cart", "c1", "evt-2")).isNotEqualTo(name);
  }
}
