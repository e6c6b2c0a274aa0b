package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.states.StatesModel;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import dev.nudge.local.testing.VirtualTime;
import dev.nudge.workflows.asl.TransitionReport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 13, "cost and scale on paper": a few contacts through each bundled workflow in the local
 * cloud, on the virtual clock, along one typical path each, measuring per journey what AWS bills:
 * state transitions, Lambda requests per function, DynamoDB request units per table, e-mails and
 * SMS. Writes {@code target/scaling/cost-per-journey.md} and {@code .json}, which docs/scaling.md
 * quotes.
 *
 * <p>What counts as the journey: from the trigger (the tracked event, the identify, the date
 * trigger's run or the broadcast request) to the journey's end, with SES's Send and Delivery events
 * of every e-mail and the SMS delivery status, and the opens or clicks the path needs. Not the
 * contact's own identify (setup) and not the fixed-rate scheduled functions (reported apart).
 * Each phase publishes its workflow, measures, then pauses it, so one workflow's contacts never
 * start another's journeys; two segments (customers, newsletter) are saved throughout, as the
 * broadcasts need them.
 *
 * <p>Contacts per path: {@code -Dnudge.cost.contacts=N} (default 5). It drives seven phases over
 * about seven weeks of virtual time and takes minutes on a shared machine, so it runs only with
 * {@code -Dnudge.cost=true}:
 * {@code mvn -B -o -pl infrastructure/local -am test -Dtest=CostPerJourneyTest -Dsurefire.failIfNoSpecifiedTests=false -Dnudge.cost=true}
 */
@EnabledIfSystemProperty(named = "nudge.cost", matches = "true")
class CostPerJourneyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int N = Integer.getInteger("nudge.cost.contacts", 5);
  /** The ceiling this test holds every path to: DynamoDB write units per journey. */
  static final double MAX_WRITE_UNITS_PER_JOURNEY = 150;

  record Measured(String workflow, String path, int journeys, String trigger, JourneyMeter.Reading reading,
      List<TransitionReport.Path> staticPaths) {}

  private static LocalCloud cloud;
  private static NudgeApi api;
  private static JourneyMeter meter;
  private static final List<Measured> RESULTS = new ArrayList<>();
  private static final long START = System.nanoTime();
  private static int phoneBase = 0;
  private static JourneyMeter.Reading events;
  private static int eventsTracked;

  @BeforeAll
  static void driveEveryBundledWorkflow() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    meter = new JourneyMeter(cloud);
    putSegment("customers");
    putSegment("newsletter");
    welcomeSeries();
    abandonedCart(true);
    abandonedCart(false);
    birthday();
    leadNurturing();
    reEngagement();
    subjectLineTest();
    trackedEvents();
    write();
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  // --- the assertions ------------------------------------------------------------------------

  @Test
  void everyBundledWorkflowWasMeasured() {
    assertThat(RESULTS).extracting(Measured::workflow).contains("welcome-series", "abandoned-cart", "birthday",
        "lead-nurturing", "re-engagement", "subject-line-test");
  }

  @Test
  void everyExecutionEnteredExactlyTheStatesOfAStaticPath() {
    for (Measured m : RESULTS) {
      List<List<String>> executions = m.reading().statePathsByMachine().get("nudge-" + m.workflow());
      assertThat(executions).as(m.workflow() + ": executions").hasSize(m.journeys());
      List<List<String>> expected = m.staticPaths().stream().map(TransitionReport.Path::states).toList();
      for (List<String> states : executions) {
        assertThat(expected).as(m.workflow() + " " + m.path() + ": a path of TransitionCountTest").contains(states);
      }
    }
  }

  @Test
  void transitionsPerJourneyAreTheStaticCountOfThePath() {
    Map<String, Integer> expected = Map.of("welcome-series", 7, "abandoned-cart", 8, "birthday", 7,
        "lead-nurturing", 14, "re-engagement", 8);
    for (Measured m : RESULTS) {
      if (expected.containsKey(m.workflow())) {
        assertThat(transitionsPerJourney(m)).as(m.workflow() + " " + m.path()).isEqualTo(expected.get(m.workflow()).doubleValue());
      } else {
        // The A/B split: 5 transitions in an e-mail arm, 4 in the holdout.
        assertThat(transitionsPerJourney(m)).as(m.workflow()).isBetween(4.0, 5.0);
      }
    }
  }

  @Test
  void everyJourneyWritesAndStaysUnderTheCeiling() {
    for (Measured m : RESULTS) {
      double writes = m.reading().writeUnits() / m.journeys();
      assertThat(writes).as(m.workflow() + " " + m.path() + ": WCU per journey").isGreaterThan(0)
          .isLessThan(MAX_WRITE_UNITS_PER_JOURNEY);
      assertThat(m.reading().invocations().getOrDefault("StepFunction", 0L)).as("step actions ran")
          .isGreaterThanOrEqualTo(m.journeys());
    }
  }

  @Test
  void messagesAreThoseOfThePath() {
    for (Measured m : RESULTS) {
      int[] expected = switch (m.workflow() + (m.path().endsWith("sms") ? ":sms" : "")) {
        case "welcome-series" -> new int[] {3, 0};
        case "abandoned-cart" -> new int[] {2, 0};
        case "abandoned-cart:sms" -> new int[] {1, 1};
        case "birthday" -> new int[] {1, 1};
        case "lead-nurturing" -> new int[] {3, 0};
        case "re-engagement" -> new int[] {1, 0};
        default -> null;
      };
      if (expected != null) {
        assertThat(m.reading().emails()).as(m.workflow() + " e-mails").isEqualTo(expected[0] * m.journeys());
        assertThat(m.reading().sms()).as(m.workflow() + " SMS").isEqualTo(expected[1] * m.journeys());
      }
    }
  }

  // --- the workflows -------------------------------------------------------------------------

  private static void welcomeSeries() throws Exception {
    String wf = "welcome-series";
    api.publishBundled(wf);
    baseline();
    meter.start();
    for (int i = 0; i < N; i++) {
      identify("w" + i, "UTC", null, null, true, false, null);
    }
    awaitStarted(wf);
    await("welcome", () -> emails(wf, "welcome").size() == N);
    VirtualTime.advance(cloud, Duration.ofDays(2));
    await("getting-started", () -> emails(wf, "getting-started").size() == N);
    VirtualTime.advance(cloud, Duration.ofDays(12));
    await("feedback", () -> emails(wf, "feedback").size() == N);
    finish(wf, "welcome → wait-2d → getting-started → wait-12d → feedback", "identify with consent (contact.subscribed)");
  }

  private static void abandonedCart(boolean opens) throws Exception {
    String wf = "abandoned-cart";
    String p = opens ? "ao" : "as";
    if (opens) {
      api.publishBundled(wf);
    } else {
      api.admin("POST", "/v1/workflows/" + wf + "/resume", "", "application/json");
    }
    ZoneId madrid = ZoneId.of("Europe/Madrid");
    for (int i = 0; i < N; i++) {
      identify(p + i, madrid.getId(), phone(), null, true, true, null);
    }
    baseline();
    VirtualTime.advanceToNext(cloud, LocalTime.of(10, 0), madrid, null);
    meter.start();
    for (int i = 0; i < N; i++) {
      track(p + i, "cart-" + p + i, "cart.updated", "{\"items\":2}");
    }
    awaitStarted(wf);
    VirtualTime.advance(cloud, Duration.ofHours(1));
    await("reminders", () -> mine(emails(wf, "reminder"), p).size() == N);
    VirtualTime.settle(cloud); // the waitFor steps register
    if (opens) {
      VirtualTime.advance(cloud, Duration.ofMinutes(5));
      for (Outbox.Message reminder : mine(emails(wf, "reminder"), p)) {
        cloud.ses().simulate(reminder.id(), "open", null);
      }
      await("offers", () -> mine(emails(wf, "offer"), p).size() == N);
      finish(wf, "wait-1h → reminder → reminder-opened (opened) → offer", "tracked cart.updated");
    } else {
      VirtualTime.advance(cloud, Duration.ofDays(1));
      await("sms", () -> meter.smsSinceStart() == N);
      finish(wf, "wait-1h → reminder → reminder-opened (not opened in a day) → sms", "tracked cart.updated");
    }
  }

  private static void birthday() throws Exception {
    String wf = "birthday";
    api.publishBundled(wf);
    LocalDate day = LocalDate.ofInstant(cloud.clock().instant(), ZoneOffset.UTC).plusDays(2);
    for (int i = 0; i < N; i++) {
      identify("b" + i, "UTC", phone(), "\"birthday\":\"" + day.withYear(1990) + "\"", true, true, null);
    }
    baseline();
    VirtualTime.advance(cloud, Duration.between(cloud.clock().instant(), ZonedDateTime.of(day, LocalTime.of(8, 59), ZoneOffset.UTC).toInstant()));
    meter.start();
    for (int step = 0; step < 8 && emails(wf, "greeting").size() < N; step++) {
      VirtualTime.advance(cloud, Duration.ofMinutes(5));
      VirtualTime.settle(cloud);
    }
    await("greetings", () -> emails(wf, "greeting").size() == N);
    VirtualTime.advance(cloud, Duration.ofDays(5));
    await("last calls", () -> meter.smsSinceStart() == N);
    finish(wf, "greeting → wait-5d → used-gift (no order) → last-call", "date trigger (DateTriggerFunction run)");
  }

  private static void leadNurturing() throws Exception {
    String wf = "lead-nurturing";
    api.publishBundled(wf);
    for (int i = 0; i < N; i++) {
      identify("l" + i, "UTC", null, null, true, false, null);
    }
    baseline();
    VirtualTime.advanceToNext(cloud, LocalTime.of(10, 0), ZoneOffset.UTC, DayOfWeek.WEDNESDAY);
    meter.start();
    for (int i = 0; i < N; i++) {
      track("l" + i, "whitepaper-l" + i, "form.submitted", "{\"form\":\"whitepaper\"}");
    }
    awaitStarted(wf);
    await("resources", () -> emails(wf, "resource").size() == N);
    VirtualTime.advanceToNext(cloud, LocalTime.of(10, 0), ZoneOffset.UTC, DayOfWeek.TUESDAY);
    await("case studies", () -> emails(wf, "case-study").size() == N);
    VirtualTime.advance(cloud, Duration.ofDays(3));
    await("webinars", () -> emails(wf, "webinar").size() == N);
    finish(wf, "score-download → resource → next-tuesday → case-study → wait-3d → qualify (score < 50, no pricing views) → webinar",
        "tracked form.submitted");
  }

  private static void reEngagement() throws Exception {
    String wf = "re-engagement";
    // The win-back starts on entering `lapsed` (docs/campaigns.md): a customer's segment timer
    // fires 90 days after their last order.
    HttpResponse<String> saved = api.admin("PUT", "/v1/segments/lapsed", "id: lapsed\nname: lapsed\nwhen:\n  all:\n"
        + "    - event: { type: order.completed }\n    - not: { event: { type: order.completed, within: P90D } }\n",
        "application/yaml");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
    api.publishBundled(wf);
    for (int i = 0; i < N; i++) {
      identify("r" + i, "UTC", null, null, true, false, null);
      track("r" + i, "order-r" + i, "order.completed", "{\"total\":40}");
    }
    VirtualTime.settle(cloud);
    baseline();
    meter.start();
    VirtualTime.advance(cloud, Duration.ofDays(90).plusMinutes(10));
    await("miss-you", () -> emails(wf, "miss-you").size() == N);
    VirtualTime.settle(cloud);
    VirtualTime.advance(cloud, Duration.ofMinutes(5));
    for (Outbox.Message m : emails(wf, "miss-you")) {
      cloud.ses().simulate(m.id(), "click", null);
    }
    finish(wf, "recently-active (no order in 90 days) → miss-you → clicked (clicked) → welcome-back",
        "entering the lapsed segment (its timer, 90 days after the last order)");
  }

  private static void subjectLineTest() throws Exception {
    String wf = "subject-line-test";
    api.publishBundled(wf);
    for (int i = 0; i < N; i++) {
      identify("s" + i, "UTC", null, null, true, false, "newsletter");
    }
    awaitSegment("newsletter", N);
    baseline();
    VirtualTime.advanceToNext(cloud, LocalTime.of(10, 0), ZoneOffset.UTC, null);
    meter.start();
    broadcast(wf, "cost-s", "newsletter");
    for (int i = 0; i < 60 && !ended(wf, N); i++) {
      cloud.clock().advance(Duration.ofSeconds(30));
      Thread.sleep(300);
      cloud.engine().awaitQuiescence();
    }
    finish(wf, "ab → subject-a | subject-b | holdout (the contacts' buckets)", "broadcast to the segment");
  }

  /** A tracked event no journey waits for or starts on: the per-event cost beside the journeys. */
  private static void trackedEvents() throws Exception {
    baseline();
    meter.start();
    for (int i = 0; i < 4 * N; i++) {
      track("w" + (i % N), "view-" + i, "page.viewed", "{\"path\":\"/products/" + i + "\"}");
    }
    VirtualTime.settle(cloud);
    VirtualTime.settle(cloud);
    eventsTracked = 4 * N;
    events = meter.read();
  }

  // --- phases --------------------------------------------------------------------------------

  /** The DynamoDB units of the scheduled functions' idle firings, to take off what follows. */
  private static void baseline() throws Exception {
    VirtualTime.settle(cloud);
    VirtualTime.settle(cloud); // the setup's identify events through both stream consumers
    meter.beginBaseline();
    VirtualTime.advance(cloud, Duration.ofMinutes(15));
    VirtualTime.settle(cloud);
    meter.endBaseline();
  }

  private static void finish(String workflow, String path, String trigger) throws Exception {
    await(workflow + ": every journey ended", () -> ended(workflow, N));
    VirtualTime.settle(cloud);
    VirtualTime.settle(cloud); // the last feedback events and their stream records
    JourneyMeter.Reading reading = meter.read();
    String definition = cloud.engine().describeStateMachine(machine(workflow)).definition();
    RESULTS.add(new Measured(workflow, path, N, trigger, reading, TransitionReport.paths(JSON.readTree(definition))));
    HttpResponse<String> paused = api.admin("POST", "/v1/workflows/" + workflow + "/pause", "", "application/json");
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
  }

  /** Every journey started before the clock moves: the stream may lag behind the requests. */
  private static void awaitStarted(String workflow) {
    await(workflow + ": every journey started", () -> meter.newExecutions("nudge-" + workflow).size() == N);
  }

  private static boolean ended(String workflow, int count) {
    List<StatesModel.ExecutionListItem> executions = meter.newExecutions("nudge-" + workflow);
    return executions.size() == count && executions.stream().noneMatch(e -> e.status().equals("RUNNING"));
  }

  private static String machine(String workflow) {
    return "arn:aws:states:" + cloud.stack().region() + ":" + cloud.stack().accountId() + ":stateMachine:nudge-" + workflow;
  }

  // --- driving -------------------------------------------------------------------------------

  private static String phone() {
    return String.format("+34612%06d", ++phoneBase);
  }

  private static void identify(String id, String timezone, String phone, String attributes, boolean email, boolean sms,
      String list) throws Exception {
    StringBuilder body = new StringBuilder("{\"contactId\":\"cost-" + id + "\",\"email\":\"cost-" + id + "@example.com\"");
    if (phone != null) {
      body.append(",\"phone\":\"").append(phone).append('"');
    }
    body.append(",\"timezone\":\"").append(timezone).append('"');
    if (attributes != null) {
      body.append(",\"attributes\":{\"firstName\":\"Ada\",").append(attributes).append('}');
    }
    if (list != null) {
      body.append(",\"lists\":{\"add\":[\"").append(list).append("\"]}");
    }
    body.append(",\"consent\":{");
    body.append("\"email\":{\"status\":\"").append(email ? "subscribed" : "unsubscribed").append("\"}");
    if (sms) {
      body.append(",\"sms\":{\"status\":\"subscribed\"}");
    }
    body.append("}}");
    HttpResponse<String> response = api.signed("/v1/identify", body.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void track(String id, String eventId, String type, String properties) throws Exception {
    HttpResponse<String> response = api.signed("/v1/track", "{\"id\":\"" + eventId + "\",\"type\":\"" + type
        + "\",\"contactId\":\"cost-" + id + "\",\"properties\":" + properties + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void putSegment(String id) throws Exception {
    HttpResponse<String> saved = api.admin("PUT", "/v1/segments/" + id,
        "id: " + id + "\nname: " + id + "\nwhen: { inList: " + id + " }\n", "application/yaml");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
  }

  private static void awaitSegment(String id, int size) {
    await("segment " + id, () -> {
      try {
        return JSON.readTree(api.admin("GET", "/v1/segments/" + id + "?limit=1", "", "application/json").body())
            .path("size").asLong() >= size;
      } catch (Exception e) {
        return false;
      }
    });
  }

  private static void broadcast(String workflow, String run, String segment) throws Exception {
    HttpResponse<String> started = api.admin("POST", "/v1/workflows/" + workflow + "/broadcast",
        "{\"id\":\"" + run + "\",\"segment\":\"" + segment + "\"}", "application/json");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
  }

  private static List<Outbox.Message> emails(String workflow, String step) {
    List<Outbox.Message> found = new ArrayList<>();
    for (Outbox.Message m : cloud.outbox().all()) {
      if (m.channel().equals("email") && m.tags().getOrDefault("workflow", List.of()).contains(workflow)
          && m.tags().getOrDefault("step", List.of()).contains(step)) {
        found.add(m);
      }
    }
    return found;
  }

  private static List<Outbox.Message> mine(List<Outbox.Message> messages, String prefix) {
    return messages.stream().filter(m -> m.to().get(0).startsWith("cost-" + prefix)).toList();
  }




  private static void await(String what, BooleanSupplier condition) {
    assertThat(TestClouds.eventually(Duration.ofSeconds(120), () -> {
      cloud.engine().awaitQuiescence();
      return condition.getAsBoolean();
    })).as(what).isTrue();
  }

  // --- the report ----------------------------------------------------------------------------

  static double transitionsPerJourney(Measured m) {
    return (double) m.reading().transitionsByMachine().getOrDefault("nudge-" + m.workflow(), 0) / m.journeys();
  }

  private static double otherTransitions(Measured m) {
    return m.reading().transitionsByMachine().entrySet().stream().filter(e -> !e.getKey().equals("nudge-" + m.workflow()))
        .mapToInt(Map.Entry::getValue).sum();
  }

  private static void write() throws Exception {
    Path dir = Path.of("target", "scaling");
    Files.createDirectories(dir);
    ArrayNode json = JSON.createArrayNode();
    StringBuilder md = new StringBuilder();
    md.append("# Cost per journey, measured in the local cloud\n\n");
    md.append(String.format(Locale.ROOT, "%d contacts per path; prices as of %s (us-east-1, no free tier); Lambda at an "
        + "assumed %.0f ms billed per invocation at 1024 MB arm64; logs at an assumed %.0f bytes per invocation. "
        + "Run took %.0f s.%n%n", N, ListPrices.AS_OF, ListPrices.ASSUMED_SECONDS_PER_INVOCATION * 1000,
        ListPrices.ASSUMED_LOG_BYTES_PER_INVOCATION, (System.nanoTime() - START) / 1e9));
    md.append("| workflow | path | transitions | Lambda requests | RRU | WRU | e-mails | SMS | $ per 1,000 journeys (without SMS) |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measured m : RESULTS) {
      JourneyMeter.Reading r = m.reading();
      double n = m.journeys();
      double transitions = (r.transitionsByMachine().values().stream().mapToInt(Integer::intValue).sum()) / n;
      double invocations = r.invocationCount() / n;
      double rru = r.readUnits() / n;
      double wru = r.writeUnits() / n;
      double emails = r.emails() / n;
      double sms = r.sms() / n;
      double sfn = ListPrices.stepFunctions(transitions);
      double lambda = ListPrices.lambda(invocations);
      double logs = ListPrices.logs(invocations);
      double dynamo = ListPrices.dynamo(rru, wru);
      double ses = ListPrices.email(emails);
      double total = sfn + lambda + logs + dynamo + ses;
      String transitionText = otherTransitions(m) > 0
          ? String.format(Locale.ROOT, "%s (+%s broadcast)", num(transitionsPerJourney(m)), num(otherTransitions(m) / n))
          : num(transitions);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %.3f |%n", m.workflow(), m.path(),
          transitionText, num(invocations), num(rru), num(wru), num(emails), num(sms), total * 1000));

      ObjectNode o = json.addObject();
      o.put("workflow", m.workflow()).put("path", m.path()).put("trigger", m.trigger()).put("journeys", m.journeys());
      ObjectNode per = o.putObject("perJourney");
      per.put("stateTransitions", transitions).put("lambdaRequests", invocations).put("readUnits", rru)
          .put("writeUnits", wru).put("emails", emails).put("sms", sms);
      ObjectNode machines = per.putObject("transitionsByStateMachine");
      r.transitionsByMachine().forEach((k, v) -> machines.put(k, v / n));
      ObjectNode fns = per.putObject("lambdaRequestsByFunction");
      r.invocations().forEach((k, v) -> fns.put(k, v / n));
      ObjectNode tables = per.putObject("unitsByTable");
      r.units().forEach((k, v) -> tables.putObject(k).put("readUnits", v.read() / n).put("writeUnits", v.write() / n));
      ObjectNode dollars = per.putObject("dollars");
      dollars.put("stepFunctions", sfn).put("lambda", lambda).put("logs", logs).put("dynamodb", dynamo).put("ses", ses)
          .put("totalWithoutSms", total);
      ObjectNode paths = o.putObject("paths");
      for (List<String> states : r.statePathsByMachine().getOrDefault("nudge-" + m.workflow(), List.of())) {
        String key = String.join(" → ", states);
        paths.put(key, paths.path(key).asInt() + 1);
      }
      ObjectNode raw = o.putObject("measuredTotals");
      ObjectNode rawTables = raw.putObject("unitsByTableBeforeBaseline");
      r.rawUnits().forEach((k, v) -> rawTables.putObject(k).put("readUnits", v.read()).put("writeUnits", v.write())
          .put("calls", v.calls()));
      ObjectNode sched = raw.putObject("scheduledInvocations");
      r.scheduledInvocations().forEach(sched::put);
    }
    md.append("\nPer function and table (per journey):\n\n");
    for (Measured m : RESULTS) {
      JourneyMeter.Reading r = m.reading();
      double n = m.journeys();
      md.append("- **").append(m.workflow()).append("**, ").append(m.path()).append(" (trigger: ").append(m.trigger())
          .append("). Lambda: ");
      List<String> parts = new ArrayList<>();
      r.invocations().forEach((k, v) -> parts.add(k + " " + num(v / n)));
      md.append(String.join(", ", parts)).append(". DynamoDB RRU/WRU: ");
      parts.clear();
      r.units().forEach((k, v) -> parts.add(k + " " + num(v.read() / n) + "/" + num(v.write() / n)));
      md.append(String.join(", ", parts)).append(".");
      Map<String, Integer> mix = new LinkedHashMap<>();
      for (List<String> states : r.statePathsByMachine().getOrDefault("nudge-" + m.workflow(), List.of())) {
        mix.merge(states.size() + " transitions (" + String.join(" → ", states) + ")", 1, Integer::sum);
      }
      if (mix.size() > 1) {
        md.append(" Paths taken: ");
        parts.clear();
        mix.forEach((k, v) -> parts.add(v + " × " + k));
        md.append(String.join("; ", parts)).append(".");
      }
      md.append('\n');
    }
    Map<String, MonthlyModel.Usage> perJourney = new LinkedHashMap<>();
    for (Measured m : RESULTS) {
      JourneyMeter.Reading r = m.reading();
      double n = m.journeys();
      perJourney.put(MonthlyModel.key(m.workflow(), m.path()), new MonthlyModel.Usage(
          r.transitionsByMachine().values().stream().mapToInt(Integer::intValue).sum() / n, r.invocationCount() / n,
          r.readUnits() / n, r.writeUnits() / n, r.emails() / n, r.sms() / n));
    }
    MonthlyModel.Usage perEvent = new MonthlyModel.Usage(0, events.invocationCount() / (double) eventsTracked,
        events.readUnits() / eventsTracked, events.writeUnits() / eventsTracked, 0, 0);
    md.append(String.format(Locale.ROOT, "%n- **a tracked event** (`page.viewed` of a known contact id, nothing waiting or "
        + "starting on it; %d events): Lambda %s, DynamoDB RRU %s, WRU %s per event.", eventsTracked,
        describeInvocations(events, eventsTracked), num(perEvent.readUnits()), num(perEvent.writeUnits())));
    List<String> eventTables = new ArrayList<>();
    events.units().forEach((k, v) -> eventTables.add(k + " " + num(v.read() / eventsTracked) + "/" + num(v.write() / eventsTracked)));
    md.append(" By table (RRU/WRU): ").append(String.join(", ", eventTables)).append(".\n");
    md.append(MonthlyModel.markdown(perJourney, perEvent));
    ObjectNode event = json.addObject();
    event.put("workflow", "(tracked event)").put("path", "page.viewed, nothing waiting or starting").put("events", eventsTracked);
    ObjectNode ev = event.putObject("perEvent");
    ev.put("lambdaRequests", perEvent.invocations()).put("readUnits", perEvent.readUnits()).put("writeUnits", perEvent.writeUnits());
    ObjectNode evFns = ev.putObject("lambdaRequestsByFunction");
    events.invocations().forEach((k, v) -> evFns.put(k, v / (double) eventsTracked));
    ObjectNode evTables = ev.putObject("unitsByTable");
    events.units().forEach((k, v) -> evTables.putObject(k).put("readUnits", v.read() / eventsTracked)
        .put("writeUnits", v.write() / eventsTracked));
    Files.writeString(dir.resolve("cost-per-journey.md"), md.toString());
    Files.writeString(dir.resolve("cost-per-journey.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }

  private static String describeInvocations(JourneyMeter.Reading r, double n) {
    List<String> parts = new ArrayList<>();
    r.invocations().forEach((k, v) -> parts.add(k + " " + num(v / n)));
    return String.join(", ", parts);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
