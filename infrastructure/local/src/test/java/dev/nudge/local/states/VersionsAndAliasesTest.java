package dev.nudge.local.states;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import dev.nudge.local.states.StatesModel.RoutingEntry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Versions and aliases (Developer Guide: "State machine versions and aliases"): the design publishes each
 * workflow version and moves the alias "live"; journeys in flight stay on the version they started on.
 */
class VersionsAndAliasesTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private static String machine(String result) {
    return "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":60,\"Next\":\"R\"},"
        + "\"R\":{\"Type\":\"Pass\",\"Result\":\"" + result + "\",\"End\":true}}}";
  }

  @Test
  void publishingNumbersVersionsFromOne() {
    var created = h.engine.createStateMachine("wf", machine("v1"), Harness.ROLE, null, true, "first");
    assertThat(created.stateMachineVersionArn()).isEqualTo(created.stateMachineArn() + ":1");
    h.engine.updateStateMachine(created.stateMachineArn(), machine("v2"), null, false, null);
    String v2 = h.engine.publishStateMachineVersion(created.stateMachineArn(), null, "second").stateMachineVersionArn();
    assertThat(v2).isEqualTo(created.stateMachineArn() + ":2");
    assertThat(h.engine.describeStateMachine(v2).definition()).contains("v2");
    assertThat(h.engine.describeStateMachine(created.stateMachineArn() + ":1").definition()).contains("v1");
  }

  @Test
  void publishingAnUnchangedRevisionReturnsTheLatestVersion() {
    String arn = h.create("wf", machine("v1"));
    String v1 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    assertThat(h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn()).isEqualTo(v1);
  }

  @Test
  void aStaleRevisionIdIsAConflict() {
    String arn = h.create("wf", machine("v1"));
    String revision = h.engine.describeStateMachine(arn).revisionId();
    h.engine.updateStateMachine(arn, machine("v2"), null, false, null);
    assertThatThrownBy(() -> h.engine.publishStateMachineVersion(arn, revision, null))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("ConflictException"));
  }

  @Test
  void anExecutionStartedThroughAnAliasKeepsItsVersionAfterTheAliasMoves() {
    String arn = h.create("wf", machine("v1"));
    String v1 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    String live = h.engine.createStateMachineAlias("live", "journeys start here", List.of(new RoutingEntry(v1, 100)))
        .stateMachineAliasArn();
    assertThat(live).isEqualTo(arn + ":live");
    String early = h.start(live, "{}");

    h.engine.updateStateMachine(arn, machine("v2"), null, false, null);
    String v2 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    h.engine.updateStateMachineAlias(live, null, List.of(new RoutingEntry(v2, 100)));
    String late = h.start(live, "{}");
    h.advance(Duration.ofSeconds(60));

    ExecutionDescription e = h.engine.describeExecution(early);
    assertThat(e.output()).isEqualTo("\"v1\"");
    assertThat(e.stateMachineVersionArn()).isEqualTo(v1);
    assertThat(e.stateMachineAliasArn()).isEqualTo(live);
    assertThat(e.stateMachineArn()).isEqualTo(arn);
    ExecutionDescription l = h.engine.describeExecution(late);
    assertThat(l.output()).isEqualTo("\"v2\"");
    assertThat(l.stateMachineVersionArn()).isEqualTo(v2);
    assertThat(h.engine.describeStateMachineAlias(live).routingConfiguration()).containsExactly(new RoutingEntry(v2, 100));
  }

  @Test
  void listExecutionsByVersionOrAlias() {
    String arn = h.create("wf", machine("v1"));
    String v1 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    String live = h.engine.createStateMachineAlias("live", null, List.of(new RoutingEntry(v1, 100))).stateMachineAliasArn();
    h.engine.startExecution(live, "through-alias", "{}");
    h.engine.startExecution(v1, "through-version", "{}");
    h.engine.startExecution(arn, "unqualified", "{}");
    assertThat(h.engine.listExecutions(arn, null, null, null).items()).hasSize(3);
    assertThat(h.engine.listExecutions(v1, null, null, null).items()).hasSize(2);
    assertThat(h.engine.listExecutions(live, null, null, null).items()).singleElement()
        .satisfies(i -> assertThat(i.name()).isEqualTo("through-alias"));
  }

  @Test
  void weightedRoutingSplitsExecutionsBetweenTwoVersions() {
    String arn = h.create("wf", machine("v1"));
    String v1 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    h.engine.updateStateMachine(arn, machine("v2"), null, false, null);
    String v2 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    String canary = h.engine.createStateMachineAlias("canary", null,
        List.of(new RoutingEntry(v1, 50), new RoutingEntry(v2, 50))).stateMachineAliasArn();
    for (int i = 0; i < 200; i++) h.engine.startExecution(canary, "e" + i, "{}");
    int onV1 = h.engine.listExecutions(v1, null, 1000, null).items().size();
    assertThat(onV1).isBetween(50, 150);
    assertThat(h.engine.listExecutions(v2, null, 1000, null).items()).hasSize(200 - onV1);
    assertThat(h.engine.listExecutions(canary, null, 1000, null).items()).hasSize(200);
  }

  @Test
  void routingMustAddUpToOneHundred() {
    String arn = h.create("wf", machine("v1"));
    String v1 = h.engine.publishStateMachineVersion(arn, null, null).stateMachineVersionArn();
    assertThatThrownBy(() -> h.engine.createStateMachineAlias("live", null, List.of(new RoutingEntry(v1, 90))))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("ValidationException"));
  }

  @Test
  void anUnknownAliasIsResourceNotFound() {
    String arn = h.create("wf", machine("v1"));
    assertThatThrownBy(() -> h.engine.describeStateMachineAlias(arn + ":nope"))
        .isInstanceOfSatisfying(StatesApiException.class, e -> assertThat(e.errorType()).isEqualTo("ResourceNotFound"));
  }
}
