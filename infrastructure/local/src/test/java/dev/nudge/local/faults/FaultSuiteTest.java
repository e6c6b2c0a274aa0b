package dev.nudge.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.journeys.JourneyRecord;
import dev.nudge.journeys.JourneyRecords;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.states.StatesModel;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The fault suite (issue 13): the repo's template with the bundled welcome series (three e-mails
 * over nine days), and under each fault N journeys driven through the signed tracking API, then
 * the clock moved through the series. Afterwards: every tracked event stored exactly once, at
 * most one e-mail per contact and step, no journey stuck (each execution ended, none running a
 * task), one journey per contact, and the statistics API's counters equal to the outbox.
 * N is 10 by default (mvn verify stays short); {@code -Dnudge.faults.journeys=200} runs the 200.
 */
class FaultSuiteTest {
  private static final int N = Integer.getInteger("nudge.faults.journeys", 10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW = "welcome-series";
  private static final List<String> EMAIL_STEPS = List.of("welcome", "getting-started", "feedback");
  private static LocalCloud cloud;
  private static NudgeApi api;
  private static DynamoDbClient dynamo;
  private static String machineArn;
  private static final Map<String, String> CONTACT_OF_EXECUTION = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publishBundled(WORKFLOW);
    dynamo = TestClouds.client(DynamoDbClient.builder(), cloud);
    machineArn = "arn:aws:states:us-east-1:000000000000:stateMachine:nudge-" + WORKFLOW;
    cloud.faults().seed(13);
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

  @AfterEach
  void clear() {
    cloud.faults().clear();
  }

  @Test
  void dynamoDbThrottlingOnEventsTableWrites() throws Exception {
    run("ddb-events", "{\"service\":\"dynamodb\",\"table\":\"EventsTable\",\"operation\":\"PutItem\","
        + "\"error\":\"ProvisionedThroughputExceededException\",\"probability\":0.5,\"seed\":1}");
  }

  @Test
  void dynamoDbThrottlingOnContactsTable() throws Exception {
    run("ddb-contacts", "{\"service\":\"dynamodb\",\"table\":\"ContactsTable\","
        + "\"error\":\"ProvisionedThroughputExceededException\",\"probability\":0.2,\"seed\":2}");
  }

  @Test
  void sesThrottling() throws Exception {
    run("ses-throttled", "{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"TooManyRequestsException\","
        + "\"probability\":0.6,\"seed\":3}");
  }

  @Test
  void sesMessageRejected() throws Exception {
    run("ses-rejected", "{\"service\":\"ses\",\"operation\":\"SendEmail\",\"error\":\"MessageRejected\","
        + "\"probability\":0.2,\"seed\":4}");
  }

  @Test
  void stepFunctionsThrottlingOnStartExecution() throws Exception {
    run("sfn-throttled", "{\"service\":\"states\",\"operation\":\"StartExecution\",\"error\":\"ThrottlingException\","
        + "\"probability\":0.4,\"seed\":5}");
  }

  @Test
  void stepActionsCrashMidStep() throws Exception {
    run("crash", "{\"service\":\"lambda\",\"function\":\"StepFunction\",\"crash\":true,\"at\":\"after\","
        + "\"probability\":0.1,\"seed\":6}");
  }

  @Test
  void streamBatchFailure() throws Exception {
    // After the router ran: the batch is redelivered (bisected, retried) and every record in it routed again.
    run("batch-failed", "{\"service\":\"streams\",\"function\":\"RouterFunction\",\"failBatch\":true,\"at\":\"after\","
        + "\"count\":4}");
  }

  /**
   * Found by the kill -9 run (KillRestartTest): identify writes the contact's consent, then its
   * consent.changed and contact.subscribed events. Interrupted in between (here: the events table
   * throttled past the SDK's retries, so the call answers 500), the client's resend found the
   * consent already subscribed and wrote no event: the welcome series never started.
   */
  @Test
  void anIdentifyInterruptedBeforeItsEventsIsCompletedByItsResend() throws Exception {
    String contact = "interrupted-identify";
    String body = "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
        + "@example.com\",\"timezone\":\"UTC\",\"consent\":{\"email\":{\"status\":\"subscribed\"}}}";
    cloud.faults().add("{\"service\":\"dynamodb\",\"table\":\"EventsTable\",\"operation\":\"PutItem\","
        + "\"error\":\"ProvisionedThroughputExceededException\"}");
    HttpResponse<String> interrupted = api.signed("/v1/identify", body);
    assertThat(interrupted.statusCode()).as(interrupted.body()).isEqualTo(500);
    cloud.faults().clear();
    cloud.clock().advance(Duration.ofSeconds(5)); // the client resends a little later
    HttpResponse<String> resent = api.signed("/v1/identify", body);
    assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
    settle(List.of(contact), "the welcome e-mail");
    String eventsTable = cloud.functions().find("TrackFunction").variables().get("EVENTS_TABLE");
    List<Map<String, AttributeValue>> events = dynamo.query(q -> q.tableName(eventsTable).consistentRead(true)
        .keyConditionExpression("contactId = :c").expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contact))))
        .items();
    assertThat(events.stream().filter(e -> e.get("type").s().equals("consent.changed"))).hasSize(1);
    assertThat(events.stream().filter(e -> e.get("type").s().equals("contact.subscribed"))).hasSize(1);
    assertThat(journeys().get(contact)).as("the welcome series started").hasSize(1);
    // A third identify (nothing changed) writes nothing new.
    assertThat(api.signed("/v1/identify", body).statusCode()).isEqualTo(200);
    assertThat(dynamo.query(q -> q.tableName(eventsTable).consistentRead(true).keyConditionExpression("contactId = :c")
        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contact)))).items()).hasSize(events.size());
    // Run the series to its end: left waiting, its later e-mails would go out during another
    // fault's run (the cloud is shared), and a rejected one would count in that run's numbers.
    cloud.clock().advance(Duration.ofDays(2));
    settle(List.of(contact), "its second e-mail");
    cloud.clock().advance(Duration.ofDays(12));
    settle(List.of(contact), "the end of the series");
    assertThat(journeys().get(contact).get(0).status()).isEqualTo("SUCCEEDED");
  }

  // ------------------------------------------------------------------------------------------

  /** What one run under a fault found; printed, then asserted. */
  record Report(String fault, int journeys, int succeeded, int failed, int running, int sent, int rejected,
      int faultsFired, long millis) {}

  private static Report run(String tag, String fault) throws Exception {
    long start = System.nanoTime();
    Map<String, Long> sentBefore = counters("sent");
    Map<String, Long> failedBefore = counters("failed");
    Map<String, Long> outboxBefore = outboxByStep();
    Fault injected = cloud.faults().add(fault);
    List<String> contacts = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      contacts.add(tag + "-" + i);
    }
    // Four clients at once, each contact's calls in order (identify, then an event).
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
      for (String contact : contacts) {
        calls.add(clients.submit(() -> {
          signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"email\":\"" + contact
              + "@example.com\",\"timezone\":\"UTC\",\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
          signed("/v1/track", "{\"id\":\"evt-" + contact + "\",\"type\":\"docs.read\",\"contactId\":\"" + contact + "\"}");
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> call : calls) {
        call.get();
      }
    } finally {
      clients.shutdownNow();
    }
    System.out.println("FAULT SUITE driven " + N + " contacts: " + (System.nanoTime() - start) / 1_000_000 + " ms");
    settle(contacts, "first e-mail");
    cloud.clock().advance(Duration.ofDays(2));
    settle(contacts, "second e-mail");
    cloud.clock().advance(Duration.ofDays(12));
    settle(contacts, "third e-mail");
    int fired = injected.fired();
    cloud.faults().clear();
    // Retries the fault left pending (a Retry's back-off, a stream batch's) run on without it.
    cloud.clock().advance(Duration.ofHours(1));
    settle(contacts, "after the fault");
    Thread.sleep(500); // the stats and events streams' last batches
    cloud.engine().awaitQuiescence();

    // Every tracked event stored exactly once (and the identify's subscription event too).
    String eventsTable = cloud.functions().find("TrackFunction").variables().get("EVENTS_TABLE");
    for (String contact : contacts) {
      List<Map<String, AttributeValue>> events = dynamo.query(q -> q.tableName(eventsTable).consistentRead(true)
          .keyConditionExpression("contactId = :c").expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contact))))
          .items();
      assertThat(events.stream().filter(e -> e.get("type").s().equals("docs.read")))
          .as("tracked event of " + contact).hasSize(1);
      assertThat(events.stream().filter(e -> e.get("type").s().equals("contact.subscribed")))
          .as("subscription event of " + contact).hasSize(1);
    }
    // One journey per contact, none stuck: each execution ended (the series is over) .
    Map<String, List<StatesModel.ExecutionListItem>> journeys = journeys();
    int succeeded = 0;
    int failed = 0;
    int running = 0;
    for (String contact : contacts) {
      List<StatesModel.ExecutionListItem> mine = journeys.getOrDefault(contact, List.of());
      assertThat(mine).as("journeys of " + contact).hasSize(1);
      switch (mine.get(0).status()) {
        case "SUCCEEDED" -> succeeded++;
        case "RUNNING" -> running++;
        default -> failed++;
      }
    }
    // The journey records (the contact API's view) agree: none left active after its execution ended.
    JourneyRecords records = new JourneyRecords(dynamo, cloud.functions().find("StepFunction").variables().get("JOURNEYS_TABLE"));
    for (String contact : contacts) {
      List<JourneyRecord> mine = records.forContact(contact, WORKFLOW);
      assertThat(mine).as("journey records of " + contact).hasSize(1);
      String status = journeys.get(contact).get(0).status();
      assertThat(mine.get(0).active()).as("record of " + contact + " active while its execution is " + status)
          .isEqualTo(status.equals("RUNNING"));
    }
    // At most one e-mail per contact and step; a finished series sent each step once or recorded it failed.
    Map<String, Map<String, Integer>> emails = new HashMap<>();
    for (Outbox.Message m : cloud.outbox().all()) {
      String to = m.to().isEmpty() ? "" : m.to().get(0);
      String contact = to.endsWith("@example.com") ? to.substring(0, to.length() - "@example.com".length()) : to;
      if (contacts.contains(contact)) {
        emails.computeIfAbsent(contact, c -> new TreeMap<>()).merge(step(m), 1, Integer::sum);
      }
    }
    int sent = 0;
    for (String contact : contacts) {
      Map<String, Integer> mine = emails.getOrDefault(contact, Map.of());
      mine.forEach((step, n) -> assertThat(n).as(() -> "e-mails of step " + step + " to " + contact + ": "
          + duplicates(contact, step, journeys.get(contact).get(0).executionArn())).isEqualTo(1));
      sent += mine.values().stream().mapToInt(Integer::intValue).sum();
    }
    // The statistics equal the outbox: per step, sent = e-mails in the outbox; failed = rejected sends.
    Map<String, Long> sentAfter = counters("sent");
    Map<String, Long> failedAfter = counters("failed");
    Map<String, Long> outboxAfter = outboxByStep();
    long rejected = 0;
    for (String step : EMAIL_STEPS) {
      long statsSent = sentAfter.getOrDefault(step, 0L) - sentBefore.getOrDefault(step, 0L);
      long outboxSent = outboxAfter.getOrDefault(step, 0L) - outboxBefore.getOrDefault(step, 0L);
      assertThat(statsSent).as("stats sent = outbox, step " + step).isEqualTo(outboxSent);
      rejected += failedAfter.getOrDefault(step, 0L) - failedBefore.getOrDefault(step, 0L);
    }
    if (injected.error() != null && injected.error().equals("MessageRejected")) {
      assertThat(rejected).as("every rejected send counted failed").isEqualTo(fired);
      assertThat(sent + rejected).as("each step of each finished journey sent or failed")
          .isEqualTo((long) EMAIL_STEPS.size() * succeeded + partialSends(contacts, journeys, emails));
    } else {
      assertThat(rejected).as("no send failed").isZero();
    }
    Report report = new Report(tag, N, succeeded, failed, running, sent, (int) rejected, fired,
        (System.nanoTime() - start) / 1_000_000);
    System.out.println("FAULT SUITE " + report + " " + injected.toJson());
    assertThat(running).as("journeys still running after the series' nine days").isZero();
    assertThat(fired).as("the fault fired; log: " + cloud.log().recent(40)).isPositive();
    return report;
  }

  /** E-mails of journeys that failed part-way (they count in the outbox but not as a finished series). */
  private static long partialSends(List<String> contacts, Map<String, List<StatesModel.ExecutionListItem>> journeys,
      Map<String, Map<String, Integer>> emails) {
    long n = 0;
    for (String contact : contacts) {
      if (!journeys.get(contact).get(0).status().equals("SUCCEEDED")) {
        n += emails.getOrDefault(contact, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
      }
    }
    return n;
  }

  /** The e-mails and the execution's history, for a duplicate. */
  private static String duplicates(String contact, String step, String executionArn) {
    StringBuilder text = new StringBuilder();
    for (Outbox.Message m : cloud.outbox().all()) {
      if (m.to().contains(contact + "@example.com") && step(m).equals(step)) {
        text.append("\n  e-mail ").append(m.id()).append(" at ").append(m.sentAt()).append(' ').append(m.tags());
      }
    }
    for (StatesModel.HistoryEvent e : cloud.engine().getExecutionHistory(executionArn, false, 1000, null, false).items()) {
      text.append("\n  ").append(e.id()).append(' ').append(e.type()).append(' ').append(e.timestamp())
          .append(e.details() == null ? "" : " " + e.details().toString().substring(0, Math.min(300, e.details().toString().length())));
    }
    return text.toString();
  }

  private static String step(Outbox.Message m) {
    List<String> steps = m.tags().getOrDefault("step", List.of());
    return steps.isEmpty() ? "" : steps.get(0);
  }

  private static Map<String, Long> outboxByStep() {
    Map<String, Long> byStep = new HashMap<>();
    for (Outbox.Message m : cloud.outbox().all()) {
      if (m.channel().equals("email") && m.tags().getOrDefault("workflow", List.of()).contains(WORKFLOW)) {
        byStep.merge(step(m), 1L, Long::sum);
      }
    }
    return byStep;
  }

  /** A counter per step, summed over the workflow's versions, from the stats API. */
  private static Map<String, Long> counters(String counter) throws Exception {
    HttpResponse<String> response = api.admin("GET", "/v1/workflows/" + WORKFLOW + "/stats", "", "application/json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Long> byStep = new HashMap<>();
    for (JsonNode version : JSON.readTree(response.body()).path("versions")) {
      if (version.path("version").asText().equals("all")) {
        continue;
      }
      for (JsonNode s : version.path("steps")) {
        byStep.merge(s.path("step").asText(), s.path("counters").path(counter).asLong(), Long::sum);
      }
    }
    return byStep;
  }

  /** A signed tracking call, resent on 5xx/429 as a customer's backend does (every event carries its id). */
  private static void signed(String path, String body) throws Exception {
    HttpResponse<String> response = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      response = api.signed(path, body);
      if (response.statusCode() < 500 && response.statusCode() != 429) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
  }

  /** The workflow's executions (arn and status) by contact. */
  private static Map<String, List<StatesModel.ExecutionListItem>> journeys() {
    Map<String, List<StatesModel.ExecutionListItem>> byContact = new LinkedHashMap<>();
    String token = null;
    do {
      StatesModel.Page<StatesModel.ExecutionListItem> page = cloud.engine().listExecutions(machineArn, null, 1000, token);
      for (StatesModel.ExecutionListItem item : page.items()) {
        String contact = CONTACT_OF_EXECUTION.computeIfAbsent(item.executionArn(), arn -> {
          try {
            return JSON.readTree(cloud.engine().describeExecution(arn).input()).path("contact").path("id").asText();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        byContact.computeIfAbsent(contact, c -> new ArrayList<>()).add(item);
      }
      token = page.nextToken();
    } while (token != null);
    return byContact;
  }

  /** Ended, or waiting (a Wait state, a task token) rather than in a task or a retry's back-off. */
  private static boolean settled(StatesModel.ExecutionListItem execution) {
    if (!execution.status().equals("RUNNING")) {
      return true;
    }
    List<StatesModel.HistoryEvent> last = cloud.engine().getExecutionHistory(execution.executionArn(), true, 1, null, false)
        .items();
    if (last.isEmpty()) {
      return false;
    }
    StatesModel.HistoryEvent event = last.get(0);
    return event.type().equals("WaitStateEntered") || (event.type().startsWith("Task")
        && event.details() != null && event.details().path("resource").asText().contains("waitForTaskToken"));
  }

  /**
   * Moves the clock in small steps (retries' back-offs run on it) until every contact has a
   * journey and every journey has ended or is waiting; fails naming what is not.
   */
  private static void settle(List<String> contacts, String phase) throws Exception {
    long began = System.nanoTime();
    try {
      settleOnce(contacts, phase);
    } finally {
      System.out.println("FAULT SUITE settle " + phase + ": " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
  }

  private static void settleOnce(List<String> contacts, String phase) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60 + 2L * contacts.size()).toNanos();
    while (true) {
      // The engine's own patience is the run's: 200 journeys retrying under a fault keep it busy
      // for longer than its default 30 s.
      cloud.engine().awaitQuiescence(Duration.ofNanos(Math.max(Duration.ofSeconds(30).toNanos(), deadline - System.nanoTime())));
      Map<String, List<StatesModel.ExecutionListItem>> journeys = journeys();
      List<String> unsettled = new ArrayList<>();
      for (String contact : contacts) {
        List<StatesModel.ExecutionListItem> mine = journeys.get(contact);
        if (mine == null) {
          unsettled.add(contact + " (no journey)");
        } else if (!mine.stream().allMatch(FaultSuiteTest::settled)) {
          unsettled.add(contact + " (in a task)");
        }
      }
      if (unsettled.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(phase + ": " + unsettled.size() + " journeys did not settle: "
            + unsettled.subList(0, Math.min(10, unsettled.size())) + "\nfaults: " + cloud.faults().toJson()
            + "\nlog: " + cloud.log().recent(30));
      }
      cloud.clock().advance(Duration.ofMinutes(2));
      Thread.sleep(50);
    }
  }
}
