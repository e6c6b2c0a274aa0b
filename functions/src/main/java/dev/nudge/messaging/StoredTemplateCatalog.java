package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import dev.nudge.workflows.TemplateCatalog;

/**
 * What workflow validation sees: the bundled templates, then the stored ones, each only for its
 * own channel (a step {@code sms: {template: x}} needs an SMS template x).
 */
public final class StoredTemplateCatalog implements TemplateCatalog {
  private final TemplateCatalog bundled;
  private final TemplateSource stored;

  public StoredTemplateCatalog(TemplateCatalog bundled, TemplateSource stored) {
    this.bundled = bundled;
    this.stored = stored;
  }

  @Override
  public boolean exists(String channel, String template) {
    return bundled.exists(channel, template)
        || Channel.fromWire(channel).flatMap(c -> stored.find(c, template)).isPresent();
  }
}
