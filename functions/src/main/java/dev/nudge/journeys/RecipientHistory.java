package dev.nudge.journeys;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.messaging.SendLedger;
import dev.nudge.platform.Times;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the contact API shows of each journey: its steps' messages (from the send ledger) and
 * what happened to each (the feedback events in the contact's timeline, matched by message id):
 * when it was delivered, opened, clicked (and which links), bounced, complained, failed.
 */
public final class RecipientHistory {
  private final SendLedger ledger;

  public RecipientHistory(SendLedger ledger) {
    this.ledger = ledger;
  }

  /** {@link JourneyJson#journeys} with each journey's {@code messages}; {@code timeline}: the contact's events. */
  public ArrayNode journeys(List<JourneyRecord> journeys, List<TrackedEvent> timeline) {
    Map<String, List<TrackedEvent>> byMessage = new HashMap<>();
    for (TrackedEvent event : timeline) {
      String messageId = event.properties() == null ? null : event.properties().path("messageId").asText(null);
      if (messageId != null) {
        byMessage.computeIfAbsent(messageId, m -> new java.util.ArrayList<>()).add(event);
      }
    }
    ArrayNode out = JourneyJson.journeys(journeys);
    for (int i = 0; i < out.size(); i++) {
      ObjectNode journey = (ObjectNode) out.get(i);
      ArrayNode messages = journey.putArray("messages");
      for (SendLedger.Send send : ledger.sends(journey.path("executionArn").asText())) {
        ObjectNode m = messages.addObject();
        m.put("step", send.step()).put("channel", send.channel())
            .put("status", send.status().name().toLowerCase(java.util.Locale.ROOT))
            .put("messageId", send.messageId()).put("sentAt", send.sentAt()).put("failure", send.failure())
            .put("template", send.template());
        if (send.templateVersion() != null) {
          m.put("templateVersion", send.templateVersion());
        }
        if (send.templateLocale() != null) {
          m.put("templateLocale", send.templateLocale());
        }
        ObjectNode happened = m.putObject("events");
        ArrayNode links = m.putArray("clickedLinks");
        byMessage.getOrDefault(send.messageId(), List.of()).stream()
            .sorted(Comparator.comparing(TrackedEvent::occurredAt))
            .forEach(e -> {
              // email.opened -> opened; sms.delivered -> delivered: the first time each happened.
              String what = e.type().substring(e.type().indexOf('.') + 1);
              if (!happened.has(what)) {
                happened.put(what, Times.format(e.occurredAt()));
              }
              if (e.type().equals("email.clicked") && e.properties().hasNonNull("link")) {
                links.add(e.properties().get("link").asText());
              }
            });
      }
    }
    return out;
  }
}
