package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import java.util.Map;

/**
 * A rendered message to one address. {@code subject} and {@code html} are null for SMS;
 * {@code headers} are extra e-mail headers (List-Unsubscribe...).
 */
public record OutgoingMessage(Channel channel, String to, String subject, String text, String html,
    Map<String, String> tags, Map<String, String> headers) {
  public OutgoingMessage {
    tags = Map.copyOf(tags);
    headers = Map.copyOf(headers);
  }

  public OutgoingMessage(Channel channel, String to, String subject, String text, String html, Map<String, String> tags) {
    this(channel, to, subject, text, html, tags, Map.of());
  }

  @Override
  public String toString() {
    // Never print the address: toString ends up in logs and assertion messages.
    return "OutgoingMessage[" + channel + ", tags=" + tags + "]";
  }
}
