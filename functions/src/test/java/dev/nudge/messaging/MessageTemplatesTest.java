package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.Json;
import org.junit.jupiter.api.Test;

class MessageTemplatesTest {
  private static ObjectNode contactNamed(String firstName) {
    ObjectNode context = Json.object();
    context.putObject("attributes").put("firstName", firstName);
    return context;
  }

  @Test
  void rendersTheConfiguredBrandWhereATemplateNamesIt() {
    MessageTemplates.Rendered rendered = new MessageTemplates("Acme").render(Channel.EMAIL, "welcome-1", contactNamed("Ada"));
    assertThat(rendered.subject()).isEqualTo("Welcome to Acme, Ada");
  }

  @Test
  void leavesTheCallersContextUntouched() {
    ObjectNode context = contactNamed("Ada");
    new MessageTemplates("Acme").render(Channel.EMAIL, "welcome-1", context);
    assertThat(context.has("brand")).isFalse();
  }
}
