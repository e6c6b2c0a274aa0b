package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MessageTagsTest {
  private static final Pattern SES_VALUE = Pattern.compile("[A-Za-z0-9_.@-]{1,256}");
  private static final MessageTags TAGS = new MessageTags("abandoned-cart", "3", "reminder", "em:0a1b2c",
      "arn:aws:states:us-east-1:123456789012:execution:nudge-abandoned-cart:abandoned-cart-9f8e");

  @Test
  void everyValueIsOneSesAccepts() {
    assertThat(TAGS.toSes().values()).allSatisfy(v -> assertThat(v).matches(SES_VALUE));
  }

  @Test
  void contactIdsAndExecutionArnsSurviveTheRoundTrip() {
    Map<String, List<String>> asSesReportsThem = TAGS.toSes().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    assertThat(MessageTags.fromSes(asSesReportsThem)).contains(TAGS);
  }

  @Test
  void aMessageWithoutTheContactTagIsNotNudges() {
    assertThat(MessageTags.fromSes(Map.of("workflow", List.of("x"), "ses:from-domain", List.of("example.com")))).isEmpty();
  }

  @Test
  void aStepIdSesWouldRefuseIsAnErrorNotASilentlyChangedTag() {
    assertThatThrownBy(() -> new MessageTags("w", null, "bad step", "c", null).toSes())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step");
  }
}
