package dev.nudge.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.journeys.JourneyStack;
import dev.nudge.platform.Json;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two-way SMS replies against DynamoDB Local: STOP withdraws SMS consent, anything else changes nothing. */
class SmsRepliesTest {
  private final JourneyStack stack = new JourneyStack();
  private final EventRepository events = new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE"));
  private final SmsReplies replies = new SmsReplies(stack.runtime.contacts(),
      new ContactService(stack.runtime.contacts(), events, stack.clock, Duration.ofDays(400)), stack.clock);

  private void contact(String id, String phone) {
    stack.runtime.contacts().createIfAbsent(id, stack.clock.instant());
    stack.runtime.contacts().update(id, new ProfileUpdate(null, phone, Map.of(), null, null, Set.of(), Set.of(), null,
        Map.of(Channel.SMS, new Consent(ConsentStatus.SUBSCRIBED, "form", stack.clock.instant()))), stack.clock.instant());
  }

  private static ObjectNode reply(String from, String keyword, String body) {
    return Json.object().put("originationNumber", from).put("destinationNumber", "+18005550100")
        .put("messageKeyword", keyword).put("messageBody", body).put("inboundMessageId", "in-" + body.hashCode());
  }

  private ConsentStatus smsConsent(String id) {
    return stack.runtime.contacts().find(id).orElseThrow().consent().get(Channel.SMS).status();
  }

  private long unsubscribedEvents(String id) {
    return events.timeline(java.util.List.of(id), 50).stream().filter(e -> e.type().equals(ContactService.UNSUBSCRIBED_EVENT)).count();
  }

  @Test
  void stopWithdrawsSmsConsentAndWritesContactUnsubscribed() {
    contact("stopper", "+34612000401");
    assertThat(replies.handle(reply("+34612000401", "STOP", "STOP"))).isEqualTo(SmsReplies.Result.UNSUBSCRIBED);
    assertThat(smsConsent("stopper")).isEqualTo(ConsentStatus.UNSUBSCRIBED);
    assertThat(stack.runtime.contacts().find("stopper").orElseThrow().consent().get(Channel.SMS).source())
        .isEqualTo("sms-stop");
    assertThat(unsubscribedEvents("stopper")).isEqualTo(1);
  }

  @Test
  void anOptOutKeywordInAnyCaseAsTheFirstWordCounts() {
    contact("lower", "+34612000402");
    assertThat(replies.handle(reply("+34612000402", "", "unsubscribe please"))).isEqualTo(SmsReplies.Result.UNSUBSCRIBED);
  }

  @Test
  void aSecondStopChangesNothing() {
    contact("twice", "+34612000403");
    replies.handle(reply("+34612000403", "STOP", "STOP"));
    assertThat(replies.handle(reply("+34612000403", "STOP", "STOP ALL")))
        .isEqualTo(SmsReplies.Result.ALREADY_UNSUBSCRIBED);
    assertThat(unsubscribedEvents("twice")).isEqualTo(1);
  }

  @Test
  void aReplyThatIsNotAnOptOutChangesNothing() {
    contact("chatty", "+34612000404");
    assertThat(replies.handle(reply("+34612000404", "", "What time does the shop open?")))
        .isEqualTo(SmsReplies.Result.NOT_AN_OPT_OUT);
    assertThat(smsConsent("chatty")).isEqualTo(ConsentStatus.SUBSCRIBED);
  }

  @Test
  void aStopFromANumberNoContactHasIsReportedAndWritesNothing() {
    assertThat(replies.handle(reply("+34612000499", "STOP", "STOP"))).isEqualTo(SmsReplies.Result.UNKNOWN_NUMBER);
  }

  @Test
  void aMessageOfAnotherShapeIsReportedNotFailed() {
    assertThat(replies.handle(Json.object().put("hello", "world"))).isEqualTo(SmsReplies.Result.UNKNOWN_SHAPE);
  }
}
