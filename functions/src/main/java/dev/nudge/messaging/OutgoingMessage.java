package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import java.util.Map;

/** A rendered message to one address. {@code subject} and {@code html} are null for SMS. */
public record OutgoingMessage(Channel channel, String to, String subject, String text, String html,
    Map<String, String> tags) {
  public OutgoingMessage {
    tags = Map.copyOf(tags);
  }

  @Override
  public String toString() {
    // Never print the address: toString ends up in logs and assertion messages.
    return "OutgoingMessage[" + channel + ", tags=" + tags + "]";
  }
}
