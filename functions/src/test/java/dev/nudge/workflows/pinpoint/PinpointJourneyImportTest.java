package dev.nudge.workflows.pinpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.Workflows;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinpointJourneyImportTest {

  static String fixture(String name) {
    try (InputStream in = PinpointJourneyImportTest.class.getResourceAsStream("/pinpoint/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PinpointJourneyImport.Result convert(String json) {
    return PinpointJourneyImport.convert(json, null);
  }

  /** A journey with the given activities (a JSON object body), starting at {@code start}, plus top-level fields. */
  private static String journey(String start, String activities, String extra) {
    return """
        {"JourneyResponse": {"Name": "Test journey", "Id": "abc123", "StartActivity": "%s",
          "StartCondition": {"SegmentStartCondition": {"SegmentId": "everyone"}},
          "Activities": {%s}%s}}
        """.formatted(start, activities, extra.isEmpty() ? "" : ", " + extra);
  }

  private static Workflow workflow(PinpointJourneyImport.Result result) {
    assertThat(result.workflow()).as("valid workflow; findings: %s", result.findings()).isNotNull();
    return result.workflow();
  }

  private static Step step(PinpointJourneyImport.Result result, String id) {
    return workflow(result).step(id).orElseThrow(() -> new AssertionError("no step " + id + " in\n" + result.yaml()));
  }

  private static List<String> findings(PinpointJourneyImport.Result result) {
    return result.findings().stream().map(Finding::toString).toList();
  }

  @Test
  void aJourneyUsingEveryActivityTypeConvertsToAWorkflowNudgeValidates() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(findings(result)).noneMatch(f -> f.contains("(generated)"));
    Workflow loaded = new Workflows((channel, template) -> true).load(result.yaml());
    assertThat(loaded.id()).isEqualTo("abandoned-cart-recovery");
    assertThat(loaded.name()).isEqualTo("Abandoned Cart Recovery");
    assertThat(loaded.steps()).extracting(Step::id).startsWith("wait-one-hour", "reminder-email", "opened-split");
    assertThat(loaded.steps()).extracting(s -> s.action().keyword())
        .contains("email", "sms", "wait", "waitFor", "branch", "split", "webhook");
  }

  @Test
  void stepIdsAreSlugsOfTheActivityIdsAndTheMappingIsKept() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(result.stepIds()).containsEntry("WaitOneHour", "wait-one-hour").containsEntry("ReminderEmail", "reminder-email")
        .containsEntry("AbTest", "ab-test");
    assertThat(result.yaml()).contains("#   ReminderEmail -> reminder-email");
  }

  @Test
  void generatedActivityIdsAreLowerCasedAndWordsInCamelCaseAreHyphenated() {
    assertThat(PinpointJourneyImport.slug("Viv6yKziaa", "x")).isEqualTo("viv6ykziaa");
    assertThat(PinpointJourneyImport.slug("ReminderEmail", "x")).isEqualTo("reminder-email");
    assertThat(PinpointJourneyImport.slug("Cart_Reminder", "x")).isEqualTo("cart-reminder");
    assertThat(PinpointJourneyImport.slug("___", "x")).isEqualTo("x");
  }

  @Test
  void activityIdsThatSlugToTheSameStepIdGetASuffix() {
    PinpointJourneyImport.Result result = convert(journey("ab",
        "\"ab\": {\"EMAIL\": {\"TemplateName\": \"x\", \"NextActivity\": \"AB\"}}, \"AB\": {\"EMAIL\": {\"TemplateName\": \"y\"}}", ""));

    assertThat(result.stepIds()).containsEntry("ab", "ab").containsEntry("AB", "ab-2");
    assertThat(workflow(result).steps()).hasSize(2);
  }

  @Test
  void idsAndTemplatesThatLookLikeYamlKeywordsOrNumbersStayText() {
    PinpointJourneyImport.Result result = convert(journey("No", """
        "No": {"EMAIL": {"TemplateName": "Null", "NextActivity": "2024"}},
        "2024": {"SMS": {"TemplateName": "On", "NextActivity": "True"}},
        "True": {"Wait": {"WaitTime": {"WaitFor": "PT5M"}}}""", ""));

    assertThat(step(result, "no").action()).isEqualTo(new Step.Email("null"));
    assertThat(step(result, "2024").action()).isEqualTo(new Step.Sms("on"));
    assertThat(step(result, "2024").next()).isEqualTo("true");
  }

  @Test
  void emailAndSmsActivitiesSendTheirTemplatesUnderLowerCaseSlugs() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(step(result, "reminder-email").action()).isEqualTo(new Step.Email("cart-reminder"));
    assertThat(step(result, "reminder-sms").action()).isEqualTo(new Step.Sms("cart-sms"));
    assertThat(step(result, "reminder-sms").next()).isEqualTo("vip-split-wait");
    assertThat(findings(result)).anyMatch(f -> f.startsWith("activity ReminderEmail: Activities.ReminderEmail.EMAIL.TemplateVersion"))
        .anyMatch(f -> f.startsWith("activity ReminderEmail: Activities.ReminderEmail.EMAIL.MessageConfig"));
  }

  @Test
  void aWaitForADurationBecomesAWaitDuration() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    Step wait = step(result, "wait-one-hour");
    assertThat(wait.action()).isEqualTo(new Step.WaitDuration(Duration.ofHours(1)));
    assertThat(wait.next()).isEqualTo("reminder-email");
  }

  @Test
  void aWaitUntilAFixedDateBecomesAWaitUntilThatTimeOfDayAndIsReported() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(step(result, "wait-until-sale").action()).isEqualTo(new Step.WaitUntilTime(LocalTime.of(9, 0), java.util.Set.of()));
    assertThat(findings(result)).anyMatch(f -> f.startsWith("activity WaitUntilSale: ") && f.contains("2026-11-27T09:00:00Z"));
  }

  @Test
  void aWaitInMonthsIsReadAsThirtyDaysAndReported() {
    PinpointJourneyImport.Result result = convert(journey("W",
        "\"W\": {\"Wait\": {\"WaitTime\": {\"WaitFor\": \"P1M\"}, \"NextActivity\": \"E\"}}, \"E\": {\"EMAIL\": {\"TemplateName\": \"x\"}}", ""));

    assertThat(step(result, "w").action()).isEqualTo(new Step.WaitDuration(Duration.ofDays(30)));
    assertThat(findings(result)).anyMatch(f -> f.startsWith("activity W: ") && f.contains("P1M"));
  }

  @Test
  void aYesNoSplitOnAnOpenedEmailBecomesAWaitForTiedToThatEmailStep() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    Step split = step(result, "opened-split");
    assertThat(split.action()).isEqualTo(new Step.WaitFor("email.opened", dev.nudge.workflows.Filter.ALWAYS, "reminder-email",
        Duration.ofDays(1), "offer-email", "reminder-sms"));
  }

  @Test
  void messageEventNamesAreReadInTheirEventStreamAndUpperCaseForms() {
    assertThat(PinpointJourneyImport.messageEvent("email", "_email.open")).isEqualTo("email.opened");
    assertThat(PinpointJourneyImport.messageEvent("email", "EMAIL_OPEN")).isEqualTo("email.opened");
    assertThat(PinpointJourneyImport.messageEvent("email", "OPEN")).isEqualTo("email.opened");
    assertThat(PinpointJourneyImport.messageEvent("email", "_email.click")).isEqualTo("email.clicked");
    assertThat(PinpointJourneyImport.messageEvent("email", "EMAIL_CLICKED")).isEqualTo("email.clicked");
    assertThat(PinpointJourneyImport.messageEvent("email", "_email.hardbounce")).isEqualTo("email.bounced");
    assertThat(PinpointJourneyImport.messageEvent("sms", "_SMS.SUCCESS")).isEqualTo("sms.delivered");
    assertThat(PinpointJourneyImport.messageEvent("sms", "_SMS.OPTOUT")).isNull();
  }

  @Test
  void aMultivariateSplitWaitsItsEvaluationTimeThenBranchesOnSegmentAndClickConditions() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(step(result, "vip-split-wait").action()).isEqualTo(new Step.WaitDuration(Duration.ofHours(12)));
    assertThat(step(result, "vip-split-wait").next()).isEqualTo("vip-split");
    Step.Branch branch = (Step.Branch) step(result, "vip-split").action();
    assertThat(branch.cases()).hasSize(2);
    assertThat(branch.cases().get(0).when()).isEqualTo(new Condition.InSegment("a1b2c3d4e5f60718293a4b5c6d7e8f90", true));
    assertThat(branch.cases().get(0).next()).isEqualTo("ab-test");
    Condition.Events clicked = (Condition.Events) branch.cases().get(1).when();
    assertThat(clicked.type()).isEqualTo("email.clicked");
    assertThat(result.yaml()).contains("properties.step:").contains("eq: offer-email");
    assertThat(branch.otherwise()).isEqualTo("holdout-group");
  }

  @Test
  void aYesNoSplitOnAttributesAndEventsBecomesABranchWithAnyOfTheConditions() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    Step.Branch branch = (Step.Branch) step(result, "plan-split").action();
    Condition.Any any = (Condition.Any) branch.cases().get(0).when();
    assertThat(any.conditions()).hasSize(2);
    assertThat(any.conditions().get(0)).isInstanceOf(Condition.Where.class);
    assertThat(((Condition.Events) any.conditions().get(1)).type()).isEqualTo("page.viewed");
    assertThat(branch.cases().get(0).next()).isEqualTo("thank-you");
    assertThat(branch.otherwise()).isEqualTo(Step.END);
    assertThat(result.yaml()).contains("attributes.plan:").contains("properties.path:");
  }

  @Test
  void aYesNoSplitOnAClickEvaluatedAtOnceBecomesABranchOnThatEmailsClicks() {
    PinpointJourneyImport.Result result = convert(journey("Mail", """
        "Mail": {"EMAIL": {"TemplateName": "News", "NextActivity": "Clicked"}},
        "Clicked": {"ConditionalSplit": {"Condition": {"Conditions": [{"EventCondition": {"MessageActivity": "Mail",
          "Dimensions": {"EventType": {"DimensionType": "INCLUSIVE", "Values": ["EMAIL_CLICK"]}}}}], "Operator": "ALL"},
          "TrueActivity": "Thanks"}},
        "Thanks": {"EMAIL": {"TemplateName": "Thanks"}}""", ""));

    Step.Branch branch = (Step.Branch) step(result, "clicked").action();
    Condition.Events clicked = (Condition.Events) branch.cases().get(0).when();
    assertThat(clicked.type()).isEqualTo("email.clicked");
    assertThat(clicked.where().criteria()).extracting(c -> c.path()).containsExactly("properties.workflow", "properties.step");
    assertThat(branch.cases().get(0).next()).isEqualTo("thanks");
    assertThat(branch.otherwise()).isEqualTo(Step.END);
  }

  @Test
  void aMessageEventWithoutANudgeEquivalentIsReportedAndItsPathKeptEditable() {
    PinpointJourneyImport.Result result = convert(journey("Mail", """
        "Mail": {"EMAIL": {"TemplateName": "News", "NextActivity": "Unsub"}},
        "Unsub": {"ConditionalSplit": {"Condition": {"Conditions": [{"EventCondition": {"MessageActivity": "Mail",
          "Dimensions": {"EventType": {"Values": ["_email.unsubscribe"]}}}}]},
          "TrueActivity": "Bye", "EvaluationWaitTime": {"WaitFor": "P2D"}}},
        "Bye": {"EMAIL": {"TemplateName": "Bye"}}""", ""));

    assertThat(findings(result)).anyMatch(f -> f.startsWith("activity Unsub: ") && f.contains("_email.unsubscribe"))
        .anyMatch(f -> f.startsWith("activity Unsub: ") && f.contains("no condition could be converted"));
    assertThat(step(result, "unsub-wait").action()).isEqualTo(new Step.WaitDuration(Duration.ofDays(2)));
    assertThat(step(result, "bye")).isNotNull();
  }

  @Test
  void aStartEventWithSeveralTypesStartsOnTheFirstAndReportsTheOthers() {
    PinpointJourneyImport.Result result = convert("""
        {"Name": "Two events", "StartActivity": "E", "Activities": {"E": {"EMAIL": {"TemplateName": "x"}}},
         "StartCondition": {"EventStartCondition": {"EventFilter": {"FilterType": "ENDPOINT",
           "Dimensions": {"EventType": {"DimensionType": "INCLUSIVE", "Values": ["_custom.signup", "Purchase"]}}}}}}
        """);

    assertThat(((Workflow.EventTrigger) workflow(result).trigger()).event()).isEqualTo("custom.signup");
    assertThat(findings(result)).anyMatch(f -> f.startsWith("journey: StartCondition.EventStartCondition") && f.contains("Purchase"))
        .anyMatch(f -> f.contains("\"_custom.signup\" written \"custom.signup\""));
  }

  @Test
  void aHalfHourScheduleOffsetIsReportedAndLeavesTheTimezoneUtc() {
    PinpointJourneyImport.Result result = convert(journey("E", "\"E\": {\"EMAIL\": {\"TemplateName\": \"x\"}}",
        "\"Schedule\": {\"Timezone\": \"UTC+05:30\"}"));

    assertThat(workflow(result).settings().timezone()).isEqualTo("UTC");
    assertThat(findings(result)).anyMatch(f -> f.startsWith("journey: Schedule.Timezone") && f.contains("UTC+05:30"));
  }

  @Test
  void quietTimeWithoutWaitForQuietTimeIsReportedBecauseNudgeDefersInsteadOfSkipping() {
    PinpointJourneyImport.Result result = convert(journey("E", "\"E\": {\"EMAIL\": {\"TemplateName\": \"x\"}}",
        "\"QuietTime\": {\"Start\": \"21:00\", \"End\": \"07:30\"}"));

    assertThat(workflow(result).settings().sendWindow().from()).isEqualTo(LocalTime.of(7, 30));
    assertThat(findings(result)).anyMatch(f -> f.startsWith("journey: WaitForQuietTime"));
  }

  @Test
  void aRandomSplitBecomesASplitWithThePercentages() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(step(result, "ab-test").action()).isEqualTo(new Step.Split(List.of(new Step.Arm(50, "variant-a"),
        new Step.Arm(50, "variant-b"))));
  }

  @Test
  void aHoldoutBecomesASplitWhoseHeldOutArmEndsTheJourney() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(step(result, "holdout-group").action()).isEqualTo(new Step.Split(List.of(new Step.Arm(10, Step.END),
        new Step.Arm(90, "wait-until-sale"))));
  }

  @Test
  void aCustomActivityWithAnHttpsUriBecomesAReportedWebhook() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(step(result, "crm-webhook").action()).isInstanceOf(Step.Webhook.class);
    assertThat(findings(result)).anyMatch(f -> f.startsWith("activity CrmWebhook: ") && f.contains("webhook"));
  }

  @Test
  void pushContactCenterAndLambdaCustomActivitiesAreReportedWithTheirActivityIdAndSkipped() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(findings(result))
        .anyMatch(f -> f.startsWith("activity PushNudge: Activities.PushNudge.PUSH: not converted"))
        .anyMatch(f -> f.startsWith("activity CallCenter: Activities.CallCenter.ContactCenter: not converted"))
        .anyMatch(f -> f.startsWith("activity WhatsApp: Activities.WhatsApp.CUSTOM: not converted"));
    assertThat(result.stepIds()).doesNotContainKeys("PushNudge", "CallCenter", "WhatsApp");
    // Contacts go on to what came after them: the click branch goes straight to variant B, the webhook ends.
    Step.Branch branch = (Step.Branch) step(result, "vip-split").action();
    assertThat(branch.cases().get(1).next()).isEqualTo("variant-b");
    assertThat(step(result, "crm-webhook").next()).isEqualTo(Step.END);
  }

  @Test
  void messageLimitsWithoutAnEquivalentAreReportedNotDropped() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(findings(result)).anyMatch(f -> f.startsWith("journey: Limits.DailyCap: 3 not converted"))
        .anyMatch(f -> f.startsWith("journey: Limits.MessagesPerSecond: 50 not converted"));
    assertThat(workflow(result).settings().frequencyCap()).isNull();
  }

  @Test
  void theReentryIntervalBecomesACooldown() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(workflow(result).reentry()).isEqualTo(new Workflow.Reentry(Workflow.Reentry.Mode.COOLDOWN, Duration.ofDays(7)));
  }

  @Test
  void aReentryCapOfOneMeansNeverAndZeroMeansAlways() {
    String activities = "\"E\": {\"EMAIL\": {\"TemplateName\": \"x\"}}";
    assertThat(workflow(convert(journey("E", activities, "\"Limits\": {\"EndpointReentryCap\": 1}"))).reentry())
        .isEqualTo(Workflow.Reentry.NEVER);
    assertThat(workflow(convert(journey("E", activities, "\"Limits\": {\"EndpointReentryCap\": 0}"))).reentry().mode())
        .isEqualTo(Workflow.Reentry.Mode.ALWAYS);
    PinpointJourneyImport.Result three = convert(journey("E", activities, "\"Limits\": {\"EndpointReentryCap\": 3}"));
    assertThat(findings(three)).anyMatch(f -> f.startsWith("journey: Limits.EndpointReentryCap"));
  }

  @Test
  void quietTimeBecomesQuietHoursInTheContactsTimezone() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    Workflow.SendWindow window = workflow(result).settings().sendWindow();
    assertThat(window.from()).isEqualTo(LocalTime.of(8, 0));
    assertThat(window.to()).isEqualTo(LocalTime.of(22, 0));
    assertThat(window.timezone()).isEqualTo(Workflow.SendWindow.CONTACT);
    assertThat(result.yaml()).contains("quietHours:").contains("from: \"22:00\"").contains("to: \"08:00\"");
  }

  @Test
  void theScheduleTimezoneBecomesAnIanaZoneAndTheScheduleDatesAreReported() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(workflow(result).settings().timezone()).isEqualTo("Etc/GMT+5");
    assertThat(findings(result)).anyMatch(f -> f.startsWith("journey: Schedule.StartTime"))
        .anyMatch(f -> f.startsWith("journey: Schedule.EndTime"));
  }

  @Test
  void aCamelCaseEventTypeBecomesTheDottedLowerCaseTheTrackingApiAcceptsAndIsReported() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    assertThat(result.findings()).map(Finding::toString)
        .anyMatch(f -> f.contains("\"CartAbandoned\" written \"cart.abandoned\""))
        .anyMatch(f -> f.contains("\"PageViewed\" written \"page.viewed\""));
  }

  @Test
  void anEventStartConditionBecomesAnEventTriggerFilteredOnItsAttributesAndMetrics() {
    PinpointJourneyImport.Result result = convert(fixture("every-activity.json"));

    Workflow.EventTrigger trigger = (Workflow.EventTrigger) workflow(result).trigger();
    assertThat(trigger.event()).isEqualTo("cart.abandoned");
    assertThat(trigger.where().criteria()).extracting(c -> c.path()).containsExactly("properties.channel", "properties.cartValue");
    assertThat(result.yaml()).contains("gte: 50.0");
  }

  @Test
  void aSegmentStartConditionBecomesASegmentTrigger() {
    PinpointJourneyImport.Result result = convert(fixture("aws-reference-sample.json"));

    Workflow.EventTrigger trigger = (Workflow.EventTrigger) workflow(result).trigger();
    assertThat(trigger.event()).isEqualTo("segment.entered");
    assertThat(result.yaml()).contains("segment: 50a12f64634ca8e71e92005b9example");
    assertThat(workflow(result).settings().timezone()).isEqualTo("Etc/GMT+8");
  }

  @Test
  void theApiReferenceSampleConvertsAndReportsItsIncompleteActivities() {
    PinpointJourneyImport.Result result = convert(fixture("aws-reference-sample.json"));

    assertThat(workflow(result).steps().get(0).id()).isEqualTo("0rohkysnx3");
    assertThat(findings(result))
        .anyMatch(f -> f.startsWith("activity 0roHkysnX3: Activities.0roHkysnX3.EMAIL.TemplateName"))
        .anyMatch(f -> f.startsWith("activity 12LUtDeRst: ") && f.contains("a wait without WaitTime"))
        .anyMatch(f -> f.startsWith("activity p1gOHvWOhc: "))
        .anyMatch(f -> f.startsWith("activity 1tvNWcuvXK: Activities.1tvNWcuvXK.MultiCondition.Branches[1]"))
        .anyMatch(f -> f.startsWith("activity HSGfxJ6itl: ") && f.contains("not reachable"));
  }

  @Test
  void templatesNudgeDoesNotHaveAreReportedWithTheActivity() {
    PinpointJourneyImport.Result result = PinpointJourneyImport.convert(fixture("every-activity.json"), new BundledTemplates());

    // cart-reminder is a bundled template; Vip_Offer_B has no Nudge template yet.
    assertThat(findings(result)).anyMatch(f -> f.startsWith("activity VariantB: template: no email template \"vip-offer-b\""))
        .noneMatch(f -> f.contains("\"cart-reminder\""));
  }

  @Test
  void unreadableJsonIsRefusedWithWhereItBroke() {
    assertThatThrownBy(() -> convert("{\"JourneyResponse\": {"))
        .isInstanceOf(PinpointImportException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void aJourneyWithoutActivitiesIsRefusedNamingTheField() {
    assertThatThrownBy(() -> convert("{\"Name\": \"x\", \"StartActivity\": \"a\"}"))
        .isInstanceOf(PinpointImportException.class).hasMessageStartingWith("Activities:");
  }

  @Test
  void aStartActivityThatIsNotAnActivityIsRefusedNamingTheField() {
    assertThatThrownBy(() -> convert("{\"Name\": \"x\", \"StartActivity\": \"b\", \"Activities\": {\"a\": {\"EMAIL\": {}}}}"))
        .isInstanceOf(PinpointImportException.class).hasMessageStartingWith("StartActivity:").hasMessageContaining("\"b\"");
  }

  @Test
  void aJourneyWithoutTheJourneyResponseWrapperIsReadToo() {
    PinpointJourneyImport.Result result = convert(
        "{\"Name\": \"Bare\", \"StartActivity\": \"a\", \"Activities\": {\"a\": {\"SMS\": {\"TemplateName\": \"Hello\"}}}}");

    assertThat(step(result, "a").action()).isEqualTo(new Step.Sms("hello"));
    assertThat(findings(result)).anyMatch(f -> f.startsWith("journey: StartCondition"));
  }
}
