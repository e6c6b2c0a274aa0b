package dev.nudge.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.workflows.Durations;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.WorkflowParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Lead scoring as code: points per event type (with a filter), caps per period, thresholds with
 * names (MQL, SQL) and a half-life for decay. Written in YAML like workflows, validated with every
 * problem named by its path, applied by the events-stream consumer ({@link LeadScores}).
 *
 * <pre>
 * halfLife: P30D
 * thresholds:
 *   - { name: MQL, score: 50 }
 * rules:
 *   - id: pricing-page
 *     event: page.viewed
 *     where: { properties.path: /pricing }
 *     points: 5
 *     cap: { points: 15, per: P1D }
 * </pre>
 */
public record ScoringRules(List<Rule> rules, List<Threshold> thresholds, Duration halfLife) {
  public static final ScoringRules NONE = new ScoringRules(List.of(), List.of(), null);
  static final int MAX_RULES = 100;
  static final int MAX_POINTS = 1_000;
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");
  private static final Pattern EVENT_TYPE = dev.nudge.tracking.EventTypes.PATTERN;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");

  public ScoringRules {
    rules = List.copyOf(rules);
    thresholds = List.copyOf(thresholds);
  }

  /** {@code cap}: at most {@code points} from this rule per {@code per}; null for none. */
  public record Rule(String id, String event, Filter where, int points, Cap cap) {}

  public record Cap(int points, Duration per) {}

  public record Threshold(String name, long score) {}

  public record Parsed(ScoringRules rules, List<Problem> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }
  }

  public List<Rule> matching(String eventType) {
    return rules.stream().filter(r -> r.event().equals(eventType)).toList();
  }

  /** Parses YAML (or JSON, which is YAML); every problem is reported with its JSON-pointer path. */
  public static Parsed parse(String text) {
    Definitions.Read read = Definitions.read(text);
    if (read.problem() != null) {
      return new Parsed(null, List.of(read.problem()));
    }
    JsonNode tree = read.tree();
    List<Problem> problems = new ArrayList<>();
    if (tree == null || !tree.isObject()) {
      problems.add(new Problem(null, "", "a map with rules, thresholds and halfLife"));
      return new Parsed(null, problems);
    }
    tree.fieldNames().forEachRemaining(f -> {
      if (!Set.of("rules", "thresholds", "halfLife").contains(f)) {
        problems.add(new Problem(null, "/" + f, "unknown field (rules, thresholds, halfLife)"));
      }
    });
    Duration halfLife = null;
    if (tree.has("halfLife")) {
      halfLife = duration(tree.get("halfLife"), "/halfLife", Duration.ofDays(1), problems).orElse(null);
    }
    List<Rule> rules = new ArrayList<>();
    JsonNode ruleNodes = tree.path("rules");
    if (!ruleNodes.isArray() || ruleNodes.isEmpty()) {
      problems.add(new Problem(null, "/rules", "a list of at least one rule"));
    } else if (ruleNodes.size() > MAX_RULES) {
      problems.add(new Problem(null, "/rules", "at most " + MAX_RULES + " rules"));
    } else {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < ruleNodes.size(); i++) {
        rule(ruleNodes.get(i), "/rules/" + i, ids, problems).ifPresent(rules::add);
      }
    }
    List<Threshold> thresholds = new ArrayList<>();
    JsonNode thresholdNodes = tree.path("thresholds");
    if (tree.has("thresholds") && !thresholdNodes.isArray()) {
      problems.add(new Problem(null, "/thresholds", "a list of {name, score}"));
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < thresholdNodes.size(); i++) {
        String path = "/thresholds/" + i;
        JsonNode t = thresholdNodes.get(i);
        String name = t.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
          problems.add(new Problem(null, path + "/name", "a name such as MQL (letters, digits, _ and -)"));
        } else if (!names.add(name)) {
          problems.add(new Problem(null, path + "/name", "a second threshold named " + name));
        }
        if (!t.path("score").canConvertToLong() || !t.path("score").isIntegralNumber() || t.path("score").asLong() <= 0) {
          problems.add(new Problem(null, path + "/score", "a positive whole number"));
        } else {
          thresholds.add(new Threshold(name, t.path("score").asLong()));
        }
      }
    }
    if (!problems.isEmpty()) {
      return new Parsed(null, problems);
    }
    return new Parsed(new ScoringRules(rules, thresholds, halfLife), problems);
  }

  private static Optional<Rule> rule(JsonNode node, String path, Set<String> ids, List<Problem> problems) {
    int before = problems.size();
    if (!node.isObject()) {
      problems.add(new Problem(null, path, "a rule: {id, event, points}"));
      return Optional.empty();
    }
    node.fieldNames().forEachRemaining(f -> {
      if (!Set.of("id", "event", "where", "points", "cap").contains(f)) {
        problems.add(new Problem(null, path + "/" + f, "unknown field (id, event, where, points, cap)"));
      }
    });
    String id = node.path("id").asText("");
    if (!ID.matcher(id).matches()) {
      problems.add(new Problem(null, path + "/id", "an id of lower-case letters, digits and -"));
    } else if (!ids.add(id)) {
      problems.add(new Problem(null, path + "/id", "a second rule with id " + id));
    }
    String event = node.path("event").asText("");
    if (!EVENT_TYPE.matcher(event).matches()) {
      problems.add(new Problem(null, path + "/event", "an event type such as page.viewed"));
    } else if (event.startsWith("score.")) {
      // A score change scored again would feed on itself.
      problems.add(new Problem(null, path + "/event", "score events cannot earn points"));
    }
    Filter where = Filter.ALWAYS;
    if (node.has("where")) {
      try {
        where = WorkflowParser.parseFilter(node.get("where"));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(null, path + "/where", e.getMessage()));
      }
    }
    JsonNode pointsNode = node.path("points");
    int points = 0;
    if (!pointsNode.isIntegralNumber() || pointsNode.asLong() == 0 || Math.abs(pointsNode.asLong()) > MAX_POINTS) {
      problems.add(new Problem(null, path + "/points", "a whole number from -" + MAX_POINTS + " to " + MAX_POINTS
          + ", not 0 (negative to subtract)"));
    } else {
      points = pointsNode.asInt();
    }
    Cap cap = null;
    if (node.has("cap")) {
      JsonNode c = node.get("cap");
      JsonNode capPoints = c.path("points");
      if (!capPoints.isIntegralNumber() || capPoints.asLong() <= 0) {
        problems.add(new Problem(null, path + "/cap/points", "a positive whole number"));
      } else if (points < 0) {
        problems.add(new Problem(null, path + "/cap", "only rules that add points have a cap"));
      }
      Optional<Duration> per = duration(c.path("per"), path + "/cap/per", Duration.ofMinutes(1), problems);
      if (problems.size() == before) {
        cap = new Cap(capPoints.asInt(), per.orElseThrow());
      }
    }
    return problems.size() == before ? Optional.of(new Rule(id, event, where, points, cap)) : Optional.empty();
  }

  private static Optional<Duration> duration(JsonNode node, String path, Duration min, List<Problem> problems) {
    Optional<Duration> parsed = node.isTextual() ? Durations.parse(node.asText()) : Optional.empty();
    if (parsed.isEmpty() || parsed.get().compareTo(min) < 0) {
      problems.add(new Problem(null, path, "an ISO-8601 duration of at least " + Durations.format(min) + ", such as P30D"));
      return Optional.empty();
    }
    return parsed;
  }
}
