package dev.nudge.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a workflow definition (YAML or JSON; one model) and reports every structural problem
 * with its path, rather than stopping at the first. Jackson gives us the tree; the model is
 * built by hand because a data-binding failure names one field and stops, and marketers fix
 * definitions faster when they see all their mistakes at once.
 */
public final class WorkflowParser {
  /** Lowercase words and digits joined by hyphens: usable in state names, execution names and URLs. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");
  private static final Pattern EVENT_TYPE = dev.nudge.tracking.EventTypes.PATTERN;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
  // Duplicate keys are refused in both syntaxes: the last one would otherwise win unseen.
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  // The strict request mapper: trailing content, duplicate keys and NaN are problems, not ignored.
  private static final ObjectMapper JSON = dev.nudge.platform.Json.mapper();
  static final List<String> ACTIONS =
      List.of("email", "sms", "wait", "waitFor", "branch", "split", "update", "enroll", "webhook", "exit");

  public record Parsed(Workflow workflow, List<Problem> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }
  }

  private final List<Problem> problems = new ArrayList<>();
  private String step;

  private WorkflowParser() {}

  /** Parses YAML, or JSON when the text starts with '{'. */
  public static Parsed parse(String text) {
    JsonNode tree;
    try {
      tree = text.stripLeading().startsWith("{") ? JSON.readTree(text) : YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      return new Parsed(null, List.of(new Problem(null, "", "not valid YAML or JSON" + where + ": " + e.getOriginalMessage())));
    }
    return parse(tree);
  }

  public static Parsed parse(JsonNode tree) {
    WorkflowParser parser = new WorkflowParser();
    Workflow workflow = parser.workflow(tree == null ? JsonNodeFactory.instance.nullNode() : tree);
    return new Parsed(workflow, parser.problems);
  }

  /** Reads one step alone, as the step-actions function receives it in its payload. */
  public static Step parseStep(JsonNode node) {
    WorkflowParser parser = new WorkflowParser();
    Step step = parser.step(node, "");
    if (!parser.problems.isEmpty()) {
      throw new IllegalArgumentException("invalid step: " + parser.problems);
    }
    return step;
  }

  /** Reads a filter ({@code where}) alone, as stored with a wait registration. */
  public static Filter parseFilter(JsonNode node) {
    WorkflowParser parser = new WorkflowParser();
    Filter filter = parser.filter(node, "");
    if (!parser.problems.isEmpty()) {
      throw new IllegalArgumentException("invalid filter: " + parser.problems);
    }
    return filter;
  }

  /** A condition read alone, with every problem and its path (a segment's definition). */
  public record ConditionParse(Condition condition, List<Problem> problems) {
    public ConditionParse {
      problems = List.copyOf(problems);
    }
  }

  /** Reads a branch condition ({@code when}) alone, as a segment defines its members. */
  public static ConditionParse parseCondition(JsonNode node, String path) {
    WorkflowParser parser = new WorkflowParser();
    Condition condition = parser.condition(node, path);
    return new ConditionParse(parser.problems.isEmpty() ? condition : null, parser.problems);
  }

  /** Reads the settings part of a definition (timezone, sendWindow/quietHours, frequencyCap, onEnd). */
  public static Workflow.Settings parseSettings(JsonNode node) {
    WorkflowParser parser = new WorkflowParser();
    Workflow.Settings settings = parser.settings(node);
    if (!parser.problems.isEmpty()) {
      throw new IllegalArgumentException("invalid settings: " + parser.problems);
    }
    return settings;
  }

  private Workflow workflow(JsonNode root) {
    if (!root.isObject()) {
      problem("", "a workflow is an object with id, trigger and steps");
      return null;
    }
    allow(root, "", "id", "name", "description", "trigger", "reentry", "audience", "goal", "exit",
        "sendWindow", "quietHours", "timezone", "frequencyCap", "onEnd", "steps");
    String id = id(root, "id", "");
    String name = root.hasNonNull("name") ? text(root, "name", "") : id;
    Workflow.Trigger trigger = trigger(root.get("trigger"), "/trigger");
    Workflow.Reentry reentry = reentry(root.get("reentry"), "/reentry");
    Workflow.Audience audience = root.has("audience") ? audience(root.get("audience"), "/audience") : null;
    Workflow.Goal goal = root.has("goal") ? goal(root.get("goal"), "/goal") : null;
    List<Workflow.ExitRule> exits = new ArrayList<>();
    if (root.has("exit")) {
      JsonNode exit = root.get("exit");
      if (!exit.isArray()) {
        problem("/exit", "a list of {event, where}");
      } else {
        for (int i = 0; i < exit.size(); i++) {
          String path = "/exit/" + i;
          JsonNode e = exit.get(i);
          if (object(e, path)) {
            allow(e, path, "event", "where");
            exits.add(new Workflow.ExitRule(eventType(e, "event", path), filter(e.get("where"), path + "/where")));
          }
        }
      }
    }
    Workflow.Settings settings = settings(root);
    List<Step> steps = new ArrayList<>();
    JsonNode stepsNode = root.get("steps");
    if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
      problem("/steps", "a workflow needs a non-empty list of steps");
    } else {
      for (int i = 0; i < stepsNode.size(); i++) {
        steps.add(step(stepsNode.get(i), "/steps/" + i));
      }
    }
    return new Workflow(id, name, trigger, reentry, audience, goal, exits, settings, steps);
  }

  private Workflow.Trigger trigger(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      problem(path, "a trigger is required: one of event, segment, list, date, schedule or api");
      return null;
    }
    List<String> kinds = new ArrayList<>(present(node, "event", "segment", "list", "date", "schedule", "api"));
    if (kinds.contains("schedule")) {
      // A schedule names the segment or list its runs reach: there, they are fields, not triggers.
      kinds.remove("segment");
      kinds.remove("list");
    }
    if (kinds.size() != 1) {
      problem(path, "exactly one of event, segment, list, date, schedule or api; found " + (kinds.isEmpty() ? "none" : kinds));
      return null;
    }
    switch (kinds.get(0)) {
      case "segment" -> {
        // Entering a segment is the segment.entered event naming it: the same trigger, written shorter.
        allow(node, path, "segment");
        String segment = name(node, "segment", path);
        return new Workflow.EventTrigger("segment.entered", new Filter(List.of(new Filter.Criterion("properties.segment",
            List.of(new Filter.Comparison(Filter.Operator.EQ, JsonNodeFactory.instance.textNode(segment == null ? "" : segment)))))));
      }
      case "event" -> {
        allow(node, path, "event", "where");
        return new Workflow.EventTrigger(eventType(node, "event", path), filter(node.get("where"), path + "/where"));
      }
      case "list" -> {
        allow(node, path, "list");
        return new Workflow.ListTrigger(name(node, "list", path));
      }
      case "date" -> {
        allow(node, path, "date", "at", "offset", "annual");
        LocalTime at = node.has("at") ? time(node, "at", path) : LocalTime.of(9, 0);
        Duration offset = node.has("offset") ? duration(node, "offset", path, true) : Duration.ZERO;
        boolean annual = node.has("annual") ? bool(node, "annual", path) : false;
        return new Workflow.DateTrigger(name(node, "date", path), at, offset, annual);
      }
      case "schedule" -> {
        allow(node, path, "schedule", "segment", "list", "where");
        String expression = text(node, "schedule", path);
        if (expression != null) {
          try {
            dev.nudge.platform.ScheduleExpression.parse(expression);
          } catch (IllegalArgumentException e) {
            problem(path + "/schedule", "an EventBridge schedule expression, cron(...) or rate(...): " + e.getMessage());
          }
        }
        Filter where = filter(node.get("where"), path + "/where");
        if (node.has("segment") && node.has("list")) {
          problem(path + "/list", "a run reaches a segment or a list, not both: give one of them");
          return new Workflow.ScheduleTrigger(expression, null, null, where);
        }
        if (!node.has("segment") && !node.has("list")) {
          // A where alone would read the whole contacts table on every run: a segment keeps that
          // condition's members up to date as contacts change, and a run pages only them.
          problem(node.has("where") ? path + "/where" : path + "/segment", node.has("where")
              ? "where narrows a segment or a list and needs one of them (alone it would scan every contact each run): "
                  + "give segment or list, or define a segment with this condition"
              : "the segment or list each scheduled run reaches");
          return new Workflow.ScheduleTrigger(expression, null, null, where);
        }
        return new Workflow.ScheduleTrigger(expression, node.has("segment") ? name(node, "segment", path) : null,
            node.has("list") ? name(node, "list", path) : null, where);
      }
      default -> {
        allow(node, path, "api");
        return new Workflow.ApiTrigger();
      }
    }
  }

  private Workflow.Reentry reentry(JsonNode node, String path) {
    if (node == null) {
      return Workflow.Reentry.NEVER;
    }
    if (node.isTextual()) {
      switch (node.asText()) {
        case "never":
          return Workflow.Reentry.NEVER;
        case "always":
          return new Workflow.Reentry(Workflow.Reentry.Mode.ALWAYS, null);
        default:
          problem(path, "never, always, or {cooldown: <ISO duration>}");
          return Workflow.Reentry.NEVER;
      }
    }
    if (object(node, path)) {
      allow(node, path, "cooldown");
      Duration cooldown = duration(node, "cooldown", path, false);
      return new Workflow.Reentry(Workflow.Reentry.Mode.COOLDOWN, cooldown);
    }
    return Workflow.Reentry.NEVER;
  }

  private Workflow.Audience audience(JsonNode node, String path) {
    if (!object(node, path)) {
      return null;
    }
    allow(node, path, "where", "inLists", "notInLists", "consent", "inSegments");
    return new Workflow.Audience(filter(node.get("where"), path + "/where"),
        names(node, "inLists", path), names(node, "notInLists", path),
        node.has("consent") ? channel(node, "consent", path) : null, names(node, "inSegments", path));
  }

  private Workflow.Goal goal(JsonNode node, String path) {
    if (!object(node, path)) {
      return null;
    }
    allow(node, path, "event", "where", "within");
    return new Workflow.Goal(eventType(node, "event", path), filter(node.get("where"), path + "/where"),
        node.has("within") ? duration(node, "within", path, false) : null);
  }

  private Workflow.Settings settings(JsonNode root) {
    String timezone = "UTC";
    if (root.has("timezone")) {
      timezone = zone(root, "timezone", "", false);
    }
    Workflow.SendWindow window = null;
    if (root.has("sendWindow") && root.has("quietHours")) {
      problem("/quietHours", "give either sendWindow or quietHours, not both");
    } else if (root.has("sendWindow")) {
      window = window(root.get("sendWindow"), "/sendWindow", false);
    } else if (root.has("quietHours")) {
      window = window(root.get("quietHours"), "/quietHours", true);
    }
    Workflow.FrequencyCap cap = null;
    if (root.has("frequencyCap") && object(root.get("frequencyCap"), "/frequencyCap")) {
      JsonNode node = root.get("frequencyCap");
      allow(node, "/frequencyCap", "max", "per");
      cap = new Workflow.FrequencyCap(positiveInt(node, "max", "/frequencyCap"), duration(node, "per", "/frequencyCap", false));
    }
    Workflow.OnEnd onEnd = null;
    if (root.has("onEnd") && object(root.get("onEnd"), "/onEnd")) {
      JsonNode node = root.get("onEnd");
      allow(node, "/onEnd", "moveTo", "copyTo", "from");
      List<String> kinds = present(node, "moveTo", "copyTo");
      if (kinds.size() != 1) {
        problem("/onEnd", "exactly one of moveTo or copyTo");
      } else if (kinds.get(0).equals("moveTo")) {
        onEnd = new Workflow.OnEnd(name(node, "moveTo", "/onEnd"), true, name(node, "from", "/onEnd"));
      } else {
        if (node.has("from")) {
          problem("/onEnd/from", "from goes with moveTo; copyTo keeps the contact where it is");
        }
        onEnd = new Workflow.OnEnd(name(node, "copyTo", "/onEnd"), false, null);
      }
    }
    return new Workflow.Settings(window, timezone, cap, onEnd);
  }

  /** Quiet hours {from 21:00, to 08:00} are the send window {from 08:00, to 21:00}. */
  private Workflow.SendWindow window(JsonNode node, String path, boolean quiet) {
    if (!object(node, path)) {
      return null;
    }
    allow(node, path, "from", "to", "days", "timezone");
    LocalTime from = time(node, "from", path);
    LocalTime to = time(node, "to", path);
    if (from != null && from.equals(to)) {
      problem(path + "/to", "from and to are equal: the window would be empty");
    }
    Set<DayOfWeek> days = node.has("days") ? days(node.get("days"), path + "/days") : EnumSet.allOf(DayOfWeek.class);
    String timezone = node.has("timezone") ? zone(node, "timezone", path, true) : Workflow.SendWindow.CONTACT;
    return quiet ? new Workflow.SendWindow(to, from, days, timezone) : new Workflow.SendWindow(from, to, days, timezone);
  }

  private Step step(JsonNode node, String path) {
    step = null;
    if (!object(node, path)) {
      return new Step(null, null, null);
    }
    String id = id(node, "id", path);
    step = id;
    List<String> kinds = present(node, ACTIONS.toArray(String[]::new));
    if (kinds.size() != 1) {
      problem(path, "a step has exactly one action among " + ACTIONS + "; found " + (kinds.isEmpty() ? "none" : kinds));
      return new Step(id, null, reference(node, "next", path));
    }
    String kind = kinds.get(0);
    List<String> allowed = new ArrayList<>(List.of("id", "name", "description", "next", kind));
    if (kind.equals("waitFor")) {
      allowed.addAll(List.of("onEvent", "onTimeout"));
    }
    allow(node, path, allowed.toArray(String[]::new));
    String next = reference(node, "next", path);
    String actionPath = path + "/" + kind;
    JsonNode body = node.get(kind);
    Step.Action action = switch (kind) {
      case "email" -> object(body, actionPath) ? message(body, actionPath, true) : null;
      case "sms" -> object(body, actionPath) ? message(body, actionPath, false) : null;
      case "wait" -> object(body, actionPath) ? waitAction(body, actionPath) : null;
      case "waitFor" -> object(body, actionPath) ? waitFor(node, body, path, actionPath) : null;
      case "branch" -> object(body, actionPath) ? branch(body, actionPath) : null;
      case "split" -> split(body, actionPath);
      case "update" -> object(body, actionPath) ? update(body, actionPath) : null;
      case "enroll" -> {
        if (!object(body, actionPath)) {
          yield null;
        }
        allow(body, actionPath, "workflow");
        yield new Step.Enroll(id(body, "workflow", actionPath));
      }
      case "webhook" -> object(body, actionPath) ? webhook(body, actionPath) : null;
      default -> {
        if (!(body.isBoolean() && body.asBoolean()) && !(body.isObject() && body.isEmpty())) {
          problem(actionPath, "write exit: {} (or exit: true)");
        }
        yield new Step.Exit();
      }
    };
    if (action instanceof Step.Exit && node.has("next")) {
      problem(path + "/next", "an exit step ends the journey; it has no next");
    }
    if ((action instanceof Step.Branch || action instanceof Step.Split || action instanceof Step.WaitFor) && node.has("next")) {
      problem(path + "/next", kind + " chooses its own successors; next is not allowed here");
    }
    return new Step(id, action, next);
  }

  private Step.Message message(JsonNode body, String path, boolean email) {
    allow(body, path, "template");
    String template = name(body, "template", path);
    return email ? new Step.Email(template) : new Step.Sms(template);
  }

  private Step.Wait waitAction(JsonNode body, String path) {
    List<String> kinds = present(body, "duration", "until", "untilDate");
    if (kinds.size() != 1) {
      problem(path, "exactly one of duration, until (a time of day) or untilDate (a date attribute)");
      return null;
    }
    switch (kinds.get(0)) {
      case "duration" -> {
        allow(body, path, "duration");
        Duration duration = duration(body, "duration", path, false);
        return duration == null ? null : new Step.WaitDuration(duration);
      }
      case "until" -> {
        allow(body, path, "until", "days");
        LocalTime time = time(body, "until", path);
        Set<DayOfWeek> days = body.has("days") ? days(body.get("days"), path + "/days") : Set.of();
        return time == null ? null : new Step.WaitUntilTime(time, days);
      }
      default -> {
        allow(body, path, "untilDate", "offset", "at");
        String attribute = name(body, "untilDate", path);
        Duration offset = body.has("offset") ? duration(body, "offset", path, true) : Duration.ZERO;
        LocalTime at = body.has("at") ? time(body, "at", path) : LocalTime.of(9, 0);
        return new Step.WaitUntilDate(attribute, offset == null ? Duration.ZERO : offset, at);
      }
    }
  }

  private Step.WaitFor waitFor(JsonNode node, JsonNode body, String stepPath, String path) {
    allow(body, path, "event", "where", "step", "timeout");
    String event = eventType(body, "event", path);
    Filter where = filter(body.get("where"), path + "/where");
    String tiedTo = body.has("step") ? id(body, "step", path) : null;
    Duration timeout = duration(body, "timeout", path, false);
    return new Step.WaitFor(event, where, tiedTo, timeout,
        reference(node, "onEvent", stepPath), reference(node, "onTimeout", stepPath));
  }

  private Step.Branch branch(JsonNode body, String path) {
    allow(body, path, "cases", "default");
    JsonNode cases = body.get("cases");
    List<Step.Case> result = new ArrayList<>();
    if (cases == null || !cases.isArray() || cases.isEmpty()) {
      problem(path + "/cases", "a branch needs a non-empty list of cases {when, next}");
    } else {
      for (int i = 0; i < cases.size(); i++) {
        String casePath = path + "/cases/" + i;
        JsonNode c = cases.get(i);
        if (object(c, casePath)) {
          allow(c, casePath, "when", "next");
          Condition when = condition(c.get("when"), casePath + "/when");
          String next = reference(c, "next", casePath);
          if (next == null) {
            problem(casePath + "/next", "required: the step to go to when this case holds");
          }
          result.add(new Step.Case(when, next));
        }
      }
    }
    String otherwise = reference(body, "default", path);
    return new Step.Branch(result, otherwise);
  }

  private Condition condition(JsonNode node, String path) {
    if (node == null || !node.isObject() || node.isEmpty()) {
      problem(path, "a condition: where, score, inList, notInList, inSegment, notInSegment, consent, event, all, any or not");
      return null;
    }
    List<Condition> parts = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String p = path + "/" + field.getKey();
      JsonNode v = field.getValue();
      switch (field.getKey()) {
        case "where" -> parts.add(new Condition.Where(filter(v, p)));
        case "score" -> parts.add(new Condition.Score(comparisons(v, p)));
        case "inList" -> parts.add(new Condition.InList(name(node, "inList", path), true));
        case "inSegment" -> parts.add(new Condition.InSegment(name(node, "inSegment", path), true));
        case "notInSegment" -> parts.add(new Condition.InSegment(name(node, "notInSegment", path), false));
        case "notInList" -> parts.add(new Condition.InList(name(node, "notInList", path), false));
        case "consent" -> parts.add(new Condition.Consent(channel(node, "consent", path)));
        case "event" -> {
          if (object(v, p)) {
            allow(v, p, "type", "where", "count", "within", "sum");
            parts.add(new Condition.Events(eventType(v, "type", p), filter(v.get("where"), p + "/where"),
                v.has("count") ? comparisons(v.get("count"), p + "/count") : List.of(),
                v.has("within") ? duration(v, "within", p, false) : null,
                v.has("sum") ? sum(v.get("sum"), p + "/sum") : null));
          }
        }
        case "all", "any" -> {
          List<Condition> children = new ArrayList<>();
          if (!v.isArray() || v.isEmpty()) {
            problem(p, "a non-empty list of conditions");
          } else {
            for (int i = 0; i < v.size(); i++) {
              children.add(condition(v.get(i), p + "/" + i));
            }
          }
          parts.add(field.getKey().equals("all") ? new Condition.All(children) : new Condition.Any(children));
        }
        case "not" -> parts.add(new Condition.Not(condition(v, p)));
        default -> problem(p, "unknown condition; use where, score, inList, notInList, inSegment, notInSegment, consent, "
            + "event, all, any or not");
      }
    }
    return parts.size() == 1 ? parts.get(0) : new Condition.All(parts);
  }

  private Step.Split split(JsonNode body, String path) {
    if (body == null || !body.isArray() || body.size() < 2) {
      problem(path, "a split is a list of at least two arms {percent, next}");
      return null;
    }
    List<Step.Arm> arms = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      String armPath = path + "/" + i;
      JsonNode arm = body.get(i);
      if (object(arm, armPath)) {
        allow(arm, armPath, "percent", "next");
        int percent = positiveInt(arm, "percent", armPath);
        String next = reference(arm, "next", armPath);
        if (next == null) {
          problem(armPath + "/next", "required: the step this arm goes to");
        }
        arms.add(new Step.Arm(percent, next));
      }
    }
    return new Step.Split(arms);
  }

  private Step.Update update(JsonNode body, String path) {
    allow(body, path, "set", "unset", "addToLists", "removeFromLists", "addScore");
    Map<String, JsonNode> set = new LinkedHashMap<>();
    if (body.has("set")) {
      JsonNode s = body.get("set");
      if (object(s, path + "/set")) {
        s.fields().forEachRemaining(f -> {
          if (!NAME.matcher(f.getKey()).matches()) {
            problem(path + "/set/" + f.getKey(), "attribute names are letters, digits, _ and -");
          } else if (!f.getValue().isValueNode() || f.getValue().isNull()) {
            problem(path + "/set/" + f.getKey(), "a text, number or true/false (to remove an attribute, use unset)");
          }
          set.put(f.getKey(), f.getValue());
        });
      }
    }
    int score = 0;
    if (body.has("addScore")) {
      JsonNode s = body.get("addScore");
      if (!s.isInt()) {
        problem(path + "/addScore", "an integer (negative to subtract)");
      } else {
        score = s.asInt();
      }
    }
    Step.Update update = new Step.Update(set, names(body, "unset", path), names(body, "addToLists", path),
        names(body, "removeFromLists", path), score);
    if (update.set().isEmpty() && update.unset().isEmpty() && update.addToLists().isEmpty()
        && update.removeFromLists().isEmpty() && score == 0) {
      problem(path, "an update changes something: set, unset, addToLists, removeFromLists or addScore");
    }
    return update;
  }

  private Step.Webhook webhook(JsonNode body, String path) {
    allow(body, path, "url", "timeout", "retries");
    String text = text(body, "url", path);
    URI url = null;
    if (text != null) {
      try {
        url = new URI(text);
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
          problem(path + "/url", "webhooks go to an https:// URL with a host");
        }
      } catch (URISyntaxException e) {
        problem(path + "/url", "not a URL: " + e.getReason());
      }
    }
    Duration timeout = body.has("timeout") ? duration(body, "timeout", path, false) : Duration.ofSeconds(10);
    if (timeout != null && timeout.compareTo(Duration.ofSeconds(30)) > 0) {
      problem(path + "/timeout", "at most PT30S: the step function waits for the response");
    }
    int retries = 3;
    if (body.has("retries")) {
      JsonNode r = body.get("retries");
      if (!r.isInt() || r.asInt() < 0 || r.asInt() > 10) {
        problem(path + "/retries", "an integer from 0 to 10");
      } else {
        retries = r.asInt();
      }
    }
    return new Step.Webhook(url, timeout, retries);
  }

  private Filter filter(JsonNode node, String path) {
    if (node == null) {
      return Filter.ALWAYS;
    }
    if (!node.isObject()) {
      problem(path, "a map of field paths to values or {operator: value}");
      return Filter.ALWAYS;
    }
    List<Filter.Criterion> criteria = new ArrayList<>();
    node.fields().forEachRemaining(f -> {
      String p = path + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
      if (!f.getKey().matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
        problem(p, "a dotted field path such as properties.items");
      }
      criteria.add(new Filter.Criterion(f.getKey(), comparisons(f.getValue(), p)));
    });
    return new Filter(criteria);
  }

  /** {@code sum: { of: properties.total, gte: 500 }}: a dotted path and the comparisons its sum must pass. */
  private Condition.Sum sum(JsonNode node, String path) {
    if (!node.isObject() || !node.path("of").isTextual()
        || !node.path("of").asText().matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
      problem(path + "/of", "the dotted path of a numeric event field, such as properties.total");
      return null;
    }
    com.fasterxml.jackson.databind.node.ObjectNode rest = node.deepCopy();
    rest.remove("of");
    if (rest.isEmpty()) {
      problem(path, "at least one comparison, such as gte: 500");
      return null;
    }
    List<Filter.Comparison> comparisons = comparisons(rest, path);
    for (Filter.Comparison c : comparisons) {
      if (!c.operand().isNumber()) {
        problem(path + "/" + c.operator().keyword(), "a number");
      }
    }
    return new Condition.Sum(node.get("of").asText(), comparisons);
  }

  /** {@code 5} means eq 5, {@code [a, b]} means in, {@code {gt: 1, lt: 9}} lists operators. */
  private List<Filter.Comparison> comparisons(JsonNode node, String path) {
    if (node.isArray()) {
      return List.of(new Filter.Comparison(Filter.Operator.IN, node));
    }
    if (!node.isObject()) {
      return List.of(new Filter.Comparison(Filter.Operator.EQ, node));
    }
    if (node.isEmpty()) {
      problem(path, "at least one operator: eq, ne, gt, gte, lt, lte, in, exists, contains, near");
    }
    List<Filter.Comparison> result = new ArrayList<>();
    node.fields().forEachRemaining(f -> {
      String p = path + "/" + f.getKey();
      Filter.Operator op = Filter.Operator.of(f.getKey()).orElse(null);
      JsonNode operand = f.getValue();
      if (op == null) {
        problem(p, "unknown operator; use eq, ne, gt, gte, lt, lte, in, exists, contains, near");
      } else if (op == Filter.Operator.NEAR) {
        if (near(operand, p)) {
          result.add(new Filter.Comparison(op, operand));
        }
      } else if (op == Filter.Operator.IN && !operand.isArray()) {
        problem(p, "in takes a list");
      } else if (op == Filter.Operator.EXISTS && !operand.isBoolean()) {
        problem(p, "exists takes true or false");
      } else if (EnumSet.of(Filter.Operator.GT, Filter.Operator.GTE, Filter.Operator.LT, Filter.Operator.LTE).contains(op)
          && !(operand.isNumber() || operand.isTextual())) {
        problem(p, f.getKey() + " compares with a number or a string");
      } else if (operand.isObject()) {
        problem(p, "compare with a value, not an object");
      } else {
        result.add(new Filter.Comparison(op, operand));
      }
    });
    return result;
  }

  /** {@code near: {lat: 40.4, lon: -3.7, km: 25}}: a point and a radius, each in range. */
  private boolean near(JsonNode operand, String path) {
    if (!operand.isObject()) {
      problem(path, "near takes {lat, lon, km}: a point and a radius in kilometres");
      return false;
    }
    int before = problems.size();
    operand.fieldNames().forEachRemaining(f -> {
      if (!Set.of("lat", "lon", "km").contains(f)) {
        problem(path + "/" + f, "unknown field (lat, lon, km)");
      }
    });
    degrees(operand, "lat", 90, path);
    degrees(operand, "lon", 180, path);
    JsonNode km = operand.get("km");
    if (km == null || !km.isNumber() || !Double.isFinite(km.asDouble()) || km.asDouble() <= 0
        || km.asDouble() > 20_038) {
      problem(path + "/km", "a radius in kilometres, more than 0 (and at most 20038, half the Earth's circumference)");
    }
    return problems.size() == before;
  }

  private void degrees(JsonNode operand, String field, int limit, String path) {
    JsonNode value = operand.get(field);
    if (value == null || !value.isNumber() || Math.abs(value.asDouble()) > limit) {
      problem(path + "/" + field, "a number of degrees from -" + limit + " to " + limit);
    }
  }

  // --- fields ---

  private String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      problem(path + "/" + field, "required");
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      problem(path + "/" + field, "a non-empty string");
      return null;
    }
    return value.asText();
  }

  private String matching(JsonNode node, String field, String path, Pattern pattern, String what) {
    String text = text(node, field, path);
    if (text != null && !pattern.matcher(text).matches()) {
      problem(path + "/" + field, what + "; got \"" + text + "\"");
      return text;
    }
    return text;
  }

  private String id(JsonNode node, String field, String path) {
    return matching(node, field, path, ID, "an id: lowercase letters, digits and hyphens, at most 60");
  }

  private String name(JsonNode node, String field, String path) {
    return matching(node, field, path, NAME, "a name: letters, digits, _ and -");
  }

  private String eventType(JsonNode node, String field, String path) {
    return matching(node, field, path, EVENT_TYPE, "an event type the tracking API accepts: " + dev.nudge.tracking.EventTypes.DESCRIPTION);
  }

  private String channel(JsonNode node, String field, String path) {
    String text = text(node, field, path);
    if (text != null && !text.equals("email") && !text.equals("sms")) {
      problem(path + "/" + field, "email or sms");
    }
    return text;
  }

  /** A step reference: a step id or {@code end}. Existence is the validator's job. */
  private String reference(JsonNode node, String field, String path) {
    if (!node.has(field) || node.get(field).isNull()) {
      return null;
    }
    String text = text(node, field, path);
    if (text != null && !text.equals(Step.END) && !ID.matcher(text).matches()) {
      problem(path + "/" + field, "a step id or end; got \"" + text + "\"");
    }
    return text;
  }

  private List<String> names(JsonNode node, String field, String path) {
    if (!node.has(field)) {
      return List.of();
    }
    JsonNode list = node.get(field);
    if (list.isTextual()) {
      return List.of(name(node, field, path));
    }
    if (!list.isArray()) {
      problem(path + "/" + field, "a list of names");
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isTextual() || !NAME.matcher(item.asText()).matches()) {
        problem(path + "/" + field + "/" + i, "a name: letters, digits, _ and -");
      } else {
        result.add(item.asText());
      }
    }
    return result;
  }

  private Duration duration(JsonNode node, String field, String path, boolean signed) {
    String text = text(node, field, path);
    if (text == null) {
      return null;
    }
    Duration d = Durations.parse(text).orElse(null);
    if (d == null) {
      problem(path + "/" + field, "an ISO 8601 duration such as PT30M, P2D or P1W (no months or years); got \"" + text + "\"");
      return null;
    }
    if (!signed && (d.isNegative() || d.isZero())) {
      problem(path + "/" + field, "a positive duration; got \"" + text + "\"");
      return null;
    }
    return d;
  }

  private LocalTime time(JsonNode node, String field, String path) {
    String text = text(node, field, path);
    if (text == null) {
      return null;
    }
    try {
      if (!text.matches("\\d{2}:\\d{2}")) {
        throw new DateTimeParseException("", text, 0);
      }
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      problem(path + "/" + field, "a time of day HH:mm such as 09:00; got \"" + text + "\"");
      return null;
    }
  }

  private Set<DayOfWeek> days(JsonNode node, String path) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    if (!node.isArray() || node.isEmpty()) {
      problem(path, "a non-empty list of days such as [MON, TUE]");
      return days;
    }
    for (int i = 0; i < node.size(); i++) {
      String text = node.get(i).asText("").toUpperCase(Locale.ROOT);
      DayOfWeek day = null;
      for (DayOfWeek d : DayOfWeek.values()) {
        if (d.name().equals(text) || d.name().substring(0, 3).equals(text)) {
          day = d;
        }
      }
      if (day == null) {
        problem(path + "/" + i, "a day: MON, TUE, WED, THU, FRI, SAT or SUN");
      } else {
        days.add(day);
      }
    }
    return days;
  }

  private String zone(JsonNode node, String field, String path, boolean contactAllowed) {
    String text = text(node, field, path);
    if (text == null) {
      return null;
    }
    if (contactAllowed && text.equals(Workflow.SendWindow.CONTACT)) {
      return text;
    }
    if (!text.equals("UTC") && !ZoneId.getAvailableZoneIds().contains(text)) {
      problem(path + "/" + field, "an IANA timezone such as Europe/Madrid" + (contactAllowed ? " or contact" : "") + "; got \"" + text + "\"");
    }
    return text;
  }

  private boolean bool(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (!value.isBoolean()) {
      problem(path + "/" + field, "true or false");
      return false;
    }
    return value.asBoolean();
  }

  private int positiveInt(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isInt() || value.asInt() <= 0) {
      problem(path + "/" + field, "a positive integer");
      return 0;
    }
    return value.asInt();
  }

  private boolean object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      problem(path, "an object");
      return false;
    }
    return true;
  }

  private void allow(JsonNode node, String path, String... fields) {
    Set<String> allowed = Set.of(fields);
    node.fieldNames().forEachRemaining(f -> {
      if (!allowed.contains(f)) {
        problem(path + "/" + f, "unknown field; expected one of " + List.of(fields));
      }
    });
  }

  private static List<String> present(JsonNode node, String... fields) {
    List<String> found = new ArrayList<>();
    for (String f : fields) {
      if (node.has(f)) {
        found.add(f);
      }
    }
    return found;
  }

  private void problem(String path, String message) {
    problems.add(new Problem(step, path, message));
  }
}
