package dev.nudge.local;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.JourneyRecord;
import dev.nudge.journeys.JourneyRecords;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.lambda.Invocation;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The proofs: the project's template.yaml started in-process, in memory, on a frozen
 * virtual clock; bundled workflows published through the workflow admin API; contacts and events
 * sent through the signed tracking API; the router reading the events stream; journeys running on
 * the local Step Functions engine; messages landing in the local SES/SNS outbox.
 */
class JourneysEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static LocalCloud cloud;
  private static DynamoDbClient dynamo;
  private static String keyId;
  private static String secret;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    dynamo = client(DynamoDbClient.builder(), cloud);
    String keysName = cloud.functions().find("TrackFunction").variables().get("SIGNING_KEYS_PARAMETER");
    try (SsmClient ssm = client(SsmClient.builder(), cloud)) {
      JsonNode keys = JSON.readTree(ssm.getParameter(b -> b.name(keysName).withDecryption(true)).parameter().value());
      keyId = keys.fieldNames().next();
      secret = keys.get(keyId).asText();
    }
    publish("welcome-series", bundled("welcome-series"));
    publish("abandoned-cart", bundled("abandoned-cart"));
  }

  @AfterAll
  static void stop() {
    if (dynamo != null) {
      dynamo.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aSubscriberGetsTheFirstWelcomeEmailAtOnceAndTheSecondTwoDaysLaterNotBefore() throws Exception {
    String contact = "welcome-1";
    subscribe(contact);

    Instant subscribed = cloud.clock().instant();
    assertThat(eventually(() -> emailsTo(contact).size() == 1)).as("first welcome email").isTrue();
    assertThat(steps(emailsTo(contact))).containsExactly("welcome");
    assertThat(emailsTo(contact).get(0).subject()).isEqualTo("Welcome to Nudge, Ada"); // the template's default BrandName
    assertThat(sentAt(emailsTo(contact).get(0))).isEqualTo(subscribed.truncatedTo(ChronoUnit.MILLIS));

    advance(Duration.ofDays(2).minusMinutes(1));
    assertThat(emailsTo(contact)).as("nothing before two days").hasSize(1);

    advance(Duration.ofMinutes(1));
    assertThat(eventually(() -> emailsTo(contact).size() == 2)).as("second welcome email").isTrue();
    assertThat(steps(emailsTo(contact))).containsExactly("welcome", "getting-started");
    assertThat(Duration.between(sentAt(emailsTo(contact).get(0)), sentAt(emailsTo(contact).get(1))))
        .isEqualTo(Duration.ofDays(2));
    assertThat(journeys(contact, "welcome-series")).singleElement()
        .satisfies(j -> assertThat(j.status()).isEqualTo(JourneyRecord.Status.ACTIVE));
  }

  @Test
  void theSameTriggerEventDeliveredThreeTimesStartsOneJourney() throws Exception {
    String contact = "welcome-dup";
    identify(contact);
    String event = "{\"id\":\"sub-" + contact + "\",\"type\":\"contact.subscribed\",\"contactId\":\"" + contact + "\"}";
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = signed("/v1/track", event);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      statuses.add(JSON.readTree(response.body()).path("status").asText());
    }
    assertThat(statuses).containsExactly("created", "duplicate", "duplicate");
    assertThat(eventually(() -> emailsTo(contact).size() == 1)).isTrue();

    // Past the tracking API's de-duplication: the stream delivers at least once, so the router
    // gets the same record twice more, as a Lambda retry would hand it over.
    Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(eventsTable()).key(Map.of(
        "contactId", AttributeValue.fromS(contact), "eventId", AttributeValue.fromS("sub-" + contact)))).item();
    ObjectNode records = JSON.createObjectNode();
    ObjectNode record = records.putArray("Records").addObject();
    record.put("eventName", "INSERT").put("eventSource", "aws:dynamodb");
    record.putObject("dynamodb").put("SequenceNumber", "1").set("NewImage", wire(item));
    for (int i = 0; i < 2; i++) {
      Invocation routed = cloud.functions().invoke(cloud.functions().find("RouterFunction"), JSON.writeValueAsBytes(records));
      assertThat(routed.failed()).as(routed.errorMessage()).isFalse();
      assertThat(JSON.readTree(routed.payload()).path("batchItemFailures")).isEmpty();
    }
    settle();
    assertThat(emailsTo(contact)).hasSize(1);
    assertThat(journeys(contact, "welcome-series")).hasSize(1);
  }

  @Test
  void aPurchaseDuringTheWaitEndsTheJourneyAsAConversionAndNothingMoreIsSent() throws Exception {
    String contact = "cart-buyer";
    identify(contact, "Europe/Madrid");
    advanceToNext(LocalTime.of(10, 0), ZoneId.of("Europe/Madrid"));
    track(contact, "cart-" + contact, "cart.updated", "{\"items\":2}");
    assertThat(eventually(() -> !journeys(contact, "abandoned-cart").isEmpty())).as("journey started").isTrue();

    advance(Duration.ofMinutes(30));
    track(contact, "order-" + contact, "order.completed", "{\"total\":42}");

    assertThat(eventually(() -> journeys(contact, "abandoned-cart").stream().anyMatch(j -> !j.active())))
        .as("journey ended").isTrue();
    assertThat(journeys(contact, "abandoned-cart")).singleElement().satisfies(j -> {
      assertThat(j.outcome()).isEqualTo(JourneyRecord.Outcome.CONVERTED);
      assertThat(j.convertedAt()).isNotNull();
    });
    advance(Duration.ofDays(2));
    assertThat(emailsTo(contact, "abandoned-cart")).isEmpty();
    assertThat(smsTo(contact, "abandoned-cart")).isEmpty();
  }

  @Test
  void anEmailOpenedWithinADayLeadsDownTheOfferBranch() throws Exception {
    String contact = "cart-opener";
    Outbox.Message reminder = abandonCartAndGetTheReminder(contact);

    advance(Duration.ofHours(3));
    // "Simulate open" on the local page: SES's Open event goes to the default bus, the template's
    // rule runs the FeedbackFunction, which stores email.opened; the stream takes it to the router.
    HttpResponse<String> opened = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_local/outbox/"
        + reminder.id() + "/open")).header("accept", "application/json")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);

    assertThat(eventually(() -> emailsTo(contact, "abandoned-cart").size() == 2)).as("offer email").isTrue();
    assertThat(steps(emailsTo(contact, "abandoned-cart"))).containsExactly("reminder", "offer");
    advance(Duration.ofDays(1));
    assertThat(smsTo(contact, "abandoned-cart")).isEmpty();
    assertThat(journeys(contact, "abandoned-cart")).singleElement()
        .satisfies(j -> assertThat(j.outcome()).isEqualTo(JourneyRecord.Outcome.COMPLETED));
  }

  @Test
  void anUnopenedEmailLeadsToAnSmsWhenTheTimeoutFires() throws Exception {
    String contact = "cart-ignorer";
    Outbox.Message reminder = abandonCartAndGetTheReminder(contact);

    advance(Duration.ofDays(1).minusMinutes(1));
    assertThat(smsTo(contact, "abandoned-cart")).as("no SMS before the day is over").isEmpty();
    advance(Duration.ofMinutes(1));

    assertThat(eventually(() -> smsTo(contact, "abandoned-cart").size() == 1)).as("SMS").isTrue();
    assertThat(Duration.between(sentAt(reminder), sentAt(smsTo(contact, "abandoned-cart").get(0))))
        .isEqualTo(Duration.ofDays(1));
    assertThat(steps(emailsTo(contact, "abandoned-cart"))).containsExactly("reminder");
  }

  @Test
  void republishingMidJourneyKeepsContactsInFlightOnTheirVersionAndNewContactsTakeTheNewOne() throws Exception {
    String workflow = "welcome-republished";
    String v1 = bundled("welcome-series").replace("id: welcome-series", "id: " + workflow);
    String v2 = v1.replace("wait: { duration: P2D }", "wait: { duration: P3D }");
    assertThat(v2).isNotEqualTo(v1);
    publish(workflow, v1);
    advance(Duration.ofMinutes(1));

    String early = "republish-early";
    subscribe(early);
    assertThat(eventually(() -> emailsTo(early, workflow).size() == 1)).isTrue();
    Instant earlyStart = sentAt(emailsTo(early, workflow).get(0));

    publish(workflow, v2);
    advance(Duration.ofMinutes(1)); // past the router's workflow cache
    String late = "republish-late";
    subscribe(late);
    assertThat(eventually(() -> emailsTo(late, workflow).size() == 1)).isTrue();
    Instant lateStart = sentAt(emailsTo(late, workflow).get(0));

    advance(Duration.between(cloud.clock().instant(), earlyStart.plus(Duration.ofDays(2))));
    assertThat(eventually(() -> emailsTo(early, workflow).size() == 2)).as("in flight: still two days").isTrue();
    assertThat(emailsTo(late, workflow)).as("new contact: three days").hasSize(1);

    advance(Duration.between(cloud.clock().instant(), lateStart.plus(Duration.ofDays(3))));
    assertThat(eventually(() -> emailsTo(late, workflow).size() == 2)).as("new contact after three days").isTrue();
    // A journey records the published version it runs (the one its statistics count under).
    assertThat(journeys(early, workflow)).singleElement().satisfies(j -> assertThat(j.version()).isEqualTo("1"));
    assertThat(journeys(late, workflow)).singleElement().satisfies(j -> assertThat(j.version()).isEqualTo("2"));
  }

  @Test
  void aBirthdayTriggerFiresAtNineInTheMorningInEachContactsOwnTimezone() throws Exception {
    publish("birthday", bundled("birthday"));
    LocalDate birthday = LocalDate.ofInstant(cloud.clock().instant(), ZoneOffset.UTC).plusDays(2);
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    ZoneId newYork = ZoneId.of("America/New_York");
    identifyBornOn("bday-tokyo", tokyo, birthday);
    identifyBornOn("bday-newyork", newYork, birthday);
    Instant tokyoNine = ZonedDateTime.of(birthday, LocalTime.of(9, 0), tokyo).toInstant();
    Instant newYorkNine = ZonedDateTime.of(birthday, LocalTime.of(9, 0), newYork).toInstant();

    advance(Duration.between(cloud.clock().instant(), tokyoNine.minusSeconds(60)));
    settle();
    assertThat(emailsTo("bday-tokyo", "birthday")).as("Tokyo before 09:00").isEmpty();
    Instant tokyoSent = stepUntilGreeted("bday-tokyo");
    assertThat(tokyoSent).isBetween(tokyoNine, tokyoNine.plus(Duration.ofMinutes(15)));
    assertThat(emailsTo("bday-newyork", "birthday")).as("New York is still asleep").isEmpty();

    advance(Duration.between(cloud.clock().instant(), newYorkNine.minusSeconds(60)));
    settle();
    assertThat(emailsTo("bday-newyork", "birthday")).as("New York before 09:00").isEmpty();
    Instant newYorkSent = stepUntilGreeted("bday-newyork");
    assertThat(newYorkSent).isBetween(newYorkNine, newYorkNine.plus(Duration.ofMinutes(15)));
    assertThat(emailsTo("bday-tokyo", "birthday")).as("one greeting a year").hasSize(1);
  }

  /** Moves the clock five minutes at a time (the date triggers run every 15) until the greeting goes out. */
  private static Instant stepUntilGreeted(String contact) throws Exception {
    for (int i = 0; i < 5 && emailsTo(contact, "birthday").isEmpty(); i++) {
      advance(Duration.ofMinutes(5));
      settle();
    }
    assertThat(eventually(() -> emailsTo(contact, "birthday").size() == 1)).as("greeting for " + contact).isTrue();
    assertThat(steps(emailsTo(contact, "birthday"))).containsExactly("greeting");
    return sentAt(emailsTo(contact, "birthday").get(0));
  }

  private static void identifyBornOn(String contact, ZoneId zone, LocalDate birthday) throws Exception {
    HttpResponse<String> response = signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
        + "@example.com\",\"timezone\":\"" + zone.getId() + "\",\"attributes\":{\"firstName\":\"Ada\",\"birthday\":\""
        + birthday.withYear(1990) + "\"},\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static Outbox.Message abandonCartAndGetTheReminder(String contact) throws Exception {
    identify(contact, "Europe/Madrid");
    advanceToNext(LocalTime.of(10, 0), ZoneId.of("Europe/Madrid"));
    track(contact, "cart-" + contact, "cart.updated", "{\"items\":3}");
    assertThat(eventually(() -> !journeys(contact, "abandoned-cart").isEmpty())).as("journey started").isTrue();
    Instant started = cloud.clock().instant();
    advance(Duration.ofHours(1));
    assertThat(eventually(() -> emailsTo(contact, "abandoned-cart").size() == 1)).as("reminder").isTrue();
    Outbox.Message reminder = emailsTo(contact, "abandoned-cart").get(0);
    assertThat(steps(List.of(reminder))).containsExactly("reminder");
    assertThat(Duration.between(started.truncatedTo(ChronoUnit.MILLIS), sentAt(reminder))).isEqualTo(Duration.ofHours(1));
    settle(); // the waitFor has registered its token
    return reminder;
  }

  // --- driving the cloud ---------------------------------------------------------------------

  private static void subscribe(String contact) throws Exception {
    identify(contact);
    HttpResponse<String> response = signed("/v1/track",
        "{\"id\":\"sub-" + contact + "\",\"type\":\"contact.subscribed\",\"contactId\":\"" + contact + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void identify(String contact) throws Exception {
    identify(contact, "UTC");
  }

  private static void identify(String contact, String timezone) throws Exception {
    HttpResponse<String> response = signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
        + "@example.com\",\"phone\":\"" + phone(contact) + "\",\"timezone\":\"" + timezone
        + "\",\"attributes\":{\"firstName\":\"Ada\"},"
        + "\"consent\":{\"email\":{\"status\":\"subscribed\"},\"sms\":{\"status\":\"subscribed\"}}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** A Spanish mobile number per contact. */
  private static String phone(String contact) {
    return "+34612" + String.format("%06d", Math.floorMod(contact.hashCode(), 1_000_000));
  }

  private static void track(String contact, String eventId, String type, String properties) throws Exception {
    HttpResponse<String> response = signed("/v1/track", "{\"id\":\"" + eventId + "\",\"type\":\"" + type
        + "\",\"contactId\":\"" + contact + "\",\"properties\":" + properties + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** Advances the clock to the next {@code time} of day in {@code zone}. */
  private static void advanceToNext(LocalTime time, ZoneId zone) throws InterruptedException {
    ZonedDateTime now = cloud.clock().instant().atZone(zone);
    ZonedDateTime next = now.with(time);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    advance(Duration.between(now, next));
  }

  private static String bundled(String id) throws Exception {
    Path file = Path.of(System.getProperty("nudge.repo.root", "../.."), "functions/src/main/resources/workflows", id + ".yaml");
    return Files.readString(file);
  }

  private static JsonNode publish(String id, String definition) throws Exception {
    HttpResponse<String> draft = admin("PUT", "/v1/workflows/" + id, definition);
    assertThat(draft.statusCode()).as(draft.body()).isIn(200, 201);
    HttpResponse<String> published = admin("POST", "/v1/workflows/" + id + "/publish", "");
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    return JSON.readTree(published.body());
  }

  private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
    // The local cloud checks that an AWS_IAM route carries a SigV4 credential scope; it does not verify signatures.
    return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + path))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/execute-api/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .header("content-type", "application/yaml")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> signed(String path, String body) throws Exception {
    String timestamp = Long.toString(cloud.clock().instant().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + path))
        .header("content-type", "application/json").header("x-nudge-key-id", keyId)
        .header("x-nudge-timestamp", timestamp).header("x-nudge-signature", "v1=" + signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  // --- observing it --------------------------------------------------------------------------

  /** The e-mails {@code workflow} sent to {@code contact}, oldest first (the outbox lists newest first). */
  private static List<Outbox.Message> emailsTo(String contact, String workflow) {
    return messages("email", contact + "@example.com", workflow);
  }

  private static List<Outbox.Message> emailsTo(String contact) {
    return emailsTo(contact, "welcome-series");
  }

  private static List<Outbox.Message> smsTo(String contact, String workflow) {
    return messages("sms", phone(contact), workflow);
  }

  private static List<Outbox.Message> messages(String channel, String address, String workflow) {
    return cloud.outbox().all().stream()
        .filter(m -> m.channel().equals(channel) && m.to().contains(address))
        .filter(m -> m.tags().isEmpty() || m.tags().getOrDefault("workflow", List.of()).contains(workflow))
        .sorted(Comparator.comparing(m -> Instant.parse(m.sentAt()))).toList();
  }

  private static Instant sentAt(Outbox.Message message) {
    return Instant.parse(message.sentAt()).truncatedTo(ChronoUnit.MILLIS);
  }

  private static List<String> steps(List<Outbox.Message> messages) {
    return messages.stream().map(m -> String.join(",", m.tags().getOrDefault("step", List.of()))).toList();
  }

  private static String eventsTable() {
    return cloud.functions().find("TrackFunction").variables().get("EVENTS_TABLE");
  }

  /** An item in DynamoDB's wire JSON, as a stream record's NewImage carries it. */
  private static ObjectNode wire(Map<String, AttributeValue> item) {
    ObjectNode out = JSON.createObjectNode();
    item.forEach((name, value) -> out.set(name, wire(value)));
    return out;
  }

  private static JsonNode wire(AttributeValue value) {
    ObjectNode out = JSON.createObjectNode();
    switch (value.type()) {
      case S -> out.put("S", value.s());
      case N -> out.put("N", value.n());
      case BOOL -> out.put("BOOL", value.bool());
      case NUL -> out.put("NULL", true);
      case M -> out.set("M", wire(value.m()));
      case L -> value.l().forEach(v -> out.withArray("L").add(wire(v)));
      default -> throw new IllegalArgumentException("unexpected attribute type in an event item: " + value.type());
    }
    return out;
  }

  private static List<JourneyRecord> journeys(String contact, String workflow) {
    String table = cloud.functions().find("StepFunction").variables().get("JOURNEYS_TABLE");
    return new JourneyRecords(dynamo, table).forContact(contact, workflow);
  }

  private static boolean eventually(Supplier<Boolean> condition) {
    boolean held = TestClouds.eventually(PATIENCE, condition::get);
    if (!held) {
      System.err.println(diagnosis());
    }
    return held;
  }

  /** What the cloud did, printed when an expectation is not met (the log, the stream, the journeys). */
  private static String diagnosis() {
    StringBuilder out = new StringBuilder("--- local cloud at ").append(cloud.clock().instant()).append('\n');
    cloud.log().recent(200).forEach(e -> out.append(e.at()).append(' ').append(e.kind()).append(' ')
        .append(e.summary()).append(' ').append(e.detail()).append('\n'));
    cloud.pollers().forEach(p -> out.append("poller ").append(p.config().functionLogicalId()).append(" processed ")
        .append(p.processedRecords()).append(" failures ").append(p.failures()).append('\n'));
    try {
      out.append("journeys ").append(HTTP.send(HttpRequest.newBuilder(URI.create(cloud.endpoint() + "/_local/api/journeys"))
          .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).append('\n');
      try (SfnClient sfn = client(SfnClient.builder(), cloud)) {
        for (var m : sfn.listStateMachines().stateMachines()) {
          for (var x : sfn.listExecutions(b -> b.stateMachineArn(m.stateMachineArn())).executions()) {
            out.append(x.executionArn()).append(' ').append(x.status()).append('\n');
            sfn.getExecutionHistory(b -> b.executionArn(x.executionArn())).events().forEach(ev ->
                out.append("  ").append(ev.id()).append(' ').append(ev.timestamp()).append(' ').append(ev.typeAsString())
                    .append(' ').append(ev.stateEnteredEventDetails() == null ? "" : ev.stateEnteredEventDetails().name())
                    .append(ev.taskFailedEventDetails() == null ? "" : ev.taskFailedEventDetails().toString()).append('\n'));
          }
        }
      }
    } catch (Exception e) {
      out.append("journeys unavailable: ").append(e).append('\n');
    }
    return out.toString();
  }

  /**
   * Moves the virtual clock once the engine has nothing left to do at the current time: a Task
   * still running when the clock jumps would finish "after" the jump and shift every later wait.
   */
  private static void advance(Duration duration) throws InterruptedException {
    settle();
    cloud.clock().advance(duration);
    cloud.engine().awaitQuiescence();
  }

  /** Lets the stream poller and the engine finish whatever the last call set off. */
  private static void settle() throws InterruptedException {
    Thread.sleep(1500);
    cloud.engine().awaitQuiescence();
  }
}
