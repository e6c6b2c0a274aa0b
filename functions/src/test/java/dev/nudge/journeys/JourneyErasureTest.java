package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.journeys.routing.Router;
import dev.nudge.messaging.SendLedger;
import dev.nudge.stats.StepStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The journeys' part of erasure against DynamoDB Local: what the router, the step actions and the
 * send ledger keep about a contact is found from the contact's partition and deleted, running
 * executions are stopped first, and another contact's items stay.
 */
class JourneyErasureTest {
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
  private final String journeysTable = stack.variables.get("JOURNEYS_TABLE");
  private final String statsTable = stack.variables.get("STATS_TABLE");
  private final SendLedger ledger = new SendLedger(stack.ddb, journeysTable);
  private final StepStats stats = stack.stats();
  private final JourneyErasure erasure = new JourneyErasure(stack.ddb, journeysTable, stack.executions, ledger, stats,
      "arn:aws:states:" + JourneyStack.REGION_ACCOUNT + ":stateMachine:");
  private final Router router = new Router(stack.runtime.workflows(), stack.runtime.entry(), stack.runtime.journeys(),
      stack.runtime.waits(), stack.executions, stack.clock, stats);

  JourneyErasureTest() {
    stack.publish(CART);
    stack.contact("erased-1");
    stack.contact("kept-2");
  }

  /** Starts a cart journey for the contact and gives it what a running journey has: a wait, a sent e-mail. */
  private String journeyWithASendAndAWait(String contactId) {
    router.route(stack.event("e-" + contactId, contactId, "cart.updated", "{}"));
    String arn = stack.executions.started.get(stack.executions.started.size() - 1).executionArn();
    SendLedger.Key send = new SendLedger.Key(arn, "reminder", "2026-03-02T10:00:00.000Z");
    ledger.claim(send, contactId, "email", stack.clock.instant());
    ledger.sent(send, contactId, "ses-message-" + contactId, stack.clock.instant());
    stack.runtime.waits().register(new WaitRegistrations.Wait(contactId, "email.opened", arn, "opened", "cart",
        "token-" + contactId, "ses-message-" + contactId, null, stack.clock.instant().plus(Duration.ofDays(1))));
    return arn;
  }

  private List<Map<String, AttributeValue>> itemsNaming(String table, String text) {
    return stack.ddb.scan(b -> b.tableName(stack.variables.get(table))).items().stream()
        .filter(item -> item.toString().contains(text)).toList();
  }

  @Test
  void stopsTheContactsRunningJourneysBeforeAnythingIsDeleted() {
    String arn = journeyWithASendAndAWait("erased-1");
    journeyWithASendAndAWait("kept-2");

    assertThat(erasure.stop(List.of("erased-1"))).isEqualTo(1);

    assertThat(stack.executions.stopped).extracting(RecordingExecutions.Stopped::executionArn).containsExactly(arn);
    assertThat(stack.executions.stopped.get(0).error()).isEqualTo(JourneyErasure.ERROR);
    assertThat(itemsNaming("JOURNEYS_TABLE", "erased-1")).isNotEmpty();
  }

  @Test
  void stopsAJourneyTheRouterStartedButHasNotRecordedYetThroughItsActiveMarker() {
    new JourneyStore(stack.ddb, journeysTable).claimActive("erased-1", "cart", "cart-0123abcd", stack.clock.instant());

    assertThat(erasure.stop(List.of("erased-1"))).isEqualTo(1);

    assertThat(stack.executions.stopped).extracting(RecordingExecutions.Stopped::executionArn)
        .containsExactly("arn:aws:states:" + JourneyStack.REGION_ACCOUNT + ":execution:nudge-cart:cart-0123abcd");
  }

  @Test
  void aJourneyThatEndedIsNotStopped() {
    String arn = journeyWithASendAndAWait("erased-1");
    stack.runtime.journeys().ended("erased-1", "cart", arn, JourneyRecord.Outcome.EXITED, stack.clock.instant(), null, null);
    stack.runtime.waits().delete(stack.runtime.waits().waitingFor("erased-1", "email.opened").get(0));

    assertThat(erasure.stop(List.of("erased-1"))).isZero();
    assertThat(stack.executions.stopped).isEmpty();
  }

  @Test
  void deletesJourneyRecordsWaitsActiveMarkersSentMessagesAndLedgerEntriesOfTheContactOnly() {
    journeyWithASendAndAWait("erased-1");
    journeyWithASendAndAWait("kept-2");
    int keptBefore = itemsNaming("JOURNEYS_TABLE", "kept-2").size();

    assertThat(erasure.erase(List.of("erased-1"))).isPositive();

    assertThat(itemsNaming("JOURNEYS_TABLE", "erased-1")).isEmpty();
    assertThat(itemsNaming("JOURNEYS_TABLE", "kept-2")).hasSize(keptBefore);
    assertThat(ledger.sentSince("kept-2", stack.clock.instant().minus(Duration.ofDays(1)))).isEqualTo(1);
  }

  @Test
  void deletesTheLedgerEntriesOfExecutionsFoundOnlyThroughASentMessage() {
    // A send recorded for an execution whose journey record is already gone (an interrupted erasure).
    SendLedger.Key send = new SendLedger.Key("arn:aws:states:us-east-1:123456789012:execution:nudge-cart:x", "reminder",
        "2026-03-02T10:00:00.000Z");
    ledger.claim(send, "erased-1", "email", stack.clock.instant());
    ledger.sent(send, "erased-1", "ses-message-1", stack.clock.instant());

    erasure.erase(List.of("erased-1"));

    assertThat(itemsNaming("JOURNEYS_TABLE", "erased-1")).isEmpty();
    assertThat(ledger.sends(send.executionId())).isEmpty();
  }

  @Test
  void deletesTheDoubleOptInConfirmationClaims() {
    SendLedger.Key confirm = new SendLedger.Key(SendLedger.confirmationExecution("erased-1"), "confirm", "1767225600000");
    ledger.claim(confirm, "erased-1", "email", stack.clock.instant());
    ledger.sent(confirm, "erased-1", "ses-confirm-1", stack.clock.instant());

    erasure.erase(List.of("erased-1"));

    assertThat(itemsNaming("JOURNEYS_TABLE", "erased-1")).isEmpty();
  }

  @Test
  void theRoutersStartMarkerNamesNoContact() {
    journeyWithASendAndAWait("erased-1");

    assertThat(stats.read("cart").get("1").get(StepStats.JOURNEY).get("started").count()).isEqualTo(1);
    assertThat(itemsNaming("STATS_TABLE", "erased-1")).isEmpty();
  }

  @Test
  void deletesAStartMarkerAnOlderRouterKeyedByTheContactIdAndKeepsTheCounters() {
    journeyWithASendAndAWait("erased-1");
    // What the router wrote before its marker was keyed by the execution name.
    stats.count("cart", "1", StepStats.JOURNEY, "started", "cart/erased-1/event:e-erased-1", stack.clock.instant());
    assertThat(itemsNaming("STATS_TABLE", "erased-1")).hasSize(1);

    erasure.erase(List.of("erased-1"));

    assertThat(itemsNaming("STATS_TABLE", "erased-1")).isEmpty();
    assertThat(stats.read("cart").get("1").get(StepStats.JOURNEY).get("started").count()).isEqualTo(2);
  }

  @Test
  void repeatingAnErasureFindsNothingMoreToDoOrStop() {
    journeyWithASendAndAWait("erased-1");
    erasure.stop(List.of("erased-1"));
    erasure.erase(List.of("erased-1"));

    assertThat(erasure.stop(List.of("erased-1"))).isZero();
    assertThat(erasure.erase(List.of("erased-1"))).isZero();
  }

  @Test
  void findsTheExecutionInASentMessageKey() {
    String sk = "M#2026-03-02T10:00:00.000Z#arn:aws:states:us-east-1:1:execution:nudge-cart:abc#reminder";

    assertThat(JourneyErasure.executionOf(Map.of("sk", AttributeValue.fromS(sk))))
        .isEqualTo("arn:aws:states:us-east-1:1:execution:nudge-cart:abc");
  }
}
