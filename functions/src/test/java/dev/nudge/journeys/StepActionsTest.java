package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.contacts.ProfileUpdate;
import dev.nudge.contacts.TrackedEvent;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.messaging.Messenger;
import dev.nudge.messaging.OutgoingMessage;
import dev.nudge.messaging.SendLedger;
import dev.nudge.messaging.SendService;
import dev.nudge.platform.Json;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.asl.AslCompiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The step-actions function against DynamoDB Local, fed the payloads the compiler writes. */
class StepActionsTest {
  private static final Instant NOON_MADRID = Instant.parse("2026-11-23T11:00:00Z"); // a Monday
  private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:nudge-abandoned-cart:c1-e1";

  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final String journeysTable = TemplateTables.create(ddb, "JourneysTable");
  private final ContactRepository contacts = new ContactRepository(ddb, TemplateTables.create(ddb, "ContactsTable"));
  private final EventRepository events = new EventRepository(ddb, TemplateTables.create(ddb, "EventsTable"));
  private final JourneyStore journeys = new JourneyStore(ddb, journeysTable);
  private final WaitRegistrations waits = new WaitRegistrations(ddb, journeysTable);
  private final SendLedger ledger = new SendLedger(ddb, journeysTable);
  private final MutableClock clock = new MutableClock(NOON_MADRID);
  private final RecordingExecutions executions = new RecordingExecutions();
  private final dev.nudge.stats.StepStats stats = new dev.nudge.stats.StepStats(ddb, TemplateTables.create(ddb, "StatsTable"));
  /** Our own Messenger interface, recording: the SES/SNS outboxes arrive with the local cloud. */
  private final List<OutgoingMessage> outbox = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger refusals = new AtomicInteger();
  /** A provider error to answer the next send with (our Messenger interface: no AWS client is mocked). */
  private final java.util.concurrent.atomic.AtomicReference<RuntimeException> providerError = new java.util.concurrent.atomic.AtomicReference<>();
  private final Messenger messenger = message -> {
    RuntimeException error = providerError.getAndSet(null);
    if (error != null) {
      throw error;
    }
    if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw (AwsServiceException) AwsServiceException.builder().message("Throttling").statusCode(400).build();
    }
    outbox.add(message);
    return "msg-" + outbox.size();
  };
  private final List<String> enrolled = new ArrayList<>();
  private final byte[] webhookKey = "webhook-key-for-tests".getBytes(StandardCharsets.UTF_8);
  private final Webhooks webhooks = new Webhooks(HttpClient.newHttpClient(), () -> webhookKey, clock, true);
  private final StepActions actions = new StepActions(contacts, events, journeys, waits, ledger,
      new SendService(ledger, new MessageTemplates(), messenger, clock), webhooks,
      (workflow, contact, name, from) -> enrolled.add(workflow + "/" + contact + "/" + name), clock, stats, executions);
  private final StepActionsHandler handler = new StepActionsHandler(actions);
  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void contact(String id, String timezone, boolean emailConsent) {
    contacts.createIfAbsent(id, clock.instant());
    contacts.update(id, new ProfileUpdate(id + "@example.com", "+34600000001",
        Map.of("firstName", Optional.of(new Attribute.Text("Ana")), "renewal_date", Optional.of(new Attribute.Text("2026-12-15"))),
        timezone, "es", Set.of("newsletter"), Set.of(), null,
        emailConsent ? Map.of(Channel.EMAIL, new Consent(ConsentStatus.SUBSCRIBED, "test", clock.instant())) : Map.of()),
        clock.instant());
  }

  /** The Payload of a state of a compiled bundled workflow, with its paths filled as Step Functions would. */
  private static ObjectNode payload(String workflow, String state, String contactId, String enteredTime) {
    ObjectNode definition = AslCompiler.compile(new Workflows(new BundledTemplates()).load(Workflows.bundledText(workflow)));
    JsonNode template = definition.get("States").get(state).get("Parameters").get("Payload");
    ObjectNode payload = Json.object();
    Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      switch (f.getKey()) {
        case "contact.$" -> payload.putObject("contact").put("id", contactId);
        case "executionId.$" -> payload.put("executionId", EXECUTION);
        case "stateName.$" -> payload.put("stateName", state);
        case "stateEnteredTime.$" -> payload.put("stateEnteredTime", enteredTime);
        case "stateMachineId.$" -> payload.put("stateMachineId", "arn:aws:states:eu-west-1:123456789012:stateMachine:nudge-" + workflow + ":3");
        case "trigger.$" -> payload.putObject("trigger").put("type", "cart.updated").putObject("properties").put("items", 2);
        case "taskToken.$" -> payload.put("taskToken", "token-" + state);
        case "error.$" -> payload.putObject("error").put("Error", "Lambda.Unknown").put("Cause", "out of memory");
        default -> payload.set(f.getKey(), f.getValue());
      }
    }
    return payload;
  }

  private JsonNode invoke(ObjectNode payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Json.write(payload).getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.mapper().readTree(out.toByteArray());
  }

  @Test
  void enterRecordsThePublishedVersionThePayloadCarries() throws Exception {
    contact("c1", "Europe/Madrid", true);
    ObjectNode enter = payload("abandoned-cart", "Enter", "c1", "t0");
    enter.put("version", "4");
    invoke(enter);
    assertThat(journeys.find("c1", "abandoned-cart", EXECUTION).orElseThrow().version()).isEqualTo("4");
  }

  @Test
  void enterRecordsAnActiveJourneyOnceAndReturnsTheSplitBucket() throws Exception {
    contact("c1", "Europe/Madrid", true);
    JsonNode result = invoke(payload("abandoned-cart", "Enter", "c1", "2026-11-23T11:00:00Z"));
    clock.advance(Duration.ofMinutes(1));
    invoke(payload("abandoned-cart", "Enter", "c1", "2026-11-23T11:00:00Z"));
    assertThat(result.path("bucket").asInt()).isEqualTo(Buckets.of("abandoned-cart", "c1"));
    JourneyStore.Journey journey = journeys.find("c1", "abandoned-cart", EXECUTION).orElseThrow();
    assertThat(journey.status()).isEqualTo("active");
    assertThat(journey.startedAt()).isEqualTo(NOON_MADRID);
    assertThat(journey.version()).endsWith(":3");
  }

  @Test
  void aRetriedSendSendsOnceAndAnswersLikeTheFirst() throws Exception {
    contact("c1", "Europe/Madrid", true);
    JsonNode first = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    JsonNode retry = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    assertThat(outbox).hasSize(1);
    assertThat(first.path("status").asText()).isEqualTo("sent");
    assertThat(retry.path("status").asText()).isEqualTo("sent");
    assertThat(retry.path("messageId").asText()).isEqualTo(first.path("messageId").asText());
    OutgoingMessage sent = outbox.get(0);
    assertThat(sent.to()).isEqualTo("c1@example.com");
    assertThat(sent.subject()).isEqualTo("Te has dejado algo en el carrito"); // the contact's locale is es-ES
    assertThat(sent.text()).contains("2 artículo(s)");
    assertThat(journeys.find("c1", "abandoned-cart", EXECUTION)).isEmpty(); // Enter never ran here
  }

  private static JsonNode jsonLine(String line) {
    try {
      return dev.nudge.platform.Json.mapper().readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aSendCountsOnceInTheSentMetricAndARetryCountsNothing() throws Exception {
    contact("c1", "Europe/Madrid", true);
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    var previous = dev.nudge.platform.Log.redirect(new java.io.PrintStream(captured, true));
    try {
      invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
      invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    } finally {
      dev.nudge.platform.Log.redirect(previous);
    }
    java.util.List<JsonNode> sent = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .map(StepActionsTest::jsonLine).filter(l -> l.has("MessagesSent")).toList();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).path("Channel").asText()).isEqualTo("email");
    assertThat(sent.get(0).path("Workflow").asText()).isEqualTo("abandoned-cart");
    assertThat(sent.get(0).path("Step").asText()).isEqualTo("reminder");
    assertThat(sent.get(0).toString()).doesNotContain("c1@example.com");
  }

  @Test
  void aRetriedSendCountsOneEntryAndOneSendInTheStepStatistics() throws Exception {
    contact("c1", "Europe/Madrid", true);
    invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    var reminder = stats.read("abandoned-cart").values().iterator().next().get("reminder");
    assertThat(reminder.get("entered").count()).isEqualTo(1);
    assertThat(reminder.get("sent").count()).isEqualTo(1);
  }

  /** A first attempt that died after the ledger recorded the send and before it was counted. */
  @Test
  void aRetryCountsASendWhoseFirstAttemptDiedBeforeCountingIt() throws Exception {
    contact("c1", "Europe/Madrid", true);
    SendLedger.Key key = new SendLedger.Key(EXECUTION, "reminder", "2026-11-23T11:00:00Z");
    assertThat(ledger.claim(key, "c1", "email", clock.instant())).isEmpty();
    ledger.sent(key, "c1", "ses-message-1", clock.instant());
    JsonNode retry = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    assertThat(retry.path("status").asText()).isEqualTo("sent");
    assertThat(outbox).isEmpty();
    invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    var reminder = stats.read("abandoned-cart").values().iterator().next().get("reminder");
    assertThat(reminder.get("sent").count()).isEqualTo(1);
  }

  @Test
  void aSendWithoutConsentCountsAsSkippedForThatReason() throws Exception {
    contact("c2", "Europe/Madrid", false);
    invoke(payload("abandoned-cart", "reminder", "c2", "2026-11-23T11:00:00Z"));
    var reminder = stats.read("abandoned-cart").values().iterator().next().get("reminder");
    assertThat(reminder.get("skipped-no-consent").count()).isEqualTo(1);
    assertThat(reminder).doesNotContainKey("sent");
  }

  private static AwsServiceException sesError(String code, int status) {
    return (AwsServiceException) AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode(code)
            .errorMessage(code).serviceName("SESv2").build()).build();
  }

  @Test
  void sesThrottlingFailsTheTaskWithTheRetriedErrorAndTheRetrySends() throws Exception {
    contact("c1", "Europe/Madrid", true);
    providerError.set(sesError("TooManyRequestsException", 429));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z")))
        .isInstanceOf(dev.nudge.messaging.SendThrottledException.class);
    assertThat(dev.nudge.workflows.asl.AslCompiler.SEND_THROTTLED)
        .isEqualTo(dev.nudge.messaging.SendThrottledException.class.getName());

    JsonNode retry = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    assertThat(retry.path("status").asText()).isEqualTo("sent");
    assertThat(outbox).hasSize(1);
  }

  @Test
  void aRejectedMessageIsAFailedSendAndTheJourneyGoesOn() throws Exception {
    contact("c1", "Europe/Madrid", true);
    providerError.set(sesError("MessageRejected", 400));
    JsonNode result = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    JsonNode again = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));

    assertThat(result.path("status").asText()).isEqualTo("failed");
    assertThat(result.path("reason").asText()).isEqualTo("MessageRejected");
    assertThat(again.path("status").asText()).isEqualTo("failed");
    assertThat(outbox).isEmpty();
    var reminder = stats.read("abandoned-cart").values().iterator().next().get("reminder");
    assertThat(reminder.get("failed").count()).isEqualTo(1);
  }

  @Test
  void aSkippedSendCountsUnderItsReason() throws Exception {
    contact("c2", "Europe/Madrid", false);
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    var previous = dev.nudge.platform.Log.redirect(new java.io.PrintStream(captured, true));
    try {
      invoke(payload("abandoned-cart", "reminder", "c2", "2026-11-23T11:00:00Z"));
    } finally {
      dev.nudge.platform.Log.redirect(previous);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .map(StepActionsTest::jsonLine).filter(l -> l.has("MessagesSkipped"))
        .map(l -> l.path("Reason").asText()).toList()).containsExactly("no-consent");
  }

  @Test
  void aLoopBackToTheSameStepSendsAgain() throws Exception {
    contact("c1", "Europe/Madrid", true);
    invoke(payload("welcome-series", "welcome", "c1", "2026-11-23T11:00:00Z"));
    invoke(payload("welcome-series", "welcome", "c1", "2026-12-23T11:00:00Z"));
    assertThat(outbox).hasSize(2);
  }

  @Test
  void nothingIsSentWithoutConsent() throws Exception {
    contact("c2", "Europe/Madrid", false);
    JsonNode result = invoke(payload("abandoned-cart", "reminder", "c2", "2026-11-23T11:00:00Z"));
    assertThat(result.path("status").asText()).isEqualTo("skipped");
    assertThat(result.path("reason").asText()).isEqualTo("no-consent");
    assertThat(outbox).isEmpty();
  }

  @Test
  void aSendAtNightInTheContactsTimezoneIsDeferredToTheWindowOpening() throws Exception {
    contact("tokyo", "Asia/Tokyo", true); // 20:00 in Tokyo: the 09:00–20:00 window has just closed
    JsonNode result = invoke(payload("abandoned-cart", "reminder", "tokyo", "2026-11-23T11:00:00Z"));
    assertThat(result.path("status").asText()).isEqualTo("deferred");
    assertThat(result.path("resumeAt").asText()).isEqualTo("2026-11-24T00:00:00Z"); // 09:00 in Tokyo
    assertThat(outbox).isEmpty();
  }

  @Test
  void aDeferredSendCountsAsDeferredThenOnceAsEnteredWhenItGoesOut() throws Exception {
    contact("tokyo", "Asia/Tokyo", true);
    invoke(payload("abandoned-cart", "reminder", "tokyo", "2026-11-23T11:00:00Z"));
    clock.advance(Duration.ofHours(13)); // 09:00 in Tokyo: the Wait returns to the Task, entered anew
    invoke(payload("abandoned-cart", "reminder", "tokyo", "2026-11-24T00:00:00Z"));

    var reminder = stats.read("abandoned-cart").values().iterator().next().get("reminder");
    assertThat(reminder.get("deferred").count()).isEqualTo(1);
    assertThat(reminder.get("entered").count()).isEqualTo(1);
    assertThat(reminder.get("sent").count()).isEqualTo(1);
  }

  @Test
  void aRefusedSendIsReleasedSoTheRetrySendsIt() throws Exception {
    contact("c1", "Europe/Madrid", true);
    refusals.set(1); // a 400 without an error code: neither throttling nor a known refusal
    assertThatThrownBy(() -> invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z")))
        .isInstanceOf(AwsServiceException.class);
    JsonNode retry = invoke(payload("abandoned-cart", "reminder", "c1", "2026-11-23T11:00:00Z"));
    assertThat(retry.path("status").asText()).isEqualTo("sent");
    assertThat(outbox).hasSize(1);
  }

  @Test
  void theFrequencyCapCountsMessagesAcrossWorkflows() throws Exception {
    contact("c1", "Europe/Madrid", true);
    ObjectNode capped = payload("welcome-series", "welcome", "c1", "t0");
    ((ObjectNode) capped.putObject("settings")).put("timezone", "UTC").putObject("frequencyCap").put("max", 2).put("per", "P7D");
    invoke(payload("abandoned-cart", "reminder", "c1", "t1"));
    invoke(payload("welcome-series", "welcome", "c1", "t2"));
    JsonNode third = invoke(capped);
    assertThat(third.path("reason").asText()).isEqualTo("frequency-cap");
    assertThat(outbox).hasSize(2);
  }

  @Test
  void branchChoosesByLeadScoreAndByRecentEvents() throws Exception {
    contact("lead", "Europe/Madrid", true);
    ObjectNode qualify = payload("lead-nurturing", "qualify", "lead", "t0");
    assertThat(invoke(qualify).path("case").asInt()).as("nothing yet: default").isEqualTo(-1);
    for (int i = 0; i < 2; i++) {
      ObjectNode properties = Json.object().put("path", "/pricing");
      events.putIfAbsent(new TrackedEvent("lead", "e" + i, "page.viewed", properties, clock.instant().minus(Duration.ofDays(i)),
          clock.instant(), "test"), clock.instant().plus(Duration.ofDays(400)));
    }
    assertThat(invoke(qualify).path("case").asInt()).as("two pricing views").isEqualTo(1);
    contacts.addLeadScore("lead", 60);
    assertThat(invoke(qualify).path("case").asInt()).as("the score case comes first").isZero();
  }

  @Test
  void updateSetsAttributesAndListsAndAddsTheScoreOnceWhenRetried() throws Exception {
    contact("lead", "Europe/Madrid", true);
    invoke(payload("lead-nurturing", "score-download", "lead", "t0"));
    invoke(payload("lead-nurturing", "score-download", "lead", "t0"));
    var contact = contacts.find("lead").orElseThrow();
    assertThat(contact.leadScore()).isEqualTo(10);
    assertThat(contact.lists()).contains("leads");
    assertThat(contact.attributes()).containsEntry("stage", new Attribute.Text("lead"));
  }

  private List<TrackedEvent> listEvents(String contactId, String type) {
    return events.timeline(List.of(contactId), 100).stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void anUpdateStepAddingAListWritesListJoinedOnceWhenTheTaskRunsTwice() throws Exception {
    contact("lead", "Europe/Madrid", true);
    invoke(payload("lead-nurturing", "score-download", "lead", "t0"));
    invoke(payload("lead-nurturing", "score-download", "lead", "t0"));

    assertThat(listEvents("lead", "list.joined")).singleElement().satisfies(e -> {
      assertThat(e.properties().path("list").asText()).isEqualTo("leads");
      assertThat(e.properties().path("workflow").asText()).isEqualTo("lead-nurturing");
    });
    // Counting it is the contact-state consumer's, once per stored event (EventCountersTest).
  }

  @Test
  void anUpdateStepAddingAListTheContactIsOnAlreadyWritesNoListJoined() throws Exception {
    contact("lead", "Europe/Madrid", true);
    contacts.update("lead", new ProfileUpdate(null, null, Map.of(), null, null, Set.of("leads"), Set.of(), null, Map.of()),
        clock.instant());

    invoke(payload("lead-nurturing", "score-download", "lead", "t0"));

    assertThat(listEvents("lead", "list.joined")).isEmpty();
  }

  @Test
  void anUpdateStepEnteredAgainAfterTheContactLeftTheListWritesANewListJoined() throws Exception {
    contact("lead", "Europe/Madrid", true);
    invoke(payload("lead-nurturing", "score-download", "lead", "t0"));
    contacts.update("lead", new ProfileUpdate(null, null, Map.of(), null, null, Set.of(), Set.of("leads"), null, Map.of()),
        clock.instant());

    invoke(payload("lead-nurturing", "score-download", "lead", "t1"));

    assertThat(listEvents("lead", "list.joined")).hasSize(2);
  }

  @Test
  void anOnEndMoveWritesListJoinedForTheTargetAndListLeftForTheSourceOnce() throws Exception {
    contact("lead", "Europe/Madrid", true);
    contacts.update("lead", new ProfileUpdate(null, null, Map.of(), null, null, Set.of("leads"), Set.of(), null, Map.of()),
        clock.instant());
    invoke(payload("lead-nurturing", "Enter", "lead", "t0"));

    invoke(payload("lead-nurturing", "Complete", "lead", "t1"));
    invoke(payload("lead-nurturing", "Complete", "lead", "t1"));

    assertThat(listEvents("lead", "list.joined")).extracting(e -> e.properties().path("list").asText())
        .containsExactly("nurtured");
    assertThat(listEvents("lead", "list.left")).extracting(e -> e.properties().path("list").asText())
        .containsExactly("leads");
  }

  @Test
  void waitForRegistersTheTokenWithTheMessageOfItsStep() throws Exception {
    contact("c1", "Europe/Madrid", true);
    String messageId = invoke(payload("abandoned-cart", "reminder", "c1", "t0")).path("messageId").asText();
    invoke(payload("abandoned-cart", "reminder-opened", "c1", "t1"));
    assertThat(waits.waitingFor("c1", "email.opened")).singleElement().satisfies(w -> {
      assertThat(w.taskToken()).isEqualTo("token-reminder-opened");
      assertThat(w.messageId()).isEqualTo(messageId);
      assertThat(w.expiresAt()).isEqualTo(NOON_MADRID.plus(Duration.ofDays(2)));
    });
  }

  @Test
  void anOpenStoredBeforeTheWaitForRegistersStillResumesIt() throws Exception {
    contact("c1", "Europe/Madrid", true);
    String messageId = invoke(payload("abandoned-cart", "reminder", "c1", "t0")).path("messageId").asText();
    // The open arrives (SES → feedback → events table) before the waitFor Task has run.
    ObjectNode opened = Json.object().put("messageId", messageId);
    events.putIfAbsent(new dev.nudge.contacts.TrackedEvent("c1", "ses-open-1", "email.opened", opened, clock.instant(),
        clock.instant(), "ses"), clock.instant().plus(Duration.ofDays(400)));

    invoke(payload("abandoned-cart", "reminder-opened", "c1", "t1"));

    assertThat(executions.resumed).singleElement().satisfies(r -> {
      assertThat(r.taskToken()).isEqualTo("token-reminder-opened");
      assertThat(r.output().path("event").path("id").asText()).isEqualTo("ses-open-1");
    });
    assertThat(waits.waitingFor("c1", "email.opened")).isEmpty();
  }

  @Test
  void anOpenOfAnotherMessageDoesNotResumeTheWait() throws Exception {
    contact("c1", "Europe/Madrid", true);
    invoke(payload("abandoned-cart", "reminder", "c1", "t0"));
    events.putIfAbsent(new dev.nudge.contacts.TrackedEvent("c1", "ses-open-2", "email.opened",
        Json.object().put("messageId", "some-other-message"), clock.instant(), clock.instant(), "ses"),
        clock.instant().plus(Duration.ofDays(400)));

    invoke(payload("abandoned-cart", "reminder-opened", "c1", "t1"));

    assertThat(executions.resumed).isEmpty();
    assertThat(waits.waitingFor("c1", "email.opened")).hasSize(1);
  }

  @Test
  void aTimerWaitsUntilTheNextTuesdayAtTenInTheContactsTimezone() throws Exception {
    contact("lead", "America/New_York", true);
    JsonNode result = invoke(payload("lead-nurturing", "next-tuesday", "lead", "t0"));
    assertThat(result.path("at").asText()).isEqualTo("2026-11-24T15:00:00Z");
  }

  @Test
  void completeMovesTheContactAndEndsTheJourneyOnce() throws Exception {
    contact("lead", "Europe/Madrid", true);
    contacts.update("lead", new ProfileUpdate(null, null, Map.of(), null, null, Set.of("leads"), Set.of(), null, Map.of()), clock.instant());
    invoke(payload("lead-nurturing", "Enter", "lead", "t0"));
    invoke(payload("lead-nurturing", "Complete", "lead", "t1"));
    invoke(payload("lead-nurturing", "RecordFailure", "lead", "t2"));
    assertThat(contacts.find("lead").orElseThrow().lists()).contains("nurtured").doesNotContain("leads");
    assertThat(journeys.find("lead", "lead-nurturing", EXECUTION).orElseThrow().status()).isEqualTo("completed");
  }

  @Test
  void aCompletedJourneyIsCountedOnceEvenWhenTheCompleteTaskIsRetried() throws Exception {
    contact("lead", "Europe/Madrid", true);
    invoke(payload("lead-nurturing", "Enter", "lead", "t0"));
    invoke(payload("lead-nurturing", "Complete", "lead", "t1"));
    invoke(payload("lead-nurturing", "Complete", "lead", "t1"));
    var journey = stats.read("lead-nurturing").values().iterator().next().get(dev.nudge.stats.StepStats.JOURNEY);
    assertThat(journey.get("completed").count()).isEqualTo(1);
  }

  @Test
  void aFailureIsRecordedOnTheJourneyWithItsCause() throws Exception {
    contact("c1", "Europe/Madrid", true);
    invoke(payload("abandoned-cart", "Enter", "c1", "t0"));
    invoke(payload("abandoned-cart", "reminder", "c1", "t1"));
    invoke(payload("abandoned-cart", "RecordFailure", "c1", "t2"));
    JourneyStore.Journey journey = journeys.find("c1", "abandoned-cart", EXECUTION).orElseThrow();
    assertThat(journey.status()).isEqualTo("failed");
    assertThat(journey.currentStep()).isEqualTo("reminder");
    assertThat(journey.error()).isEqualTo("Lambda.Unknown: out of memory");
  }

  @Test
  void aWebhookPostsASignedPayloadAndFailsOnAnErrorStatus() throws Exception {
    List<String> bodies = new ArrayList<>();
    List<String> signatures = new ArrayList<>();
    AtomicInteger status = new AtomicInteger(200);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      signatures.add(exchange.getRequestHeaders().getFirst("Nudge-Signature"));
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    // Plain HTTP to a local receiver: workflows only accept https:// (the parser checks), the caller does not check again.
    var hook = new dev.nudge.workflows.Step.Webhook(java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
        Duration.ofSeconds(5), 3);
    ObjectNode body = Json.object().put("workflow", "lead-nurturing");
    body.putObject("contact").put("id", "lead");
    webhooks.call(hook, body, "key-1");
    assertThat(Json.mapper().readTree(bodies.get(0)).path("contact").path("id").asText()).isEqualTo("lead");
    long t = clock.instant().getEpochSecond();
    assertThat(signatures.get(0)).isEqualTo("t=" + t + ",v1=" + webhooks.sign(t + "." + bodies.get(0)));
    status.set(503);
    assertThatThrownBy(() -> webhooks.call(hook, body, "key-1")).isInstanceOf(WebhookFailedException.class)
        .hasMessageContaining("503");
    assertThat(WebhookFailedException.class.getName()).isEqualTo(AslCompiler.WEBHOOK_FAILED);
  }

  @Test
  void enrollStartsTheOtherWorkflowUnderANameDerivedFromTheStep() throws Exception {
    contact("c1", "Europe/Madrid", true);
    ObjectNode enroll = payload("welcome-series", "welcome", "c1", "t0");
    enroll.put("action", "enroll");
    enroll.set("step", Json.mapper().readTree("{\"id\":\"go\",\"enroll\":{\"workflow\":\"birthday\"}}"));
    invoke(enroll);
    invoke(enroll);
    assertThat(enrolled).hasSize(2).allSatisfy(e -> assertThat(e).startsWith("birthday/c1/enroll-"));
    assertThat(enrolled.get(0)).isEqualTo(enrolled.get(1));
  }

  @Test
  void aPayloadWithoutContactIsRefusedNamingTheField() {
    ObjectNode payload = payload("abandoned-cart", "reminder", "c1", "t0");
    payload.remove("contact");
    assertThatThrownBy(() -> invoke(payload)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
  }
}
