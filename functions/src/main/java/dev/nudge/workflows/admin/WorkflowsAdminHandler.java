package dev.nudge.workflows.admin;

import dev.nudge.stats.StepStats;
import dev.nudge.stats.WorkflowStatsReport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.journeys.JourneyRuntime;
import dev.nudge.journeys.SfnExecutions;
import dev.nudge.journeys.StepFunctionsClient;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import dev.nudge.messaging.StoredTemplateCatalog;
import dev.nudge.messaging.TemplateStore;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.TemplateCatalog;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.WorkflowPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The workflow admin API (IAM-signed requests only; the template puts the AWS_IAM authorizer on
 * every route): drafts, validation, publishing, pause, resume, archive, list, and one workflow with
 * its version history. Drafts are sent as the definition itself (YAML or JSON body).
 */
public final class WorkflowsAdminHandler extends HttpApiHandler {
  private final WorkflowAdmin admin;
  private final dev.nudge.journeys.broadcast.BroadcastAdmin broadcasts;

  public WorkflowsAdminHandler() {
    this(Environment.current());
  }

  private WorkflowsAdminHandler(Environment env) {
    this(env, JourneyRuntime.of(env, AwsClients.dynamoDb(), new SfnExecutions(StepFunctionsClient.get())));
  }

  private WorkflowsAdminHandler(Environment env, JourneyRuntime runtime) {
    this(admin(env, runtime),
        env.optional("STATS_TABLE").map(table -> new StepStats(AwsClients.dynamoDb(), table)).orElse(null),
        env.optional("BROADCAST_STATE_MACHINE_ARN").map(arn -> new dev.nudge.journeys.broadcast.BroadcastAdmin(
            runtime.store(), new dev.nudge.audiences.SegmentStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")),
            new dev.nudge.journeys.broadcast.BroadcastRuns(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")),
            runtime.executions(), arn, runtime.clock())).orElse(null));
  }

  private static WorkflowAdmin admin(Environment env, JourneyRuntime runtime) {
    WorkflowPublisher publisher = new WorkflowPublisher(StepFunctionsClient.get(), env.require("WORKFLOW_ROLE_ARN"),
        env.require("STEP_FUNCTION_ARN"));
    return new WorkflowAdmin(runtime.store(), catalog(env), publisher::publish, runtime.journeys(),
        runtime.entry(), runtime.executions(), runtime.clock());
  }

  /** Validation sees the bundled templates and, when the stack has a templates table, the stored ones. */
  private static TemplateCatalog catalog(Environment env) {
    BundledTemplates bundled = new BundledTemplates();
    return env.optional("TEMPLATES_TABLE").<TemplateCatalog>map(
        table -> new StoredTemplateCatalog(bundled, new TemplateStore(AwsClients.dynamoDb(), table))).orElse(bundled);
  }

  public WorkflowsAdminHandler(WorkflowAdmin admin) {
    this(admin, null);
  }

  /** {@code stats}: the statistics table's reader; null when the stack keeps none (the route then answers 404). */
  public WorkflowsAdminHandler(WorkflowAdmin admin, StepStats stats) {
    this(admin, stats, null);
  }

  /** {@code broadcasts}: null when the stack has no broadcast state machine (the routes then answer 404). */
  public WorkflowsAdminHandler(WorkflowAdmin admin, StepStats stats, dev.nudge.journeys.broadcast.BroadcastAdmin broadcasts) {
    super("workflows-admin");
    this.admin = admin;
    this.broadcasts = broadcasts;
    route("POST /v1/workflows/{id}/broadcast", this::broadcast);
    route("GET /v1/workflows/{id}/broadcasts/{run}", r -> {
      requireBroadcasts();
      return HttpResponse.json(200, run(broadcasts.find(id(r), r.pathParameters().getOrDefault("run", ""))
          .orElseThrow(() -> new ApiException(404, "not_found", "no such broadcast run", "run"))));
    });
    route("GET /v1/workflows/{id}/stats", r -> {
      admin.find(id(r)); // 404 for an unknown workflow, like the other routes
      if (stats == null) {
        throw new ApiException(404, "not_found", "this stack keeps no statistics table", null);
      }
      WorkflowStore.Meta meta = admin.find(id(r));
      StatsRange range = StatsRange.of(r.queryParameters());
      ObjectNode report = WorkflowStatsReport.of(id(r), range == null ? stats.read(id(r)) : stats.read(id(r), range.from(),
          range.to()), meta.published() ? meta.live() : null);
      if (range != null) {
        report.putObject("range").put("from", range.from().toString()).put("to", range.to().toString())
            .put("granularity", "utc-day");
      }
      return HttpResponse.json(200, report);
    });
    route("GET /v1/workflows", r -> list());
    route("GET /v1/workflows/{id}", r -> get(id(r)));
    route("PUT /v1/workflows/{id}", this::saveDraft);
    route("POST /v1/workflows/{id}/validate", r -> validation(admin.validate(id(r)), 200));
    route("POST /v1/workflows/{id}/publish", this::publish);
    route("POST /v1/workflows/{id}/trigger", this::trigger);
    route("POST /v1/workflows/{id}/pause", r -> HttpResponse.json(200, summary(admin.pause(id(r)))));
    route("POST /v1/workflows/{id}/resume", r -> HttpResponse.json(200, summary(admin.resume(id(r)))));
    route("POST /v1/workflows/{id}/archive", r -> {
      WorkflowAdmin.Archived archived = admin.archive(id(r));
      ObjectNode body = summary(archived.meta());
      body.put("journeysStopped", archived.journeysStopped());
      return HttpResponse.json(200, body);
    });
  }

  private void requireBroadcasts() {
    if (broadcasts == null) {
      throw new ApiException(404, "not_found", "this stack has no broadcast state machine", null);
    }
  }

  /**
   * {@code {"id": <run id>, "segment": <segment> | "list": <list>, "where": {...}, "data": {...}}}:
   * every member of the segment or list that passes where into the workflow.
   */
  private HttpResponse broadcast(HttpRequest request) {
    requireBroadcasts();
    JsonNode body = Json.parseBody(request.body());
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "a JSON object with id, segment or list, optional where and data");
    }
    String run = body.path("id").asText("");
    if (!body.path("id").isTextual() || !run.matches("[A-Za-z0-9_-]{1,64}")) {
      throw ApiException.invalid("id", "a run id of 1 to 64 letters, digits, _ and - (repeating it starts nothing twice)");
    }
    var audience = dev.nudge.journeys.broadcast.BroadcastAudience.fromBody(body);
    if (body.has("data") && !body.get("data").isObject()) {
      throw ApiException.invalid("data", "an object, the journeys' $.trigger.data");
    }
    dev.nudge.journeys.broadcast.BroadcastAdmin.Started started = broadcasts.start(id(request), run, audience, body.get("data"));
    return HttpResponse.json(started.created() ? 202 : 200, run(started.run()));
  }

  private static ObjectNode run(dev.nudge.journeys.broadcast.BroadcastRuns.Run run) {
    ObjectNode out = Json.object();
    out.put("workflow", run.workflow()).put("run", run.run());
    if (run.segment() != null) {
      out.put("segment", run.segment());
    } else {
      out.put("list", run.list());
    }
    if (run.where() != null) {
      out.set("where", run.where());
    }
    out.put("status", run.status())
        .put("startedAt", Times.format(run.startedAt()))
        .put("finishedAt", run.finishedAt() == null ? null : Times.format(run.finishedAt()))
        .put("pages", run.pages()).put("reached", run.reached()).put("skipped", run.skipped());
    ObjectNode by = out.putObject("skippedBy");
    run.skippedBy().forEach(by::put);
    return out;
  }

  /** {@code {"contactId": ..., "id": <request id>, "data": {...}}}: one contact into an api-triggered workflow. */
  private HttpResponse trigger(HttpRequest request) {
    JsonNode body = Json.parseBody(request.body());
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "a JSON object with contactId, id and optional data");
    }
    String contactId = body.path("contactId").asText("");
    if (!body.path("contactId").isTextual() || !contactId.matches("[A-Za-z0-9_.:@-]{1,128}")) {
      throw ApiException.invalid("contactId", "a contact id of 1 to 128 letters, digits and _ . : @ -");
    }
    String requestId = body.path("id").asText("");
    if (!body.path("id").isTextual() || !requestId.matches("[A-Za-z0-9_.:-]{1,128}")) {
      throw ApiException.invalid("id", "a request id of 1 to 128 letters, digits and _ . : - (repeating it starts nothing twice)");
    }
    if (body.has("data") && !body.get("data").isObject()) {
      throw ApiException.invalid("data", "an object, the journey's $.trigger.data");
    }
    dev.nudge.journeys.JourneyEntry.Result result = admin.trigger(id(request), contactId, requestId, body.get("data"));
    int status = switch (result) {
      case STARTED -> 202;
      case DUPLICATE -> 200;
      case NO_CONTACT -> 404;
      case NOT_IN_AUDIENCE -> 422;
      default -> 409;
    };
    ObjectNode out = Json.object();
    out.put("workflow", id(request)).put("contactId", contactId).put("id", requestId)
        .put("result", result.name().toLowerCase(java.util.Locale.ROOT));
    return HttpResponse.json(status, out);
  }

  private static String id(HttpRequest request) {
    return request.pathParameters().getOrDefault("id", "");
  }

  private HttpResponse list() {
    ObjectNode body = Json.object();
    ArrayNode workflows = body.putArray("workflows");
    admin.list().forEach(m -> workflows.add(summary(m)));
    return HttpResponse.json(200, body);
  }

  private HttpResponse get(String id) {
    WorkflowStore.Meta meta = admin.find(id);
    ObjectNode body = summary(meta);
    body.put("draft", meta.draft());
    body.put("draftUpdatedAt", format(meta.draftUpdatedAt()));
    body.put("stateMachineArn", meta.stateMachineArn());
    body.put("aliasArn", meta.aliasArn());
    ArrayNode versions = body.putArray("versions");
    for (WorkflowStore.Version v : admin.versions(id)) {
      ObjectNode o = versions.addObject();
      o.put("version", v.version());
      o.put("versionArn", v.versionArn());
      o.put("publishedAt", Times.format(v.publishedAt()));
      o.put("description", v.description());
      o.put("definition", v.definition());
    }
    return HttpResponse.json(200, body);
  }

  private HttpResponse saveDraft(HttpRequest request) {
    String text = request.body() == null ? null : new String(request.body(), StandardCharsets.UTF_8);
    boolean created = admin.list().stream().noneMatch(m -> m.id().equals(id(request)));
    return validation(admin.saveDraft(id(request), text), created ? 201 : 200);
  }

  private HttpResponse publish(HttpRequest request) {
    String description = null;
    if (request.body() != null && request.body().length > 0) {
      JsonNode body = Json.parseBody(request.body());
      if (body != null) {
        if (!body.isObject() || (body.has("description") && !body.get("description").isTextual())) {
          throw ApiException.invalid("description", "the body is {\"description\": \"...\"} or empty");
        }
        description = body.path("description").asText(null);
      }
    }
    try {
      return HttpResponse.json(200, summary(admin.publish(id(request), description)));
    } catch (WorkflowAdmin.InvalidDraftException e) {
      ObjectNode body = Json.object();
      ObjectNode error = body.putObject("error");
      error.put("code", "invalid_workflow");
      error.put("message", e.getMessage());
      error.put("field", e.problems().get(0).path());
      error.set("problems", problems(e.problems()));
      return HttpResponse.json(422, body);
    }
  }

  private static HttpResponse validation(WorkflowAdmin.Validation validation, int status) {
    ObjectNode body = summary(validation.meta());
    body.put("valid", validation.problems().isEmpty());
    body.set("problems", problems(validation.problems()));
    return HttpResponse.json(status, body);
  }

  private static ArrayNode problems(List<Problem> problems) {
    ArrayNode out = Json.mapper().createArrayNode();
    for (Problem p : problems) {
      ObjectNode o = out.addObject();
      o.put("step", p.step());
      o.put("path", p.path());
      o.put("message", p.message());
    }
    return out;
  }

  private static ObjectNode summary(WorkflowStore.Meta meta) {
    ObjectNode o = Json.object();
    o.put("id", meta.id());
    o.put("status", meta.status().wireName());
    o.put("liveVersion", meta.liveVersion());
    o.put("createdAt", format(meta.createdAt()));
    o.put("updatedAt", format(meta.updatedAt()));
    return o;
  }

  private static String format(Instant instant) {
    return instant == null ? null : Times.format(instant);
  }
}
