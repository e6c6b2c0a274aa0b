package dev.nudge.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.Workflow;
import java.util.List;
import java.util.Map;

/**
 * A/B tests as the statistics API reports them: for each split step, its arms side by side (the
 * step each arm leads to, with its sample size and rates), and for each pair of arms that sent
 * messages a two-proportion z-test of their open and click rates:
 * {@code z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))}, {@code p} the pooled rate, {@code n} the
 * delivered messages, and the two-sided p-value {@code 2 (1 - Phi(|z|))}. A p-value under 0.05 is
 * the usual "significant". The normal CDF is computed here (Abramowitz and Stegun 7.1.26, error
 * under 1.5e-7) rather than pulling in a statistics library for one function.
 */
public final class SplitTests {
  private SplitTests() {}

  static ArrayNode report(Workflow workflow, Map<String, Map<String, StepStats.Counter>> steps) {
    ArrayNode splits = Json.mapper().createArrayNode();
    for (Step step : workflow.steps()) {
      if (!(step.action() instanceof Step.Split split)) {
        continue;
      }
      ObjectNode s = splits.addObject().put("step", step.id());
      ArrayNode arms = s.putArray("arms");
      for (Step.Arm arm : split.arms()) {
        Map<String, StepStats.Counter> c = steps.getOrDefault(arm.next(), Map.of());
        ObjectNode a = arms.addObject().put("arm", arm.next()).put("percent", arm.percent());
        for (String counter : List.of("entered", "sent", "delivered", "opened", "clicked")) {
          a.put(counter, count(c, counter));
        }
        a.set("openRate", rate(count(c, "opened"), count(c, "delivered")));
        a.set("clickRate", rate(count(c, "clicked"), count(c, "delivered")));
      }
      ArrayNode comparisons = s.putArray("comparisons");
      List<Step.Arm> list = split.arms();
      for (int i = 0; i < list.size(); i++) {
        for (int j = i + 1; j < list.size(); j++) {
          Map<String, StepStats.Counter> a = steps.getOrDefault(list.get(i).next(), Map.of());
          Map<String, StepStats.Counter> b = steps.getOrDefault(list.get(j).next(), Map.of());
          long na = count(a, "delivered");
          long nb = count(b, "delivered");
          if (na == 0 || nb == 0) {
            continue;
          }
          for (String metric : List.of("opened", "clicked")) {
            ObjectNode c = comparisons.addObject().put("a", list.get(i).next()).put("b", list.get(j).next())
                .put("metric", metric.equals("opened") ? "openRate" : "clickRate");
            test(c, count(a, metric), na, count(b, metric), nb);
          }
        }
      }
    }
    return splits;
  }

  /** Puts difference (a - b), z and the two-sided p-value; z and p are null when both rates are 0 or 1. */
  static void test(ObjectNode into, long xa, long na, long xb, long nb) {
    double pa = (double) xa / na;
    double pb = (double) xb / nb;
    double pooled = (double) (xa + xb) / (na + nb);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));
    into.put("difference", round(pa - pb));
    if (se == 0) {
      into.putNull("z").putNull("pValue");
      return;
    }
    double z = (pa - pb) / se;
    into.put("z", round(z));
    into.put("pValue", round(2 * (1 - normalCdf(Math.abs(z)))));
  }

  /** The standard normal CDF through erf (Abramowitz and Stegun 7.1.26). */
  static double normalCdf(double x) {
    double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double erf = 1 - poly * Math.exp(-(x * x) / 2);
    return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  }

  private static long count(Map<String, StepStats.Counter> counters, String name) {
    StepStats.Counter c = counters.get(name);
    return c == null ? 0 : c.count();
  }

  private static com.fasterxml.jackson.databind.JsonNode rate(long n, long d) {
    return d == 0 ? Json.mapper().nullNode() : Json.mapper().getNodeFactory().numberNode(round((double) n / d));
  }

  private static double round(double value) {
    return Math.round(value * 10000.0) / 10000.0;
  }
}
