package dev.nudge.local.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.LocalCloudOptions;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.scenarios.ScenarioFile.ContactSpec;
import dev.nudge.local.scenarios.ScenarioFile.Entry;
import dev.nudge.local.scenarios.ScenarioFile.Scenario;
import dev.nudge.local.states.StatesModel;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import dev.nudge.workflows.asl.AslCompiler;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one scenario on a fresh in-memory local cloud whose virtual clock starts at the file's
 * {@code start} and moves only when the runner moves it (time scale 0): setup through the admin
 * API, contacts through {@code POST /v1/identify}, each timeline entry at its time through
 * {@code POST /v1/track} or the local SES simulation ({@code /_local/outbox/<id>/open}). Between
 * entries the clock is stepped to each moment something is due (an engine timer: Wait, waitFor
 * timeout, send window; a scheduled function's work, {@link ScheduleHints}), with
 * {@link LocalCloud#awaitIdle} after every step, so each message goes out at its own virtual time.
 * The actual timeline is then read back (outbox, contact API, execution history) and compared by
 * {@link ScenarioReport}.
 */
public final class ScenarioRunner {
  /** What a scenario did and how it compared; {@code report} is empty when it passed. */
  public record Result(Path file, String scenario, boolean passed, String report, Duration took) {}

  /** A message as sent; {@code template} and {@code locale} are null when the send ledger does not know it. */
  record ActualMessage(Instant sentAt, String step, String template, String channel, String locale, String workflow) {}

  /** @param outcome converted, exited, completed, failed, waiting or not-started */
  record ActualContact(String id, List<ActualMessage> messages, List<String> path, String outcome, List<String> lists,
      List<ScenarioFile.ExpectedWebhook> webhooks) {}

  private static final int MAX_STEPS = 100_000;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final Path template;
  private final int port;

  /** @param port every cloud of a JVM must use the same port: see {@link LocalCloud#inProcessPort()} */
  public ScenarioRunner(Path template, int port) {
    this.template = template;
    this.port = port;
  }

  public Result run(ScenarioFile file, Scenario scenario) {
    long began = System.nanoTime();
    List<String> problems = new ArrayList<>();
    Map<String, ActualContact> actual = new java.util.LinkedHashMap<>();
    try (LocalCloud cloud = LocalCloud.start(new LocalCloudOptions(template, null, port, 0.0, Map.of()), file.start())) {
      new Run(cloud, file, scenario, problems, actual).go();
    } catch (SetupException e) {
      problems.add(e.getMessage());
    } catch (IOException | RuntimeException e) {
      problems.add("the run failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add("interrupted");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    String report = ScenarioReport.compare(file, scenario, actual, problems);
    return new Result(file.path(), scenario.name(), report.isEmpty(), report, took);
  }

  /** Setup refused (a workflow, segment, template or contact the API did not accept): nothing to compare. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  private static final class Run {
    private final LocalCloud cloud;
    private final ScenarioFile file;
    private final Scenario scenario;
    private final List<String> problems;
    private final Map<String, ActualContact> actual;
    private final NudgeClient api;
    private final Instant start;
    private final List<Workflow> workflows = new ArrayList<>();
    private ScheduleHints hints;
    private int steps;

    Run(LocalCloud cloud, ScenarioFile file, Scenario scenario, List<String> problems, Map<String, ActualContact> actual) {
      this.cloud = cloud;
      this.file = file;
      this.scenario = scenario;
      this.problems = problems;
      this.actual = actual;
      this.api = NudgeClient.of(cloud);
      this.start = file.start();
    }

    void go() throws IOException, InterruptedException, SetupException {
      cloud.buses().manualSchedules(true);
      setup();
      hints = new ScheduleHints(cloud, workflows, scenario.contacts());
      for (ContactSpec contact : scenario.contacts()) {
        identify(contact);
      }
      hints.atStart().forEach(cloud.buses()::fire);
      for (Entry entry : scenario.timeline()) {
        advanceTo(start.plus(entry.at()));
        act(entry);
      }
      advanceTo(start.plus(scenario.until()));
      collect();
    }

    private void setup() throws IOException, InterruptedException, SetupException {
      ScenarioFile.Setup setup = file.setup();
      for (Map.Entry<String, ObjectNode> t : setup.templates().entrySet()) {
        expect(api.admin("PUT", "/v1/templates/" + t.getKey(), t.getValue().toString(), "application/json"),
            "setup.templates." + t.getKey());
      }
      for (Map.Entry<String, ObjectNode> s : setup.segments().entrySet()) {
        ObjectNode definition = s.getValue().deepCopy();
        if (!definition.has("id")) {
          definition.put("id", s.getKey());
        }
        if (!definition.has("name")) {
          definition.put("name", s.getKey());
        }
        expect(api.admin("PUT", "/v1/segments/" + s.getKey(), definition.toString(), "application/json"),
            "setup.segments." + s.getKey());
      }
      if (setup.scoring() != null) {
        expect(api.admin("PUT", "/v1/scoring", setup.scoring().toString(), "application/json"), "setup.scoring");
      }
      Path dir = file.workflowFile().getParent();
      List<String> ids = new ArrayList<>(setup.workflows());
      ids.remove(file.workflow());
      ids.add(file.workflow());
      for (String id : ids) {
        String definition = Files.readString(dir.resolve(id + ".yaml"));
        try {
          api.publish(id, definition);
        } catch (IllegalStateException e) {
          throw new SetupException("workflow " + id + " (" + dir.resolve(id + ".yaml") + ") was not published: "
              + e.getMessage());
        }
        WorkflowParser.Parsed parsed = WorkflowParser.parse(definition);
        if (parsed.workflow() != null) {
          workflows.add(parsed.workflow());
        }
      }
      cloud.awaitIdle(IDLE_TIMEOUT);
    }

    private void identify(ContactSpec c) throws IOException, InterruptedException, SetupException {
      ObjectNode body = Json.object().put("contactId", c.id());
      putIfPresent(body, "email", c.email());
      putIfPresent(body, "phone", c.phone());
      putIfPresent(body, "locale", c.locale());
      putIfPresent(body, "timezone", c.timezone());
      if (c.attributes() != null) {
        body.set("attributes", c.attributes());
      }
      if (!c.consent().isEmpty()) {
        ObjectNode consent = body.putObject("consent");
        c.consent().forEach(ch -> consent.putObject(ch).put("status", "subscribed").put("source", "scenario"));
      }
      if (!c.lists().isEmpty()) {
        var add = body.putObject("lists").putArray("add");
        c.lists().forEach(add::add);
      }
      if (c.location() != null) {
        body.set("location", c.location());
      }
      expect(api.signed("/v1/identify", body.toString()), "contact " + c.id());
    }

    private void expect(HttpResponse<String> response, String what) throws SetupException {
      if (response.statusCode() / 100 != 2) {
        throw new SetupException(what + " was refused: HTTP " + response.statusCode() + " " + response.body());
      }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
      if (value != null) {
        node.put(field, value);
      }
    }

    /** Steps the clock to {@code target} through every moment something is due before it. */
    private void advanceTo(Instant target) {
      cloud.awaitIdle(IDLE_TIMEOUT);
      while (true) {
        Instant now = cloud.clock().instant();
        if (!now.isBefore(target)) {
          return;
        }
        Instant next = target;
        Optional<Instant> timer = cloud.engine().nextTimer();
        if (timer.isPresent() && timer.get().isAfter(now) && timer.get().isBefore(next)) {
          next = timer.get();
        }
        Optional<ScheduleHints.Hint> scheduled = hints.next(now);
        if (scheduled.isPresent() && !scheduled.get().at().isAfter(next)) {
          next = scheduled.get().at();
        }
        if (++steps > MAX_STEPS) {
          throw new IllegalStateException("the clock took more than " + MAX_STEPS + " steps to reach " + target);
        }
        cloud.clock().advance(Duration.between(now, next));
        if (scheduled.isPresent() && scheduled.get().at().equals(next)) {
          // After the engine's timers of this instant: a scheduled run starts after the clock reached it.
          cloud.awaitIdle(IDLE_TIMEOUT);
          scheduled.get().rules().forEach(cloud.buses()::fire);
        }
        cloud.awaitIdle(IDLE_TIMEOUT);
      }
    }

    private void act(Entry entry) throws IOException, InterruptedException {
      String where = "timeline[" + entry.index() + "] at " + ScenarioReport.duration(entry.at()) + " (" + entry.event()
          + " by " + entry.contact() + ")";
      HttpResponse<String> response;
      if (entry.feedback()) {
        Optional<Outbox.Message> message = lastMessage(entry.contact(), entry.message());
        if (message.isEmpty()) {
          problems.add(where + ": no e-mail from step '" + entry.message() + "' was sent to " + entry.contact()
              + " by then");
          return;
        }
        response = api.post("/_local/outbox/" + URLEncoder.encode(message.get().id(), StandardCharsets.UTF_8) + "/"
            + ScenarioFile.FEEDBACK.get(entry.event()));
      } else {
        ObjectNode body = Json.object().put("id", "scenario-" + entry.index()).put("type", entry.event())
            .put("contactId", entry.contact());
        body.set("properties", entry.properties() == null ? Json.object() : entry.properties());
        response = api.signed("/v1/track", body.toString());
      }
      if (response.statusCode() / 100 != 2) {
        problems.add(where + ": refused with HTTP " + response.statusCode() + " " + response.body());
      }
    }

    /** The newest e-mail a step sent to the contact. */
    private Optional<Outbox.Message> lastMessage(String contactId, String step) {
      for (Outbox.Message m : cloud.outbox().all()) {
        if (m.channel().equals("email") && contactId.equals(contactOf(m)) && step.equals(tag(m, "step"))) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }

    private void collect() throws IOException, InterruptedException {
      Set<String> ids = new LinkedHashSet<>();
      scenario.contacts().forEach(c -> ids.add(c.id()));
      scenario.timeline().forEach(e -> ids.add(e.contact()));
      scenario.expect().forEach(x -> ids.add(x.contact()));
      for (String id : ids) {
        actual.put(id, contact(id));
      }
    }

    private ActualContact contact(String id) throws IOException, InterruptedException {
      HttpResponse<String> response = api.admin("GET", "/v1/contacts/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
          + "?limit=1000", "", "application/json");
      JsonNode body = response.statusCode() == 200 ? Json.parse(response.body().getBytes(StandardCharsets.UTF_8)) : null;
      Map<String, JsonNode> sends = new HashMap<>();
      JsonNode latest = null;
      List<String> lists = new ArrayList<>();
      if (body != null) {
        for (JsonNode journey : body.path("journeys")) {
          journey.path("messages").forEach(m -> sends.put(m.path("messageId").asText(""), m));
          if (latest == null && journey.path("workflowId").asText().equals(file.workflow())) {
            latest = journey; // newest first
          }
        }
        body.path("contact").path("lists").forEach(l -> lists.add(l.asText()));
      }
      ContactSpec spec = scenario.contacts().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
      List<Outbox.Message> outbox = new ArrayList<>(cloud.outbox().all());
      java.util.Collections.reverse(outbox); // oldest first
      List<ActualMessage> messages = new ArrayList<>();
      for (Outbox.Message m : outbox) {
        String contact = contactOf(m);
        boolean mine = contact != null ? contact.equals(id)
            : spec != null && (m.to().contains(spec.email()) || m.to().contains(spec.phone()));
        if (!mine) {
          continue;
        }
        JsonNode send = sends.get(m.id());
        messages.add(new ActualMessage(Instant.parse(m.sentAt()), tag(m, "step"),
            send == null ? null : send.path("template").asText(null), m.channel(),
            send == null ? null : send.path("templateLocale").asText(null), tag(m, "workflow")));
      }
      String outcome;
      List<String> path = List.of();
      if (latest == null) {
        outcome = "not-started";
      } else {
        String status = latest.path("status").asText();
        String ended = latest.path("outcome").asText(null);
        outcome = status.equals("active") ? "waiting"
            : latest.hasNonNull("convertedAt") ? "converted" : ended == null ? status : ended;
        path = path(latest.path("executionArn").asText());
      }
      List<ScenarioFile.ExpectedWebhook> webhooks = cloud.webhooks().all().stream()
          .filter(call -> id.equals(call.contactId()))
          .map(call -> new ScenarioFile.ExpectedWebhook(call.step(), call.url())).toList();
      return new ActualContact(id, messages, path, outcome, lists, webhooks);
    }

    /** The workflow steps the execution entered, in order (the compiler's own states left out). */
    private List<String> path(String executionArn) {
      List<String> steps = new ArrayList<>();
      String token = null;
      do {
        StatesModel.Page<StatesModel.HistoryEvent> page = cloud.engine().getExecutionHistory(executionArn, false, 1000,
            token, false);
        for (StatesModel.HistoryEvent event : page.items()) {
          if (!event.type().endsWith("StateEntered") || event.details() == null) {
            continue;
          }
          String state = event.details().path("name").asText();
          String step = state.contains(".") ? state.substring(0, state.indexOf('.')) : state;
          if (AslCompiler.JOURNEY_STATES.contains(step)) {
            continue;
          }
          // A send under a send window loops through its own states: one step entered once.
          if (steps.isEmpty() || !steps.get(steps.size() - 1).equals(step)) {
            steps.add(step);
          }
        }
        token = page.nextToken();
      } while (token != null);
      return steps;
    }
  }

  static String tag(Outbox.Message m, String name) {
    List<String> values = m.tags().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The contact a message was sent to, from the tag every Nudge send carries (base64url of the id). */
  static String contactOf(Outbox.Message m) {
    String encoded = tag(m, "contact");
    if (encoded == null) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
