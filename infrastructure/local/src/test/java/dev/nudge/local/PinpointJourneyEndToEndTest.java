package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.aws.Outbox;
import dev.nudge.local.aws.WebhookInbox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.HeadlessChromium;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import dev.nudge.local.testing.VirtualTime;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.pinpoint.Finding;
import dev.nudge.workflows.pinpoint.PinpointJourneyImport;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's way in from Amazon Pinpoint, end to end: the journey with every activity type
 * ({@code functions/src/test/resources/pinpoint/every-activity.json}) is converted as
 * {@code ./nudge import pinpoint} converts it, the templates the report asks for are created through
 * the templates API, and the workflow is published and walked by contacts in the local cloud on the
 * virtual clock; the webhook step's calls land in the local cloud's webhook inbox.
 */
class PinpointJourneyEndToEndTest {
  private static final Pattern MISSING_TEMPLATE = Pattern.compile("no email template \"([a-z0-9-]+)\"");
  private static final String WORKFLOW = "abandoned-cart-recovery";
  private static final java.util.Map<String, String> PHONES = new java.util.concurrent.ConcurrentHashMap<>();
  private static LocalCloud cloud;
  private static NudgeApi api;
  private static PinpointJourneyImport.Result imported;

  @BeforeAll
  static void importAndPublish() throws Exception {
    String journey = Files.readString(Path.of(System.getProperty("nudge.repo.root", "../.."),
        "functions/src/test/resources/pinpoint/every-activity.json"));
    imported = PinpointJourneyImport.convert(journey, new BundledTemplates());

    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    for (String template : missingTemplates()) {
      String body = "{\"channel\":\"email\",\"locales\":{\"en\":{\"subject\":\"" + template
          + " for {{ contact.firstName | default: 'you' }}\",\"html\":\"<p>" + template + "</p>\"}}}";
      HttpResponse<String> saved = api.admin("PUT", "/v1/templates/" + template, body, "application/json");
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
    }
    api.publish(WORKFLOW, imported.yaml());
  }

  /**
   * Each test starts at 15:00 UTC, 10:00 for the contacts (Bogotá, UTC-05, as the journey's zone),
   * far from the journey's quiet hours (22:00-08:00). The virtual clock jumps: whatever falls due
   * during a jump runs at the jump's end, so the tests jump exactly to the moments steps fall due.
   */
  @org.junit.jupiter.api.BeforeEach
  void morningInBogota() throws InterruptedException {
    VirtualTime.advanceToNext(cloud, LocalTime.of(15, 0), ZoneOffset.UTC);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void theConversionReportsWhatItCouldNotConvertWithTheActivityIds() {
    List<String> reported = imported.findings().stream().map(Finding::activity).toList();
    assertThat(reported).contains("PushNudge", "CallCenter", "WhatsApp", "WaitUntilSale", "CrmWebhook");
    assertThat(imported.findings()).map(Finding::message)
        .anyMatch(m -> m.contains("\"CartAbandoned\" written \"cart.abandoned\"") && m.endsWith("track it under that name"));
    assertThat(missingTemplates()).containsExactlyInAnyOrder("vip-offer-a", "vip-offer-b", "black-friday", "thank-you");
  }

  @Test
  void aShopperWhoOpensTheReminderAndClicksTheOfferGetsTheOfferThenTheClickersVariant() throws Exception {
    identify("pp-opener");
    abandonCart("pp-opener", 80);
    VirtualTime.advance(cloud, Duration.ofHours(1));
    Outbox.Message reminder = awaitEmail("pp-opener", "reminder-email");
    assertThat(reminder.subject()).isEqualTo("You left something in your cart");

    VirtualTime.advance(cloud, Duration.ofMinutes(10));
    cloud.ses().simulate(reminder.id(), "open", null);
    Outbox.Message offer = awaitEmail("pp-opener", "offer-email");
    VirtualTime.advance(cloud, Duration.ofMinutes(10));
    cloud.ses().simulate(offer.id(), "click", null);
    VirtualTime.settle(cloud);

    VirtualTime.advance(cloud, Duration.ofHours(12));
    assertThat(steps("pp-opener")).as("the variant falls in the quiet hours (23:20 in Bogotá)")
        .containsExactly("reminder-email", "offer-email");
    VirtualTime.advance(cloud, Duration.ofHours(9));
    awaitEmail("pp-opener", "variant-b");
    VirtualTime.advance(cloud, Duration.ofDays(3));
    assertThat(steps("pp-opener")).containsExactly("reminder-email", "offer-email", "variant-b");
    assertThat(sms("pp-opener")).isEmpty();
  }

  @Test
  void shoppersWhoIgnoreTheReminderGetTheSmsThenAreHeldOutOrReachTheSaleAndTheCrm() throws Exception {
    List<String> shoppers = List.of("pp-ignorer-1", "pp-ignorer-2", "pp-ignorer-3", "pp-ignorer-4", "pp-ignorer-5");
    for (String shopper : shoppers) {
      identify(shopper);
      abandonCart(shopper, 120);
    }
    VirtualTime.advance(cloud, Duration.ofHours(1)); // the reminder
    VirtualTime.advance(cloud, Duration.ofHours(24)); // not opened within a day: the SMS (11:00 in Bogotá)
    VirtualTime.advance(cloud, Duration.ofHours(12)); // the evaluation wait, then the holdout
    VirtualTime.advance(cloud, Duration.ofHours(10)); // the wait until 09:00: the sale e-mail and the CRM call
    VirtualTime.advance(cloud, Duration.ofHours(1));

    int reachedSale = 0;
    for (String shopper : shoppers) {
      assertThat(sms(shopper)).as(shopper + " got the SMS reminder").hasSize(1);
      List<String> steps = steps(shopper);
      assertThat(steps).as(shopper).isIn(List.of("reminder-email"), List.of("reminder-email", "sale-email"));
      if (steps.contains("sale-email")) {
        reachedSale++;
      }
    }
    assertThat(reachedSale).as("the 10% holdout keeps the others").isGreaterThan(0);
    int expectedCalls = reachedSale;
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> crmCalls().size() == expectedCalls))
        .as("one CRM call per shopper who reached the sale").isTrue();
    assertThat(crmCalls()).allSatisfy(call -> {
      assertThat(call.url()).isEqualTo("https://hooks.example.com/pinpoint");
      assertThat(call.step()).isEqualTo("crm-webhook");
      assertThat(call.signature()).startsWith("t=").contains(",v1=");
    });

    // The local page lists what the CRM would have received.
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.open(cloud.endpoint() + "/_local/");
      JsonNode rows = browser.evaluate("JSON.stringify([...document.querySelectorAll('#webhooks tr.webhook')]"
          + ".map(r => [...r.cells].slice(1, 5).map(c => c.textContent)))");
      JsonNode table = new ObjectMapper().readTree(rows.asText());
      assertThat(table).hasSize(expectedCalls);
      table.forEach(row -> assertThat(row.get(0).asText() + " " + row.get(1).asText() + " " + row.get(2).asText())
          .isEqualTo("https://hooks.example.com/pinpoint " + WORKFLOW + " crm-webhook"));
      browser.evaluate("document.querySelector('#webhooks').scrollIntoView()");
      JsonNode shot = browser.call("Page.captureScreenshot", new ObjectMapper().createObjectNode().put("format", "png"));
      Path file = Path.of("target", "screenshots", "local-webhooks.png");
      Files.createDirectories(file.getParent());
      Files.write(file, java.util.Base64.getDecoder().decode(shot.path("data").asText()));
      assertThat(Files.size(file)).isGreaterThan(10_000);
    }
  }

  @Test
  void aCartBelowTheStartConditionsMetricStartsNoJourney() throws Exception {
    identify("pp-small-cart");
    abandonCart("pp-small-cart", 20);
    VirtualTime.advance(cloud, Duration.ofHours(2));
    assertThat(steps("pp-small-cart")).isEmpty();
  }

  private static List<WebhookInbox.Call> crmCalls() {
    return cloud.webhooks().all().stream()
        .filter(call -> call.workflow().equals(WORKFLOW) && call.contactId().startsWith("pp-ignorer-")).toList();
  }

  private static List<String> missingTemplates() {
    List<String> templates = new ArrayList<>();
    for (Finding finding : imported.findings()) {
      Matcher matcher = MISSING_TEMPLATE.matcher(finding.message());
      if (matcher.find()) {
        templates.add(matcher.group(1));
      }
    }
    return templates;
  }

  private static void identify(String contact) throws IOException, InterruptedException {
    HttpResponse<String> response = api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\""
        + contact + "@example.com\",\"phone\":\"" + phone(contact) + "\",\"timezone\":\"America/Bogota\",\"consent\":{\"email\":{\"status\":\"subscribed\"},"
        + "\"sms\":{\"status\":\"subscribed\"}}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void abandonCart(String contact, int value) throws IOException, InterruptedException {
    HttpResponse<String> response = api.signed("/v1/track", "{\"id\":\"" + contact + "-cart\",\"type\":\"cart.abandoned\","
        + "\"contactId\":\"" + contact + "\",\"properties\":{\"channel\":\"web\",\"cartValue\":" + value + "}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static Outbox.Message awaitEmail(String contact, String step) {
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emails(contact).stream()
        .anyMatch(m -> tag(m, "step").equals(step)))).as(contact + " got " + step).isTrue();
    return emails(contact).stream().filter(m -> tag(m, "step").equals(step)).findFirst().orElseThrow();
  }

  private static List<String> steps(String contact) {
    return emails(contact).stream().map(m -> tag(m, "step")).toList();
  }

  /** Oldest first (the outbox lists the newest first). */
  private static List<Outbox.Message> emails(String contact) {
    List<Outbox.Message> oldestFirst = new ArrayList<>(cloud.outbox().all());
    java.util.Collections.reverse(oldestFirst);
    return oldestFirst.stream()
        .filter(m -> m.channel().equals("email") && m.to().contains(contact + "@example.com")
            && tag(m, "workflow").equals(WORKFLOW))
        .toList();
  }

  private static List<Outbox.Message> sms(String contact) {
    String phone = phone(contact);
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("sms") && m.to().contains(phone)).toList();
  }

  private static String phone(String contact) {
    return PHONES.computeIfAbsent(contact, c -> "+34612" + String.format("%06d", PHONES.size() + 1));
  }

  private static String tag(Outbox.Message message, String name) {
    List<String> values = message.tags().getOrDefault(name, List.of());
    return values.isEmpty() ? "" : values.get(0);
  }
}
