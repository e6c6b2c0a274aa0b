package dev.nudge.audiences;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.workflows.Problem;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The audiences admin API (IAM-signed requests only). {@code PUT /v1/scoring} publishes the
 * lead-scoring rules, {@code GET /v1/scoring} returns them; {@code PUT /v1/segments/{id}} saves a
 * segment, {@code GET /v1/segments} lists them with their sizes, {@code GET /v1/segments/{id}}
 * returns one with its size and a page of members ({@code limit}, {@code after}). Definitions are
 * YAML or JSON; an invalid one is refused with every problem and its path, and nothing is stored.
 * The events-stream consumer applies a save from its next batch; a save that changes the
 * condition also starts a re-evaluation of the existing contacts ({@link SegmentEvaluation}),
 * whose progress {@code GET /v1/segments/{id}} shows as {@code evaluation}. Saving the same
 * definition again changes nothing and starts nothing.
 */
public final class AudiencesAdminHandler extends HttpApiHandler {
  /** A rules file is small; a larger body is a mistake, not a scoring model. */
  static final int MAX_BYTES = 64 * 1024;

  static final int MAX_PAGE = 1000;

  private final ScoringStore store;
  private final SegmentStore segments;
  private final SegmentMembers members;
  private final ListMembers lists;
  private final Clock clock;
  private final SegmentEvaluations evaluations;
  private final dev.nudge.journeys.Executions executions;
  private final String evaluationStateMachineArn;
  /** Contacts per list call: bounded so one call stays well inside the function's timeout. */
  static final int MAX_LIST_BATCH = 100;

  public AudiencesAdminHandler() {
    this(Environment.current());
  }

  private AudiencesAdminHandler(Environment env) {
    this(new ScoringStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")),
        new SegmentStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")),
        new SegmentMembers(AwsClients.dynamoDb(), env.require("SEGMENTS_TABLE")),
        new ListMembers(AwsClients.dynamoDb(), env.require("CONTACTS_TABLE"),
            new dev.nudge.contacts.EventRepository(AwsClients.dynamoDb(), env.require("EVENTS_TABLE")), env.clock(),
            java.time.Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400")))), env.clock(),
        new SegmentEvaluations(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")),
        dev.nudge.journeys.SfnExecutions.onFirstUse(dev.nudge.journeys.StepFunctionsClient::get),
        env.optional("SEGMENT_EVALUATION_STATE_MACHINE_ARN").orElse(null));
  }

  /** Without re-evaluation: a saved segment applies from each contact's next event or timer. */
  public AudiencesAdminHandler(ScoringStore store, SegmentStore segments, SegmentMembers members, ListMembers lists,
      Clock clock) {
    this(store, segments, members, lists, clock, null, null, null);
  }

  /**
   * {@code evaluations}, {@code executions}, {@code evaluationStateMachineArn}: a segment saved
   * with a new condition starts a run of that state machine over the existing contacts (null: none).
   */
  public AudiencesAdminHandler(ScoringStore store, SegmentStore segments, SegmentMembers members, ListMembers lists,
      Clock clock, SegmentEvaluations evaluations, dev.nudge.journeys.Executions executions,
      String evaluationStateMachineArn) {
    super("audiences-admin");
    this.evaluations = evaluations;
    this.executions = executions;
    this.evaluationStateMachineArn = evaluationStateMachineArn;
    this.lists = lists;
    this.store = store;
    this.segments = segments;
    this.members = members;
    this.clock = clock;
    route("GET /v1/scoring", r -> get());
    route("PUT /v1/scoring", this::put);
    route("GET /v1/segments", r -> listSegments());
    route("GET /v1/segments/{id}", this::getSegment);
    route("PUT /v1/segments/{id}", this::putSegment);
    route("POST /v1/lists/{list}/members", this::listMembers);
  }

  /** {@code {"add": [contact ids], "remove": [contact ids]}}: at most 100 in all; each contact's result. */
  private HttpResponse listMembers(HttpRequest request) {
    String list = request.pathParameters().getOrDefault("list", "");
    if (!list.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,99}")) {
      throw ApiException.invalid("list", "a list name of letters, digits, _ and - (at most 100)");
    }
    com.fasterxml.jackson.databind.JsonNode body = Json.parseBody(request.body());
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "a JSON object with add and/or remove, lists of contact ids");
    }
    for (String field : List.of("add", "remove")) {
      com.fasterxml.jackson.databind.JsonNode ids = body.path(field);
      if (body.has(field) && (!ids.isArray() || java.util.stream.StreamSupport.stream(ids.spliterator(), false)
          .anyMatch(id -> !id.isTextual() || !id.asText().matches("[A-Za-z0-9_.:@-]{1,128}")))) {
        throw ApiException.invalid(field, "a list of contact ids (1 to 128 letters, digits and _ . : @ -)");
      }
    }
    body.fieldNames().forEachRemaining(f -> {
      if (!f.equals("add") && !f.equals("remove")) {
        throw ApiException.invalid(f, "unknown field (add, remove)");
      }
    });
    int total = body.path("add").size() + body.path("remove").size();
    if (total == 0 || total > MAX_LIST_BATCH) {
      throw ApiException.invalid(body.has("add") ? "add" : "remove", "1 to " + MAX_LIST_BATCH + " contact ids in all");
    }
    ObjectNode out = Json.object().put("list", list);
    ArrayNode results = out.putArray("results");
    body.path("add").forEach(id -> results.addObject().put("contactId", id.asText())
        .put("result", lists.add(list, id.asText()).name().toLowerCase(java.util.Locale.ROOT)));
    body.path("remove").forEach(id -> results.addObject().put("contactId", id.asText())
        .put("result", lists.remove(list, id.asText()).name().toLowerCase(java.util.Locale.ROOT)));
    return HttpResponse.json(200, out);
  }

  private HttpResponse listSegments() {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("segments");
    for (SegmentStore.Stored s : segments.all()) {
      list.addObject().put("id", s.id()).put("name", s.name()).put("version", s.version())
          .put("savedAt", Times.format(s.savedAt())).put("size", members.size(s.id()));
    }
    return HttpResponse.json(200, body);
  }

  private HttpResponse getSegment(HttpRequest request) {
    String id = request.pathParameters().getOrDefault("id", "");
    SegmentStore.Stored stored = segments.find(id)
        .orElseThrow(() -> new ApiException(404, "not_found", "no segment " + id, null));
    int limit = 100;
    String rawLimit = request.queryParameters().get("limit");
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw ApiException.invalid("limit", "a whole number from 1 to " + MAX_PAGE);
      }
    }
    String after = request.queryParameters().get("after");
    SegmentMembers.Page page = members.members(id, limit, after);
    ObjectNode body = Json.object();
    body.put("id", stored.id()).put("name", stored.name()).put("version", stored.version())
        .put("savedAt", Times.format(stored.savedAt())).put("definition", stored.definition())
        .put("size", members.size(id));
    putEvaluation(body, id);
    ArrayNode list = body.putArray("members");
    page.contactIds().forEach(list::add);
    body.put("next", page.next());
    return HttpResponse.json(200, body);
  }

  private HttpResponse putSegment(HttpRequest request) {
    String id = request.pathParameters().getOrDefault("id", "");
    if (!Segment.ID.matcher(id).matches()) {
      throw ApiException.invalid("id", "a segment id of lower-case letters, digits and -");
    }
    byte[] raw = request.body() == null ? new byte[0] : request.body();
    if (raw.length > MAX_BYTES) {
      throw ApiException.invalid("body", "at most " + MAX_BYTES + " bytes of segment definition");
    }
    String text = request.bodyText();
    Segment.Parsed parsed = Segment.parse(text, id);
    if (!parsed.problems().isEmpty()) {
      return invalid("invalid_segment", parsed.problems());
    }
    java.util.Optional<SegmentStore.Stored> before = segments.find(id);
    boolean conditionChanged = before.isEmpty() || !SegmentStore.sameCondition(before.get().definition(), text);
    if (before.isPresent() && before.get().definition().equals(text)) {
      // The same definition again: no new version, and no new run; a run whose start was lost
      // (the request failed after saving) is started now under its own name, so never twice, and
      // a failed run is started again.
      resumeEvaluation(id);
    } else {
      if (!segments.save(parsed.segment(), text, before.map(SegmentStore.Stored::version).orElse(0), clock.instant())) {
        throw new ApiException(409, "conflict", "the segment was saved at the same time; retry", null);
      }
      if (conditionChanged) {
        startEvaluation(id, segments.find(id).orElseThrow().version());
      }
    }
    SegmentStore.Stored saved = segments.find(id).orElseThrow();
    log().info("segment saved", Map.of("segment", id, "version", saved.version(), "conditionChanged", conditionChanged));
    ObjectNode body = Json.object();
    body.put("id", saved.id()).put("name", saved.name()).put("version", saved.version())
        .put("savedAt", Times.format(saved.savedAt())).put("definition", saved.definition())
        .put("size", members.size(id));
    putEvaluation(body, id);
    return HttpResponse.json(200, body);
  }

  /** The execution of a run is named by the segment, the version whose condition it evaluates and the attempt. */
  static String executionName(String segment, int version, int attempt) {
    return "segment-" + segment + "-v" + version + (attempt == 0 ? "" : "-r" + attempt);
  }

  private void startEvaluation(String id, int version) {
    if (evaluations == null || evaluationStateMachineArn == null) {
      return;
    }
    if (!evaluations.start(id, version, clock.instant())) {
      return; // a newer condition's run exists already
    }
    ObjectNode input = Json.object().put("segment", id).put("version", version).put("page", 0);
    input.putNull("cursor");
    executions.start(evaluationStateMachineArn, executionName(id, version, 0), input);
  }

  private void resumeEvaluation(String id) {
    if (evaluations == null || evaluationStateMachineArn == null) {
      return;
    }
    SegmentEvaluations.Evaluation run = evaluations.find(id).orElse(null);
    if (run == null) {
      return;
    }
    int attempt = run.attempt();
    if (run.state().equals("failed")) {
      // A run that failed past its retries starts again from the first contact, as a new attempt;
      // what it changed already is not changed (or written) twice.
      attempt = evaluations.restart(id, run.version(), clock.instant()).orElse(-1);
    } else if (!run.state().equals("running")) {
      return;
    }
    if (attempt < 0) {
      return;
    }
    ObjectNode input = Json.object().put("segment", id).put("version", run.version()).put("page", 0);
    input.putNull("cursor");
    executions.start(evaluationStateMachineArn, executionName(id, run.version(), attempt), input);
  }

  /** {@code evaluation}: the latest re-evaluation run, or null before any. */
  private void putEvaluation(ObjectNode body, String id) {
    SegmentEvaluations.Evaluation run = evaluations == null ? null : evaluations.find(id).orElse(null);
    if (run == null) {
      body.putNull("evaluation");
      return;
    }
    body.putObject("evaluation").put("version", run.version()).put("state", run.state())
        .put("contactsEvaluated", run.contactsEvaluated()).put("entered", run.entered()).put("exited", run.exited())
        .put("pages", run.pages()).put("attempt", run.attempt()).put("startedAt", Times.format(run.startedAt()))
        .put("finishedAt", run.finishedAt() == null ? null : Times.format(run.finishedAt()));
  }

  private static HttpResponse invalid(String code, List<Problem> problems) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", problems.get(0).path() + ": " + problems.get(0).message());
    error.put("field", problems.get(0).path());
    error.set("problems", problems(problems));
    return HttpResponse.json(400, body);
  }

  private HttpResponse get() {
    ScoringStore.Stored stored = store.current()
        .orElseThrow(() -> new ApiException(404, "not_found", "no scoring rules are published", null));
    return HttpResponse.json(200, body(stored));
  }

  private HttpResponse put(HttpRequest request) {
    byte[] raw = request.body() == null ? new byte[0] : request.body();
    if (raw.length > MAX_BYTES) {
      throw ApiException.invalid("body", "at most " + MAX_BYTES + " bytes of scoring rules");
    }
    String text = request.bodyText();
    ScoringRules.Parsed parsed = ScoringRules.parse(text);
    if (!parsed.problems().isEmpty()) {
      return invalid("invalid_scoring", parsed.problems());
    }
    int current = store.current().map(ScoringStore.Stored::version).orElse(0);
    if (!store.save(text, current, clock.instant())) {
      throw new ApiException(409, "conflict", "the scoring rules were published at the same time; retry", null);
    }
    ScoringStore.Stored saved = store.current().orElseThrow();
    log().info("published", Map.of("version", saved.version(), "rules", parsed.rules().rules().size()));
    return HttpResponse.json(200, body(saved));
  }

  private static ObjectNode body(ScoringStore.Stored stored) {
    ObjectNode body = Json.object();
    body.put("version", stored.version());
    body.put("savedAt", Times.format(stored.savedAt()));
    body.put("definition", stored.definition());
    ScoringRules rules = ScoringRules.parse(stored.definition()).rules();
    if (rules != null) {
      ArrayNode thresholds = body.putArray("thresholds");
      rules.thresholds().forEach(t -> thresholds.addObject().put("name", t.name()).put("score", t.score()));
      body.put("rules", rules.rules().size());
    }
    return body;
  }

  private static ArrayNode problems(List<Problem> problems) {
    ArrayNode out = Json.mapper().createArrayNode();
    problems.forEach(p -> out.addObject().put("path", p.path()).put("message", p.message()));
    return out;
  }
}
