package dev.nudge.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class WorkflowValidationTest {
  static final List<String> BUNDLED = Workflows.BUNDLED;
  private final Workflows workflows = new Workflows(new BundledTemplates());

  private List<Problem> problems(String yaml) {
    return workflows.problems(yaml);
  }

  private static String withSteps(String steps) {
    return "id: test\ntrigger: { event: signed.up }\nsteps:\n" + steps;
  }

  @ParameterizedTest
  @FieldSource("BUNDLED")
  void bundledWorkflowsAreValid(String id) {
    assertThat(problems(Workflows.bundledText(id))).isEmpty();
  }

  @Test
  void readsTheSameModelFromYamlAndJson() {
    String yaml = withSteps("  - id: hello\n    email: { template: welcome-1 }\n");
    String json = "{\"id\":\"test\",\"trigger\":{\"event\":\"signed.up\"},\"steps\":[{\"id\":\"hello\",\"email\":{\"template\":\"welcome-1\"}}]}";
    assertThat(workflows.load(json)).isEqualTo(workflows.load(yaml));
  }

  @Test
  void readsTheAbandonedCartExampleIntoTheModel() {
    Workflow cart = workflows.load(Workflows.bundledText("abandoned-cart"));
    assertThat(cart.trigger()).isInstanceOf(Workflow.EventTrigger.class);
    assertThat(cart.reentry()).isEqualTo(new Workflow.Reentry(Workflow.Reentry.Mode.COOLDOWN, Duration.ofDays(7)));
    assertThat(cart.goal().within()).isEqualTo(Duration.ofDays(7));
    assertThat(cart.settings().sendWindow()).isEqualTo(new Workflow.SendWindow(
        LocalTime.of(9, 0), LocalTime.of(20, 0), Set.of(DayOfWeek.values()), "contact"));
    assertThat(cart.step("reminder-opened").orElseThrow().action())
        .isEqualTo(new Step.WaitFor("email.opened", Filter.ALWAYS, "reminder", Duration.ofDays(1), "offer", "sms"));
  }

  @Test
  void quietHoursAreTheComplementarySendWindow() {
    Workflow w = workflows.load("id: q\ntrigger: { api: true }\nquietHours: { from: \"21:00\", to: \"08:00\" }\n"
        + "steps:\n  - id: a\n    email: { template: welcome-1 }\n");
    assertThat(w.settings().sendWindow().from()).isEqualTo(LocalTime.of(8, 0));
    assertThat(w.settings().sendWindow().to()).isEqualTo(LocalTime.of(21, 0));
  }

  @Test
  void reportsEveryProblemAtOnceWithStepAndPath() {
    List<Problem> found = problems(withSteps("""
          - id: first
            wait: { duration: 2 days }
          - id: mail
            email: { template: no-such-template }
            next: nowhere
          - id: first
            sms: { template: cart-sms }
        """));
    assertThat(found).extracting(Problem::path).contains(
        "/steps/0/wait/duration", "/steps/1/email/template", "/steps/1/next", "/steps/2/id");
    assertThat(found).filteredOn(p -> p.path().equals("/steps/1/next"))
        .singleElement().satisfies(p -> assertThat(p.step()).isEqualTo("mail"));
  }

  @Test
  void rejectsAReferenceToAnUnknownStep() {
    assertThat(problems(withSteps("  - id: a\n    email: { template: welcome-1 }\n    next: b\n")))
        .containsExactly(new Problem("a", "/steps/0/next", "no step with id \"b\""));
  }

  @Test
  void rejectsAnUnreachableStep() {
    assertThat(problems(withSteps("""
          - id: a
            email: { template: welcome-1 }
            next: end
          - id: orphan
            email: { template: welcome-2 }
        """))).containsExactly(new Problem("orphan", "/steps/1", "unreachable: no step leads here"));
  }

  @Test
  void rejectsALoopWithoutAWait() {
    List<Problem> found = problems(withSteps("""
          - id: a
            email: { template: welcome-1 }
          - id: b
            update: { addScore: 1 }
            next: a
        """));
    assertThat(found).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("/steps/0");
      assertThat(p.message()).startsWith("loop without a wait: a → b → a");
    });
  }

  @Test
  void acceptsALoopThroughAWait() {
    assertThat(problems(withSteps("""
          - id: a
            email: { template: welcome-1 }
          - id: pause
            wait: { duration: P30D }
            next: a
        """))).isEmpty();
  }

  @Test
  void rejectsInvalidDurations() {
    assertThat(problems(withSteps("  - id: a\n    wait: { duration: P1M }\n")))
        .extracting(Problem::path, Problem::step).containsExactly(org.assertj.core.groups.Tuple.tuple("/steps/0/wait/duration", "a"));
    assertThat(problems(withSteps("  - id: a\n    wait: { duration: -PT1H }\n")))
        .extracting(Problem::message).singleElement().asString().startsWith("a positive duration");
  }

  @Test
  void rejectsAnUnknownTimezone() {
    assertThat(problems("id: t\ntrigger: { api: true }\nsendWindow: { from: \"09:00\", to: \"17:00\", timezone: Europe/Atlantis }\n"
        + "steps:\n  - id: a\n    email: { template: welcome-1 }\n"))
        .extracting(Problem::path).containsExactly("/sendWindow/timezone");
  }

  @Test
  void rejectsAWaitForWhoseStepIsNotAMessage() {
    assertThat(problems(withSteps("""
          - id: pause
            wait: { duration: PT1H }
          - id: opened
            waitFor: { event: email.opened, step: pause, timeout: P1D }
        """))).extracting(Problem::path).containsExactly("/steps/1/waitFor/step");
  }

  @Test
  void rejectsAWaitForWhoseMessageComesAfterIt() {
    assertThat(problems(withSteps("""
          - id: opened
            waitFor: { event: email.opened, step: mail, timeout: P1D }
          - id: mail
            email: { template: welcome-1 }
        """))).singleElement().satisfies(p -> assertThat(p.message()).contains("does not come before"));
  }

  @Test
  void rejectsSplitPercentagesNotAddingUpToAHundred() {
    assertThat(problems(withSteps("""
          - id: ab
            split:
              - { percent: 50, next: a }
              - { percent: 40, next: b }
          - id: a
            email: { template: promo-a }
            next: end
          - id: b
            email: { template: promo-b }
        """))).containsExactly(new Problem("ab", "/steps/0/split", "percentages add up to 90, not 100"));
  }

  @Test
  void rejectsAWebhookThatIsNotHttps() {
    assertThat(problems(withSteps("  - id: crm\n    webhook: { url: \"http://crm.example.com/hook\" }\n")))
        .extracting(Problem::path).containsExactly("/steps/0/webhook/url");
  }

  @Test
  void rejectsUnknownFieldsAndOperators() {
    assertThat(problems("id: t\ntrigger: { event: x, where: { properties.n: { greater: 1 } } }\ncolour: blue\n"
        + "steps:\n  - id: a\n    email: { template: welcome-1, subjet: hi }\n"))
        .extracting(Problem::path).containsExactlyInAnyOrder("/trigger/where/properties.n/greater", "/colour", "/steps/0/email/subjet");
  }

  @Test
  void rejectsAStepWithTwoActions() {
    assertThat(problems(withSteps("  - id: a\n    email: { template: welcome-1 }\n    sms: { template: cart-sms }\n")))
        .extracting(Problem::path).containsExactly("/steps/0");
  }

  @Test
  void rejectsAnUpdateSettingAnObject() {
    assertThat(problems(withSteps("  - id: tag\n    update: { set: { address: { city: Madrid } } }\n")))
        .extracting(Problem::path).containsExactly("/steps/0/update/set/address");
  }

  @Test
  void rejectsAWorkflowEnrollingInItself() {
    assertThat(problems(withSteps("  - id: again\n    enroll: { workflow: test }\n")))
        .extracting(Problem::path).containsExactly("/steps/0/enroll/workflow");
  }

  @Test
  void loadThrowsWithEveryProblemInTheMessage() {
    assertThatThrownBy(() -> workflows.load("id: Bad Id\nsteps: []\n"))
        .isInstanceOf(InvalidWorkflowException.class)
        .hasMessageContaining("/id")
        .hasMessageContaining("/trigger")
        .hasMessageContaining("/steps");
  }

  @Test
  void reportsMalformedYamlWithItsLine() {
    assertThat(problems("id: x\nsteps: [\n")).singleElement()
        .satisfies(p -> assertThat(p.message()).startsWith("not valid YAML or JSON at line"));
  }

  @Test
  void stepsRoundTripThroughTheirPayloadForm() {
    for (String id : BUNDLED) {
      Workflow w = workflows.load(Workflows.bundledText(id));
      for (Step step : w.steps()) {
        Step back = WorkflowParser.parseStep(WorkflowWriter.action(step));
        assertThat(back.action()).as(id + "/" + step.id()).isEqualTo(step.action() instanceof Step.WaitFor wf
            ? new Step.WaitFor(wf.event(), wf.where(), wf.step(), wf.timeout(), null, null) : step.action());
      }
      assertThat(WorkflowParser.parseSettings(WorkflowWriter.settings(w.settings()))).isEqualTo(w.settings());
    }
  }

  @Test
  void aSegmentTriggerIsTheSegmentEnteredEventNamingTheSegment() {
    Workflow workflow = WorkflowParser.parse("""
        id: reward
        name: Reward
        trigger: { segment: best-customers }
        steps:
          - id: tag
            update: { addToLists: [vip] }
        """).workflow();
    Workflow.EventTrigger trigger = (Workflow.EventTrigger) workflow.trigger();
    assertThat(trigger.event()).isEqualTo("segment.entered");
    var entered = dev.nudge.platform.Json.object();
    entered.putObject("properties").put("segment", "best-customers");
    assertThat(trigger.where().matches(entered)).isTrue();
    entered.putObject("properties").put("segment", "lapsed");
    assertThat(trigger.where().matches(entered)).isFalse();
  }

  @Test
  void segmentsAppearInAudiencesAndBranchConditions() {
    Workflow workflow = WorkflowParser.parse("""
        id: vip-offer
        name: VIP offer
        trigger: { event: page.viewed }
        audience: { inSegments: [best-customers] }
        steps:
          - id: pick
            branch:
              cases:
                - when: { notInSegment: lapsed }
                  next: end
              default: end
        """).workflow();
    assertThat(workflow.audience().inSegments()).containsExactly("best-customers");
    Step.Branch branch = (Step.Branch) workflow.steps().get(0).action();
    assertThat(branch.cases().get(0).when()).isEqualTo(new Condition.InSegment("lapsed", false));
    assertThat(WorkflowParser.parseStep(WorkflowWriter.action(workflow.steps().get(0)))).isEqualTo(workflow.steps().get(0));
  }
}
