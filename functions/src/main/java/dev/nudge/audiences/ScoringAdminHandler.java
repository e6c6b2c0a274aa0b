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
 * {@code PUT /v1/scoring} publishes the lead-scoring rules (YAML or JSON body; refused with every
 * problem and its path, nothing stored, when invalid); {@code GET /v1/scoring} returns them.
 * IAM-signed requests only. The events-stream consumer applies a publish from its next batch.
 */
public final class ScoringAdminHandler extends HttpApiHandler {
  /** A rules file is small; a larger body is a mistake, not a scoring model. */
  static final int MAX_BYTES = 64 * 1024;

  private final ScoringStore store;
  private final Clock clock;

  public ScoringAdminHandler() {
    this(Environment.current());
  }

  private ScoringAdminHandler(Environment env) {
    this(new ScoringStore(AwsClients.dynamoDb(), env.require("WORKFLOWS_TABLE")), env.clock());
  }

  public ScoringAdminHandler(ScoringStore store, Clock clock) {
    super("scoring-admin");
    this.store = store;
    this.clock = clock;
    route("GET /v1/scoring", r -> get());
    route("PUT /v1/scoring", this::put);
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
      ObjectNode body = Json.object();
      ObjectNode error = body.putObject("error");
      error.put("code", "invalid_scoring");
      error.put("message", parsed.problems().get(0).path() + ": " + parsed.problems().get(0).message());
      error.put("field", parsed.problems().get(0).path());
      error.set("problems", problems(parsed.problems()));
      return HttpResponse.json(400, body);
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
    ArrayNode out = Json.MAPPER.createArrayNode();
    problems.forEach(p -> out.addObject().put("path", p.path()).put("message", p.message()));
    return out;
  }
}
