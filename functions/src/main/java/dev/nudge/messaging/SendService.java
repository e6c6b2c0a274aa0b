package dev.nudge.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactJson;
import dev.nudge.platform.Log;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.Workflow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The send rules, in order: consent and suppression, the send window, the frequency cap, then
 * the ledger claim (at most once per step entry), rendering and the provider call.
 */
public final class SendService {
  private static final Log LOG = new Log("send");

  public enum Status { SENT, SKIPPED, DEFERRED, FAILED }

  /** {@code resumeAt}: when a deferred send may go; for the others, now. */
  public record Outcome(Status status, Instant resumeAt, String reason, String messageId) {}

  /** {@code version}: the published workflow version the journey runs (tagged on the message); null when unknown. */
  public record Request(String workflowId, String version, Step.Message step, Workflow.Settings settings, Contact contact,
      SendLedger.Key key, ObjectNode trigger) {}

  /** Provider answers that mean "later": SES v2's rate and quota errors, SNS's throttling. */
  static final java.util.Set<String> THROTTLING = java.util.Set.of("TooManyRequestsException", "LimitExceededException",
      "Throttling", "ThrottlingException", "ThrottledException");
  /** Provider answers that mean "never for this message": retrying cannot help. */
  static final java.util.Set<String> REFUSED = java.util.Set.of("MessageRejected", "MessageRejectedException",
      "AccountSuspendedException", "SendingPausedException", "AccountSendingPausedException",
      "MailFromDomainNotVerifiedException", "NotFoundException", "InvalidParameterException", "InvalidParameter",
      "OptedOutException");

  private final SendLedger ledger;
  private final MessageTemplates templates;
  private final Messenger messenger;
  private final Clock clock;
  private final UnsubscribeLinks unsubscribe;
  private final OptOuts optOuts;

  /** Records a consent the provider reports withdrawn (the contacts' side of an opt-out). */
  public interface OptOuts {
    void optedOut(String contactId, Channel channel, Instant at);
  }

  public SendService(SendLedger ledger, MessageTemplates templates, Messenger messenger, Clock clock) {
    this(ledger, templates, messenger, clock, null);
  }

  /** {@code unsubscribe}: the links and List-Unsubscribe headers of e-mails; null sends none (tests). */
  public SendService(SendLedger ledger, MessageTemplates templates, Messenger messenger, Clock clock,
      UnsubscribeLinks unsubscribe) {
    this(ledger, templates, messenger, clock, unsubscribe, null);
  }

  /** {@code optOuts}: told when the provider refuses a recipient who opted out with it; null tells nobody. */
  public SendService(SendLedger ledger, MessageTemplates templates, Messenger messenger, Clock clock,
      UnsubscribeLinks unsubscribe, OptOuts optOuts) {
    this.optOuts = optOuts;
    this.unsubscribe = unsubscribe;
    this.ledger = ledger;
    this.templates = templates;
    this.messenger = messenger;
    this.clock = clock;
  }

  public Outcome send(Request request) {
    Instant now = clock.instant();
    Contact contact = request.contact();
    Channel channel = Channel.fromWire(request.step().channel()).orElseThrow();
    if (!contact.reachableBy(channel)) {
      // A hard bounce or complaint is not a consent question: report it as what it is.
      return skipped(now, contact.suppression().containsKey(channel) ? "suppressed" : "no-consent");
    }
    Workflow.Settings settings = request.settings();
    Instant allowed = SendWindows.nextAllowed(now, settings.sendWindow(), windowZone(settings, contact));
    if (allowed.isAfter(now)) {
      return new Outcome(Status.DEFERRED, allowed, "send-window", null);
    }
    Workflow.FrequencyCap cap = settings.frequencyCap();
    if (cap != null && ledger.sentSince(contact.id(), now.minus(cap.per())) >= cap.max()) {
      return skipped(now, "frequency-cap");
    }
    Optional<SendLedger.Entry> earlier = ledger.claim(request.key(), contact.id(), channel.wireName(), now);
    if (earlier.isPresent()) {
      SendLedger.Entry entry = earlier.get();
      if (entry.status() == SendLedger.Status.FAILED) {
        return new Outcome(Status.FAILED, now, "already-failed", null);
      }
      return entry.status() == SendLedger.Status.SENT
          ? new Outcome(Status.SENT, now, "already-sent", entry.messageId())
          : skipped(now, "outcome-unknown");
    }
    ObjectNode context = ContactJson.contact(contact, now);
    if (request.trigger() != null) {
      context.set("trigger", request.trigger());
    }
    String unsubscribeUrl = channel == Channel.EMAIL && unsubscribe != null ? unsubscribe.url(contact.id(), channel) : null;
    if (unsubscribeUrl != null) {
      context.put("unsubscribe_url", unsubscribeUrl);
    }
    // The workflow and step, for templates and for the UTM parameters of their links (LinkTracking).
    context.putObject("workflow").put("id", request.workflowId());
    context.putObject("step").put("id", request.key().stateName());
    MessageTemplates.Rendered rendered = templates.render(channel, request.step().template(), context);
    OutgoingMessage message = new OutgoingMessage(channel, channel == Channel.EMAIL ? contact.email() : contact.phone(),
        rendered.subject(), rendered.text(), rendered.html(),
        new MessageTags(request.workflowId(), request.version(), request.key().stateName(), contact.id(),
            request.key().executionId()).toSes(),
        unsubscribeUrl == null ? Map.of() : unsubscribe.headers(unsubscribeUrl));
    String messageId;
    try {
      messageId = messenger.send(message);
    } catch (RecipientOptedOutException e) {
      // Opted out with the provider (STOP before Nudge heard of it): nothing was sent and nothing
      // will be; the consent is recorded so no later journey tries again.
      ledger.failed(request.key(), "opted-out");
      if (optOuts != null) {
        optOuts.optedOut(contact.id(), channel, now);
      }
      LOG.info("opted-out", Map.of("workflow", request.workflowId(), "state", request.key().stateName(),
          "contactId", contact.id(), "channel", channel.wireName()));
      return skipped(now, "opted-out");
    } catch (SdkServiceException e) {
      String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
          ? aws.awsErrorDetails().errorCode() : null;
      if (e.isThrottlingException() || (code != null && THROTTLING.contains(code))) {
        ledger.release(request.key());
        throw new SendThrottledException(code == null ? "throttled" : code);
      }
      if (code != null && REFUSED.contains(code)) {
        // Final for this message: the journey goes on (a failed send, not a failed journey).
        ledger.failed(request.key(), code);
        LOG.info("refused", Map.of("workflow", request.workflowId(), "state", request.key().stateName(),
            "contactId", contact.id(), "channel", channel.wireName(), "error", code));
        return new Outcome(Status.FAILED, now, code, null);
      }
      if (e.statusCode() >= 400 && e.statusCode() < 500) {
        // Refused (invalid, throttled, not verified): certainly not sent, so a retry may send.
        ledger.release(request.key());
      } else {
        ledger.unknown(request.key());
      }
      throw e;
    } catch (RuntimeException e) {
      ledger.unknown(request.key());
      throw e;
    }
    ledger.sent(request.key(), contact.id(), messageId, now,
        new SendLedger.TemplateUsed(rendered.templateId(), rendered.templateVersion(), rendered.locale()));
    LOG.info("sent", Map.of("workflow", request.workflowId(), "state", request.key().stateName(),
        "contactId", contact.id(), "channel", channel.wireName(), "messageId", messageId,
        "template", rendered.templateId(), "templateVersion", rendered.templateVersion(), "locale", rendered.locale()));
    return new Outcome(Status.SENT, now, null, messageId);
  }

  private static Outcome skipped(Instant now, String reason) {
    return new Outcome(Status.SKIPPED, now, reason, null);
  }

  /** The contact's timezone, else the workflow's; a fixed window timezone wins over both. */
  public static ZoneId contactZone(Workflow.Settings settings, Contact contact) {
    String zone = contact.timezone();
    try {
      if (zone != null && !zone.isBlank()) {
        return ZoneId.of(zone);
      }
    } catch (RuntimeException e) {
      // An unknown timezone on a profile falls back to the workflow's.
    }
    return ZoneId.of(settings.timezone());
  }

  static ZoneId windowZone(Workflow.Settings settings, Contact contact) {
    Workflow.SendWindow window = settings.sendWindow();
    if (window != null && !window.timezone().equals(Workflow.SendWindow.CONTACT)) {
      return ZoneId.of(window.timezone());
    }
    return contactZone(settings, contact);
  }
}
