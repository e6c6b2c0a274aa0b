package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import java.util.Optional;

/** Where message templates come from: the templates table, the jar, or the first of several. */
@FunctionalInterface
public interface TemplateSource {
  Optional<MessageTemplate> find(Channel channel, String id);

  /** This source, then {@code fallback} (stored templates override the bundled seed data). */
  default TemplateSource orElse(TemplateSource fallback) {
    return (channel, id) -> {
      Optional<MessageTemplate> found = find(channel, id);
      return found.isPresent() ? found : fallback.find(channel, id);
    };
  }
}
