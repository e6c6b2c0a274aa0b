package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages as content, in the local cloud running the project's template.yaml: a Spanish contact
 * gets the Spanish variant in the brand layout; a template saved through the templates admin API
 * (TemplatesTable) replaces the bundled one for the next send, which the StepFunction reads with
 * the table name and policy the template gives it.
 */
class MessageTemplatesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publishBundled("welcome-series");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aSpanishContactGetsTheSpanishVariantAndAStoredTemplateReplacesTheBundledOne() throws Exception {
    subscribe("ana", "es-ES");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo("ana").size() == 1)).isTrue();
    Outbox.Message spanish = emailsTo("ana").get(0);
    assertThat(spanish.subject()).isEqualTo("Te damos la bienvenida a Nudge, Ada");
    assertThat(spanish.html()).contains("<html lang=\"es\">").contains("Hola, Ada:").contains("Recibes este correo");
    assertThat(spanish.text()).contains("Hola, Ada:");

    String stored = "{\"channel\":\"email\",\"locales\":{"
        + "\"en\":{\"subject\":\"Stored welcome, {{ contact.firstName }}\",\"html\":\"<p>From the table</p>\"},"
        + "\"es\":{\"subject\":\"Bienvenida guardada, {{ contact.firstName }}\",\"html\":\"<p>Desde la tabla</p>\"}}}";
    HttpResponse<String> saved = api.admin("PUT", "/v1/templates/welcome-1", stored, "application/json");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
    assertThat(JSON.readTree(saved.body()).path("version").asInt()).isEqualTo(1);

    subscribe("bob", "en-GB");
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo("bob").size() == 1)).isTrue();
    Outbox.Message fromTable = emailsTo("bob").get(0);
    assertThat(fromTable.subject()).isEqualTo("Stored welcome, Ada");
    assertThat(fromTable.html()).contains("From the table");

    HttpResponse<String> preview = api.admin("POST", "/v1/templates/welcome-1/preview", "{\"contactId\":\"ana\"}", "application/json");
    assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
    assertThat(JSON.readTree(preview.body()).path("subject").asText()).isEqualTo("Bienvenida guardada, Ada");
  }

  private static void subscribe(String contact, String locale) throws Exception {
    HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
        + "@example.com\",\"locale\":\"" + locale + "\",\"attributes\":{\"firstName\":\"Ada\"},"
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
    assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
  }

  private static List<Outbox.Message> emailsTo(String contact) {
    return cloud.outbox().all().stream()
        .filter(m -> m.channel().equals("email") && m.to().contains(contact + "@example.com"))
        .sorted(Comparator.comparing(m -> Instant.parse(m.sentAt()))).toList();
  }
}
