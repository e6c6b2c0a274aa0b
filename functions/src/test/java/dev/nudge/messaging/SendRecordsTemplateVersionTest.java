package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.Contact;
import dev.nudge.platform.Json;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The send ledger keeps which template version a send rendered, against DynamoDB Local: after the
 * template changes, the send's item still says what the contact got.
 */
class SendRecordsTemplateVersionTest {
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final SendLedger ledger = new SendLedger(ddb, TemplateTables.create(ddb, "JourneysTable"));
  private final TemplateStore store = new TemplateStore(ddb, TemplateTables.create(ddb, "TemplatesTable"));
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T11:00:00Z"));
  private final List<OutgoingMessage> outbox = new ArrayList<>();
  private final SendService sends = new SendService(ledger,
      new MessageTemplates(store.orElse(new BundledMessageTemplates()), Brand.none()), message -> {
        outbox.add(message);
        return "msg-" + outbox.size();
      }, clock);

  private static Contact contact(String id, String locale) {
    Instant at = Instant.parse("2026-11-01T00:00:00Z");
    return new Contact(id, id + "@example.com", null, Map.of("firstName", new Attribute.Text("Ana")),
        Map.of(Channel.EMAIL, new Consent(ConsentStatus.SUBSCRIBED, "test", at)), Map.of(), "Europe/Madrid", locale,
        Set.of(), 0, at, at, Map.of(), Set.of(), null);
  }

  private void save(String subject, int expected) {
    ObjectNode body = Json.object();
    body.put("channel", "email");
    ObjectNode locales = body.putObject("locales");
    locales.putObject("en").put("subject", subject).put("html", "<p>Hi</p>");
    locales.putObject("es").put("subject", "ES " + subject).put("html", "<p>Hola</p>");
    store.save(MessageTemplate.fromJson("spring", body, 0), expected, clock.instant()).orElseThrow();
  }

  private SendService.Outcome send(Contact contact, SendLedger.Key key) {
    return sends.send(new SendService.Request("spring-sale", "1", new Step.Email("spring"), Workflow.Settings.DEFAULT,
        contact, key, null));
  }

  @Test
  void theLedgerItemOfASendNamesTheTemplateVersionAndLanguageItRendered() {
    save("One", 0);
    save("Two", 1);
    SendLedger.Key key = new SendLedger.Key("exec-1", "announce", "2026-11-23T11:00:00Z");
    assertThat(send(contact("c1", "es-ES"), key).status()).isEqualTo(SendService.Status.SENT);
    assertThat(outbox.get(0).subject()).isEqualTo("ES Two");
    assertThat(ledger.templateUsed(key)).contains(new SendLedger.TemplateUsed("spring", 2, "es"));
  }

  @Test
  void aLaterSaveDoesNotChangeWhatAnEarlierSendRecorded() {
    save("One", 0);
    SendLedger.Key first = new SendLedger.Key("exec-1", "announce", "2026-11-23T11:00:00Z");
    send(contact("c1", "en"), first);
    save("Two", 1);
    SendLedger.Key second = new SendLedger.Key("exec-2", "announce", "2026-11-23T11:00:00Z");
    send(contact("c2", "en"), second);
    assertThat(ledger.templateUsed(first)).contains(new SendLedger.TemplateUsed("spring", 1, "en"));
    assertThat(ledger.templateUsed(second)).contains(new SendLedger.TemplateUsed("spring", 2, "en"));
  }

  @Test
  void aBundledTemplateIsRecordedAsVersionZero() {
    SendLedger.Key key = new SendLedger.Key("exec-1", "welcome", "2026-11-23T11:00:00Z");
    sends.send(new SendService.Request("welcome-series", "1", new Step.Email("welcome-1"), Workflow.Settings.DEFAULT,
        contact("c1", "en"), key, null));
    assertThat(ledger.templateUsed(key)).contains(new SendLedger.TemplateUsed("welcome-1", 0, "en"));
  }

  @Test
  void theSendsLinksCarryTheWorkflowAndStep() {
    ObjectNode body = Json.object();
    body.put("channel", "email");
    body.putObject("locales").putObject("en").put("subject", "S").put("html", "<a href=\"https://shop.example.com/\">Shop</a>");
    store.save(MessageTemplate.fromJson("spring", body, 0), 0, clock.instant()).orElseThrow();
    send(contact("c1", "en"), new SendLedger.Key("exec-1", "announce", "2026-11-23T11:00:00Z"));
    assertThat(outbox.get(0).html())
        .contains("https://shop.example.com/?utm_source=nudge&utm_medium=email&utm_campaign=spring-sale&utm_content=announce");
  }
}
