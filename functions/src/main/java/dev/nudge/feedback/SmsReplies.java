package dev.nudge.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.platform.Log;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replies to the account's SMS number, as AWS End User Messaging SMS two-way messaging publishes
 * them to the number's SNS topic ({@code originationNumber} is the handset). An opt-out keyword
 * (the service's defaults: STOP, STOPALL, UNSUBSCRIBE...) withdraws the contact's SMS consent,
 * which writes {@code contact.unsubscribed}: journeys that exit on it end, and no journey sends
 * them another SMS. The service has already put the number on its opt-out list; this keeps
 * Nudge's consent in step with it. Other replies are not marketing feedback and change nothing.
 */
public final class SmsReplies {
  private static final Log LOG = new Log("sms-replies");
  /** End User Messaging SMS's default opt-out keywords (case-insensitive, first word of the reply). */
  static final Set<String> OPT_OUT_KEYWORDS = Set.of("ARRET", "CANCEL", "END", "OPT-OUT", "OPTOUT", "QUIT", "REMOVE",
      "STOP", "STOPALL", "TD", "UNSUBSCRIBE");
  static final String SOURCE = "sms-stop";

  public enum Result { UNSUBSCRIBED, ALREADY_UNSUBSCRIBED, UNKNOWN_NUMBER, NOT_AN_OPT_OUT, UNKNOWN_SHAPE }

  private final ContactRepository contacts;
  private final ContactService consent;
  private final Clock clock;

  public SmsReplies(ContactRepository contacts, ContactService consent, Clock clock) {
    this.contacts = contacts;
    this.consent = consent;
    this.clock = clock;
  }

  /** One two-way SMS message (the SNS notification's Message, parsed). */
  public Result handle(JsonNode message) {
    String from = message.path("originationNumber").asText("");
    String body = message.path("messageBody").asText("");
    String inboundId = message.path("inboundMessageId").asText("");
    if (from.isEmpty() || inboundId.isEmpty()) {
      LOG.info("unmatched", Map.of("why", "unknown-shape"));
      return Result.UNKNOWN_SHAPE;
    }
    String keyword = message.path("messageKeyword").asText("");
    String firstWord = body.trim().isEmpty() ? "" : body.trim().split("\\s+")[0];
    if (!isOptOut(keyword) && !isOptOut(firstWord)) {
      LOG.info("ignored", Map.of("inboundMessageId", inboundId));
      return Result.NOT_AN_OPT_OUT;
    }
    Optional<String> contactId = contacts.idByPhone(from);
    if (contactId.isEmpty()) {
      LOG.info("unmatched", Map.of("why", "unknown-number", "inboundMessageId", inboundId));
      return Result.UNKNOWN_NUMBER;
    }
    boolean changed = consent.withdraw(contactId.get(), Channel.SMS, SOURCE, clock.instant());
    LOG.info(changed ? "unsubscribed" : "already-unsubscribed",
        Map.of("contactId", contactId.get(), "inboundMessageId", inboundId));
    return changed ? Result.UNSUBSCRIBED : Result.ALREADY_UNSUBSCRIBED;
  }

  static boolean isOptOut(String word) {
    return OPT_OUT_KEYWORDS.contains(word.trim().toUpperCase(Locale.ROOT));
  }
}
