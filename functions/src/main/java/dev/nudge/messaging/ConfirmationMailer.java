package dev.nudge.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ConsentTokens;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactJson;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.platform.Log;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Double opt-in's confirmation e-mail, sent by Nudge itself when a subscription is left pending
 * (template {@value #TEMPLATE}, bundled, replaceable through the templates API). At most once per
 * pending request: the send ledger is claimed on (contact, the pending request's time), so a
 * redelivered stream record sends nothing. It is transactional: it goes to a pending address, the
 * one case consent allows, and carries no List-Unsubscribe.
 */
public final class ConfirmationMailer {
  public static final String TEMPLATE = "confirm-subscription";
  private static final Log LOG = new Log("confirmation");

  private final ContactRepository contacts;
  private final ConsentTokens tokens;
  private final Supplier<String> baseUrl;
  private final MessageTemplates templates;
  private final Messenger messenger;
  private final SendLedger ledger;
  private final Clock clock;

  public ConfirmationMailer(ContactRepository contacts, ConsentTokens tokens, Supplier<String> baseUrl,
      MessageTemplates templates, Messenger messenger, SendLedger ledger, Clock clock) {
    this.contacts = contacts;
    this.tokens = tokens;
    this.baseUrl = baseUrl;
    this.templates = templates;
    this.messenger = messenger;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Sends the confirmation if the contact's e-mail consent is still pending; returns whether it sent now. */
  public boolean sendIfPending(String contactId) {
    Optional<Contact> found = contacts.find(contactId);
    if (found.isEmpty() || found.get().email() == null) {
      return false;
    }
    Contact contact = found.get();
    var consent = contact.consent(Channel.EMAIL);
    if (consent.isEmpty() || consent.get().status() != ConsentStatus.PENDING) {
      return false; // confirmed or withdrawn meanwhile
    }
    Instant pendingAt = consent.get().at();
    Instant now = clock.instant();
    SendLedger.Key key = new SendLedger.Key(SendLedger.confirmationExecution(contactId), "confirm", Long.toString(pendingAt.toEpochMilli()));
    if (ledger.claim(key, contactId, Channel.EMAIL.wireName(), now).isPresent()) {
      return false;
    }
    ObjectNode context = ContactJson.contact(contact, now);
    context.put("confirm_url", baseUrl.get().replaceAll("/+$", "") + "/v1/confirm/"
        + tokens.confirmation(contactId, Channel.EMAIL, pendingAt));
    MessageTemplates.Rendered rendered = templates.render(Channel.EMAIL, TEMPLATE, context);
    String messageId;
    try {
      messageId = messenger.send(new OutgoingMessage(Channel.EMAIL, contact.email(), rendered.subject(), rendered.text(),
          rendered.html(), new MessageTags("double-opt-in", null, "confirm", contactId, null).toSes()));
    } catch (RuntimeException e) {
      ledger.release(key); // not sent: the stream's retry may send it
      throw e;
    }
    ledger.sent(key, contactId, messageId, now);
    LOG.info("sent", Map.of("contactId", contactId, "messageId", messageId));
    return true;
  }
}
