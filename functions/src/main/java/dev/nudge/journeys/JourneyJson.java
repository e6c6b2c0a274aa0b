package dev.nudge.journeys;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.platform.Times;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** Journey records as the contact API shows them (docs/openapi.yaml: Journey), newest first. */
public final class JourneyJson {
  private JourneyJson() {}

  public static ArrayNode journeys(List<JourneyRecord> journeys) {
    ArrayNode out = Json.mapper().createArrayNode();
    journeys.stream().sorted(Comparator.comparing(JourneyRecord::startedAt).reversed()).forEach(j -> {
      ObjectNode o = out.addObject();
      o.put("workflowId", j.workflowId());
      o.put("version", j.version());
      o.put("executionArn", j.executionArn());
      o.put("status", j.status().wireName());
      o.put("outcome", j.outcome() == null ? null : j.outcome().wireName());
      o.put("currentStep", j.currentStep());
      o.put("startedAt", Times.format(j.startedAt()));
      o.put("endedAt", format(j.endedAt()));
      o.put("convertedAt", format(j.convertedAt()));
      o.put("error", j.error());
    });
    return out;
  }

  private static String format(Instant instant) {
    return instant == null ? null : Times.format(instant);
  }
}
