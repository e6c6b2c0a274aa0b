package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.HeadlessChromium;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KPI proof of issue 10: 100 contacts through the bundled abandoned-cart workflow in the local
 * cloud, on the virtual clock, with a known mix of purchases, bounces, opens and clicks. The
 * statistics API must report exactly what was driven, the outbox must agree with it, and the local
 * dashboard and statistics page must show the same numbers.
 *
 * <p>The mix, by contact number:
 * <ul>
 *   <li>0–9 buy within the first hour: converted before the reminder;
 *   <li>10–14 have addresses at SES's bounce simulator: the reminder bounces, the day passes, an SMS;
 *   <li>15–59 open the reminder (50–59 also click it): the offer; 15–34 open and click the offer,
 *       15–29 then buy (after the journey completed: still its conversion);
 *   <li>60–99 ignore the reminder: an SMS after a day.
 * </ul>
 */
class AbandonedCartKpisEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW = "abandoned-cart";
  private static final int CONTACTS = 100;
  private static final IntPredicate EARLY_BUYER = i -> i < 10;
  private static final IntPredicate BOUNCER = i -> i >= 10 && i < 15;
  private static final IntPredicate REMINDER_OPENER = i -> i >= 15 && i < 60;
  private static final IntPredicate REMINDER_CLICKER = i -> i >= 50 && i < 60;
  private static final IntPredicate OFFER_CLICKER = i -> i >= 15 && i < 35;
  private static final IntPredicate LATE_BUYER = i -> i >= 15 && i < 30;

  private static LocalCloud cloud;
  private static NudgeApi api;
  private static LocalDate firstDay;
  private static JsonNode capacity;

  @BeforeAll
  static void driveOneHundredCarts() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publishBundled(WORKFLOW);
    advanceToNext(LocalTime.of(10, 0), ZoneId.of("Europe/Madrid"));
    firstDay = LocalDate.ofInstant(cloud.clock().instant(), ZoneOffset.UTC);
    cloud.dynamo().capacity().reset();

    for (int i = 0; i < CONTACTS; i++) {
      identify(i);
    }
    for (int i = 0; i < CONTACTS; i++) {
      track(i, "cart-" + i, "cart.updated", "{\"items\":2}");
    }
    await("100 journeys started", () -> journeyCounter("started") == CONTACTS);

    advance(Duration.ofMinutes(10));
    for (int i = 0; i < CONTACTS; i++) {
      if (EARLY_BUYER.test(i)) {
        track(i, "order-" + i, "order.completed", "{\"total\":42}");
      }
    }
    await("10 early conversions", () -> journeyCounter("converted") == 10);

    advance(Duration.ofMinutes(50));
    await("90 reminders", () -> emails("reminder").size() == 90);
    settle(); // the waitFor steps have registered their tokens

    advance(Duration.ofMinutes(5));
    for (Outbox.Message reminder : emails("reminder")) {
      int i = contactNumber(reminder);
      if (REMINDER_OPENER.test(i)) {
        cloud.ses().simulate(reminder.id(), "open", null);
      }
      if (REMINDER_CLICKER.test(i)) {
        cloud.ses().simulate(reminder.id(), "click", null);
      }
    }
    await("45 offers", () -> emails("offer").size() == 45);
    settle();

    advance(Duration.ofMinutes(5));
    for (Outbox.Message offer : emails("offer")) {
      if (OFFER_CLICKER.test(contactNumber(offer))) {
        cloud.ses().simulate(offer.id(), "open", null);
        cloud.ses().simulate(offer.id(), "click", null);
      }
    }
    settle();

    advance(Duration.ofMinutes(30));
    for (int i = 0; i < CONTACTS; i++) {
      if (LATE_BUYER.test(i)) {
        track(i, "order-" + i, "order.completed", "{\"total\":58}");
      }
    }
    await("25 conversions", () -> journeyCounter("converted") == 25);

    advance(Duration.ofDays(1));
    await("45 SMS", () -> sms().size() == 45);
    await("every journey ended", () -> journeyCounter("completed") == 90);
    settle();
    capacity = cloud.dynamo().capacity().toJson();
    Path file = Path.of("target", "kpis", "abandoned-cart-capacity.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(capacity));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void journeyCountersAreExactlyWhatWasDriven() throws Exception {
    JsonNode journeys = version(stats()).path("journeys");
    assertThat(journeys.path("started").asLong()).isEqualTo(100);
    assertThat(journeys.path("converted").asLong()).isEqualTo(25);
    assertThat(journeys.path("completed").asLong()).isEqualTo(90);
    assertThat(journeys.has("exited")).isFalse();
    assertThat(journeys.path("conversionRate").asDouble()).isEqualTo(0.25);
    assertThat(journeys.path("timeToConversion").path("samples").asLong()).isEqualTo(25);
  }

  @Test
  void theWorkflowsFirstAndLastOperationsAreTheFirstEntryAndTheLastSms() throws Exception {
    JsonNode stats = stats();
    java.time.Instant first = java.time.Instant.parse(stats.path("firstAt").asText());
    // The carts were tracked an hour before the first reminder; the SMS went out a day later.
    assertThat(first).isEqualTo(java.time.Instant.parse(step(stats, "reminder").path("firstAt").asText())
        .minus(Duration.ofHours(1)));
    assertThat(java.time.Instant.parse(stats.path("lastAt").asText()))
        .isEqualTo(java.time.Instant.parse(step(stats, "sms").path("lastAt").asText()));
  }

  @Test
  void theRemindersCountersAreExactlyWhatWasDriven() throws Exception {
    JsonNode counters = step(stats(), "reminder").path("counters");
    assertThat(counters.path("entered").asLong()).isEqualTo(90);
    assertThat(counters.path("sent").asLong()).isEqualTo(90);
    assertThat(counters.path("delivered").asLong()).isEqualTo(85);
    assertThat(counters.path("bounced").asLong()).isEqualTo(5);
    assertThat(counters.path("opened").asLong()).isEqualTo(45);
    assertThat(counters.path("clicked").asLong()).isEqualTo(10);
  }

  @Test
  void theRemindersRatesFollowFromItsCounters() throws Exception {
    JsonNode rates = step(stats(), "reminder").path("rates");
    assertThat(rates.path("open").asDouble()).isEqualTo(Math.round(10000.0 * 45 / 85) / 10000.0);
    assertThat(rates.path("click").asDouble()).isEqualTo(Math.round(10000.0 * 10 / 85) / 10000.0);
    assertThat(rates.path("clickToOpen").asDouble()).isEqualTo(Math.round(10000.0 * 10 / 45) / 10000.0);
    assertThat(rates.path("bounce").asDouble()).isEqualTo(Math.round(10000.0 * 5 / 90) / 10000.0);
  }

  @Test
  void theOfferAndSmsCountersAreExactlyWhatWasDriven() throws Exception {
    JsonNode stats = stats();
    JsonNode offer = step(stats, "offer").path("counters");
    assertThat(offer.path("sent").asLong()).isEqualTo(45);
    assertThat(offer.path("delivered").asLong()).isEqualTo(45);
    assertThat(offer.path("opened").asLong()).isEqualTo(20);
    assertThat(offer.path("clicked").asLong()).isEqualTo(20);
    JsonNode sms = step(stats, "sms").path("counters");
    assertThat(sms.path("entered").asLong()).isEqualTo(45);
    assertThat(sms.path("sent").asLong()).isEqualTo(45);
    assertThat(step(stats, "reminder-opened").path("counters").path("entered").asLong()).isEqualTo(90);
    // A plain wait is a Step Functions Wait state: no Task runs there, so it has no counters.
    assertThat(stepOrNull(stats, "wait-1h")).isNull();
  }

  @Test
  void stepsAreListedInTheJourneysOrderAndAnSmsStepHasNoOpenRate() throws Exception {
    JsonNode stats = stats();
    List<String> order = new ArrayList<>();
    version(stats).path("steps").forEach(s -> order.add(s.path("step").asText()));
    assertThat(order).containsExactly("reminder", "reminder-opened", "sms", "offer");
    assertThat(step(stats, "sms").path("channel").asText()).isEqualTo("sms");
    assertThat(step(stats, "sms").path("rates").path("open").isNull()).isTrue();
    assertThat(step(stats, "reminder").path("channel").asText()).isEqualTo("email");
  }

  @Test
  void everySentCounterEqualsTheOutbox() throws Exception {
    JsonNode stats = stats();
    assertThat(step(stats, "reminder").path("counters").path("sent").asLong()).isEqualTo(emails("reminder").size());
    assertThat(step(stats, "offer").path("counters").path("sent").asLong()).isEqualTo(emails("offer").size());
    assertThat(step(stats, "sms").path("counters").path("sent").asLong()).isEqualTo(sms().size());
    assertThat(emails("reminder")).extracting(AbandonedCartKpisEndToEndTest::contactNumber).doesNotHaveDuplicates();
  }

  @Test
  void theOpenAndClickResponseTimesAreTheDrivenDelays() throws Exception {
    JsonNode reminder = step(stats(), "reminder").path("responseTimes");
    assertThat(reminder.path("sendToOpen").path("samples").asLong()).isEqualTo(45);
    assertThat(reminder.path("sendToOpen").path("p50").asText()).isEqualTo("PT5M");
    assertThat(reminder.path("sendToClick").path("p90").asText()).isEqualTo("PT5M");
  }

  @Test
  void aRangeOfTheJourneysTwoDaysAddsUpToTheTotalsAndTheFirstDayAloneHasNoSms() throws Exception {
    LocalDate lastDay = LocalDate.ofInstant(cloud.clock().instant(), ZoneOffset.UTC);
    JsonNode both = stats("?from=" + firstDay + "&to=" + lastDay);
    assertThat(step(both, "reminder").path("counters")).isEqualTo(step(stats(), "reminder").path("counters"));
    JsonNode first = stats("?from=" + firstDay + "&to=" + firstDay);
    assertThat(step(first, "reminder").path("counters").path("sent").asLong()).isEqualTo(90);
    assertThat(stepOrNull(first, "sms")).isNull();
  }

  @Test
  void theLocalDashboardShowsTheSameSends() throws Exception {
    JsonNode dashboard = JSON.readTree(api.get("/_local/api/dashboard").body());
    assertThat(total(dashboard, "E-mail: sent", "sent")).isEqualTo(135);
    assertThat(total(dashboard, "E-mail: sent", "bounced")).isEqualTo(5);
    assertThat(total(dashboard, "Journeys started per workflow", WORKFLOW)).isEqualTo(100);
  }

  @Test
  void inChromiumTheLocalDashboardChartsTheSends() throws Exception {
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 1280).put("height", 1600)
          .put("deviceScaleFactor", 1).put("mobile", false));
      browser.open(cloud.endpoint() + "/_local/dashboard");
      assertThat(browser.evaluate("document.body.dataset.charts").asText()).isEqualTo("drawn");
      assertThat(browser.evaluate("[...document.querySelectorAll('section.widget')].find(s => s.querySelector('h2')"
          + ".textContent.startsWith('E-mail: sent')).querySelector('tr[data-label=\"sent\"] td.total').textContent").asText())
          .isEqualTo("135");
      JsonNode shot = browser.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      Path file = Path.of("target", "screenshots", "abandoned-cart-dashboard.png");
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
      assertThat(Files.size(file)).isGreaterThan(10_000);
    }
  }

  @Test
  void theCapacityMeterSawTheStatisticsWrites() {
    String statsTable = cloud.functions().find("FeedbackFunction").variables().get("STATS_TABLE");
    double statsWrites = capacity.path("tables").path(statsTable).path("writeUnits").asDouble();
    // Every count is a transaction of three items at 2 WCU each: at least 6 WCU per count.
    assertThat(statsWrites).isGreaterThanOrEqualTo(6.0 * CONTACTS);
    assertThat(capacity.path("writeUnits").asDouble()).isGreaterThan(statsWrites);
  }

  @Test
  void inChromiumTheStatisticsPageShowsTheRemindersNumbers() throws Exception {
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 1280).put("height", 700)
          .put("deviceScaleFactor", 1).put("mobile", false));
      browser.open(cloud.endpoint() + "/_local/stats");
      String row = "section[data-workflow=\\\"" + WORKFLOW + "\\\"] tr[data-step=\\\"reminder\\\"]";
      assertThat(browser.evaluate("document.querySelector(\"" + row + " td.sent\").textContent").asLong()).isEqualTo(90);
      assertThat(browser.evaluate("document.querySelector(\"" + row + " td.opened\").textContent").asLong()).isEqualTo(45);
      // The funnel's opened bar is half as wide as the step: 45 of 90 entries.
      assertThat(browser.evaluate("Math.round(100 * document.querySelector(\"" + row + " .bar.opened\").offsetWidth"
          + " / document.querySelector(\"" + row + " .bars\").offsetWidth)").asLong()).isEqualTo(50);
      assertThat(browser.evaluate("document.querySelector('p.journeys b.converted').textContent").asLong()).isEqualTo(25);
      JsonNode shot = browser.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      Path file = Path.of("target", "screenshots", "abandoned-cart-stats.png");
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
      assertThat(Files.size(file)).isGreaterThan(5_000);
    }
  }

  // --- driving -------------------------------------------------------------------------------

  private static String email(int i) {
    return BOUNCER.test(i) ? "bounce+cart-" + i + "@simulator.amazonses.com" : "cart-" + i + "@example.com";
  }

  private static void identify(int i) throws Exception {
    HttpResponse<String> response = api.signed("/v1/identify", "{\"contactId\":\"cart-" + i + "\",\"email\":\"" + email(i)
        + "\",\"phone\":\"+34612" + String.format("%06d", i) + "\",\"timezone\":\"Europe/Madrid\","
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"},\"sms\":{\"status\":\"subscribed\"}}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void track(int i, String eventId, String type, String properties) throws Exception {
    HttpResponse<String> response = api.signed("/v1/track", "{\"id\":\"" + eventId + "\",\"type\":\"" + type
        + "\",\"contactId\":\"cart-" + i + "\",\"properties\":" + properties + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static int contactNumber(Outbox.Message message) {
    String to = message.to().get(0);
    int start = to.indexOf("cart-") + "cart-".length();
    int end = start;
    while (end < to.length() && Character.isDigit(to.charAt(end))) {
      end++;
    }
    return Integer.parseInt(to.substring(start, end));
  }

  private static List<Outbox.Message> emails(String step) {
    List<Outbox.Message> found = new ArrayList<>();
    for (Outbox.Message m : cloud.outbox().all()) {
      if (m.channel().equals("email") && m.tags().getOrDefault("workflow", List.of()).contains(WORKFLOW)
          && m.tags().getOrDefault("step", List.of()).contains(step)) {
        found.add(m);
      }
    }
    return found;
  }

  private static List<Outbox.Message> sms() {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("sms")).toList();
  }

  private static void advanceToNext(LocalTime time, ZoneId zone) throws InterruptedException {
    ZonedDateTime now = cloud.clock().instant().atZone(zone);
    ZonedDateTime next = now.with(time);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    advance(Duration.between(now, next));
  }

  private static void advance(Duration duration) throws InterruptedException {
    settle();
    cloud.clock().advance(duration);
    cloud.engine().awaitQuiescence();
  }

  /** Lets the stream pollers and the engine finish whatever the last calls set off. */
  private static void settle() throws InterruptedException {
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    assertThat(TestClouds.eventually(Duration.ofSeconds(180), () -> {
      cloud.engine().awaitQuiescence();
      return condition.getAsBoolean();
    })).as(what).isTrue();
  }

  // --- reading -------------------------------------------------------------------------------

  private static JsonNode stats() throws Exception {
    return stats("");
  }

  private static JsonNode stats(String query) throws Exception {
    HttpResponse<String> response = api.admin("GET", "/v1/workflows/" + WORKFLOW + "/stats" + query, "", "application/json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode version(JsonNode stats) {
    assertThat(stats.path("versions")).as("one published version").hasSize(1);
    return stats.path("versions").get(0);
  }

  private static JsonNode step(JsonNode stats, String step) {
    JsonNode found = stepOrNull(stats, step);
    assertThat(found).as("step " + step + " in " + stats).isNotNull();
    return found;
  }

  private static JsonNode stepOrNull(JsonNode stats, String step) {
    for (JsonNode s : version(stats).path("steps")) {
      if (s.path("step").asText().equals(step)) {
        return s;
      }
    }
    return null;
  }

  private static long journeyCounter(String name) {
    try {
      JsonNode versions = stats().path("versions");
      return versions.isEmpty() ? 0 : versions.get(0).path("journeys").path(name).asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  private static double total(JsonNode dashboard, String widgetTitlePrefix, String label) {
    for (JsonNode widget : dashboard.path("widgets")) {
      if (widget.path("title").asText().startsWith(widgetTitlePrefix)) {
        for (JsonNode series : widget.path("series")) {
          if (series.path("label").asText().equals(label)) {
            return series.path("total").asDouble();
          }
        }
        throw new AssertionError("no series " + label + " in " + widget);
      }
    }
    throw new AssertionError("no widget " + widgetTitlePrefix);
  }
}
