package dev.nudge.audiences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** The segment-evaluation state machine's Task: one page of a segment's re-evaluation ({@link SegmentEvaluation}). */
public final class SegmentEvaluationHandler implements RequestStreamHandler {
  private final SegmentEvaluation evaluation;

  public SegmentEvaluationHandler() {
    this(wire(Environment.current()));
  }

  public SegmentEvaluationHandler(SegmentEvaluation evaluation) {
    this.evaluation = evaluation;
  }

  private static SegmentEvaluation wire(Environment env) {
    var ddb = AwsClients.dynamoDb();
    SegmentStore store = new SegmentStore(ddb, env.require("WORKFLOWS_TABLE"));
    return new SegmentEvaluation(ddb, env.require("CONTACTS_TABLE"), store, store::parsed,
        ContactStateHandler.segments(env), new SegmentEvaluations(ddb, env.require("WORKFLOWS_TABLE")), env.clock(),
        Integer.parseInt(env.optional("SEGMENT_EVALUATION_PAGE_SIZE").orElse("1000")),
        // Well inside the function's timeout: the page that follows the scan's last read still has to finish.
        Duration.ofSeconds(Long.parseLong(env.optional("SEGMENT_EVALUATION_BUDGET_SECONDS").orElse("60"))),
        Integer.parseInt(env.optional("SEGMENT_EVALUATION_CONCURRENCY").orElse("8")));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.mapper().writeValue(output, evaluation.page(Json.mapper().readTree(input)));
  }
}
