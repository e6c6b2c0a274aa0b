package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.aws.SesService;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.StackLoader;
import dev.nudge.local.testing.TestClouds;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real template's SES wiring as the local cloud reads it: by default the stack creates its own
 * configuration set, publishing every SES event type to the default bus, and sends with it; naming
 * an existing set (SesConfigurationSet) creates none and sends with that one.
 */
class ConfigurationSetWiringTest {
  private static Stack load(Map<String, String> parameters) {
    return StackLoader.load(TestClouds.repoTemplate(), "nudge", "eu-west-1", "000000000000", parameters);
  }

  private static String sendingSet(Stack stack) {
    return stack.resource("StepFunction").properties().path("Environment").path("Variables")
        .path("SES_CONFIGURATION_SET").asText();
  }

  @Test
  void byDefaultTheStackCreatesASetPublishingEverySesEventTypeAndTheStepsSendWithIt() {
    Stack stack = load(Map.of());
    Map<String, SesService.ConfigurationSet> sets = Wiring.configurationSets(stack);
    assertThat(sets).hasSize(1);
    SesService.ConfigurationSet set = sets.values().iterator().next();
    assertThat(sendingSet(stack)).isEqualTo(set.name());
    assertThat(set.eventBridgeTypes()).containsExactlyInAnyOrder("send", "reject", "bounce", "complaint", "delivery",
        "open", "click", "renderingfailure", "deliverydelay", "subscription");
  }

  @Test
  void namingAnExistingSetCreatesNoneAndTheStepsSendWithTheNamedOne() {
    Stack stack = load(Map.of("SesConfigurationSet", "marketing-existing"));
    assertThat(Wiring.configurationSets(stack)).isEmpty();
    assertThat(stack.resources()).doesNotContainKeys("NudgeConfigurationSet", "NudgeConfigurationSetEvents");
    assertThat(sendingSet(stack)).isEqualTo("marketing-existing");
  }

  @Test
  void theFeedbackFunctionListensForSesAndSmsDeliveryEvents() {
    Stack stack = load(Map.of());
    var events = stack.resource("FeedbackFunction").properties().path("Events");
    assertThat(events.path("SesEvents").path("Properties").path("Pattern").path("source").get(0).asText())
        .isEqualTo("aws.ses");
    assertThat(events.path("SmsEvents").path("Properties").path("Pattern").path("source").get(0).asText())
        .isEqualTo("aws.sms-voice");
    assertThat(events.path("SmsEvents").path("Properties").path("Pattern").path("detail-type").get(0).asText())
        .isEqualTo("Text Message Delivery Status Updated");
  }
}
