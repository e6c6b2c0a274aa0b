package dev.nudge.workflows.pinpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nudge.workflows.Condition;
import dev.nudge.workflows.Durations;
import dev.nudge.workflows.Filter;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.TemplateCatalog;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowParser;
import dev.nudge.workflows.WorkflowValidator;
import dev.nudge.workflows.WorkflowWriter;
import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts an Amazon Pinpoint journey (the JSON of {@code aws pinpoint get-journey}, with or without
 * its {@code JourneyResponse} wrapper) into a Nudge workflow definition. Whatever has no Nudge
 * equivalent is listed as a {@link Finding} naming the activity; nothing is dropped silently.
 * The mapping is documented in docs/pinpoint.md.
 */
public final class PinpointJourneyImport {
  /** The workflow definition (YAML, validated), the step id of each activity, and what did not convert exactly. */
  public record Result(String yaml, Workflow workflow, Map<String, String> stepIds, List<Finding> findings) {
    public Result {
      stepIds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stepIds));
      findings = List.copyOf(findings);
    }
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .build();
  static final List<String> KINDS = List.of("EMAIL", "SMS", "Wait", "WAIT", "ConditionalSplit", "MultiCondition",
      "RandomSplit", "Holdout", "CUSTOM", "PUSH", "ContactCenter");
  private static final Pattern UTC_OFFSET = Pattern.compile("UTC([+-])(\\d{2})(?::(\\d{2}))?");
  private static final Pattern EVENT_TYPE = dev.nudge.tracking.EventTypes.PATTERN;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

  private final TemplateCatalog templates;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, String> stepIds = new LinkedHashMap<>();
  private final Map<String, String> entryIds = new HashMap<>();
  private final Set<String> usedIds = new HashSet<>();
  private final Set<String> reportedPassThrough = new HashSet<>();
  private final Set<String> visited = new HashSet<>();
  private final Deque<String> queue = new ArrayDeque<>();
  private final Map<String, String> templateNames = new LinkedHashMap<>();
  private JsonNode activities;
  private String workflowId;

  private PinpointJourneyImport(TemplateCatalog templates) {
    this.templates = templates;
  }

  /**
   * @param templates the templates Nudge has; a template the workflow names that is not there is
   *     reported (the workflow is still produced). Null: not checked.
   * @throws PinpointImportException when the text is not a readable journey (the message names the field)
   */
  public static Result convert(String json, TemplateCatalog templates) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new PinpointImportException("not valid JSON" + where + ": " + e.getOriginalMessage());
    }
    return new PinpointJourneyImport(templates).convert(root);
  }

  private Result convert(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new PinpointImportException("a journey is a JSON object (the output of aws pinpoint get-journey)");
    }
    JsonNode journey = root.has("JourneyResponse") ? root.get("JourneyResponse") : root;
    if (!journey.isObject()) {
      throw new PinpointImportException("JourneyResponse: an object");
    }
    activities = journey.get("Activities");
    if (activities == null || !activities.isObject() || activities.isEmpty()) {
      throw new PinpointImportException("Activities: missing or empty; a journey has a map of activities");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = activities.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isObject()) {
        throw new PinpointImportException("Activities." + e.getKey() + ": an activity is an object");
      }
    }
    JsonNode start = journey.get("StartActivity");
    if (start == null || !start.isTextual()) {
      throw new PinpointImportException("StartActivity: missing; it names the first activity");
    }
    if (!activities.has(start.asText())) {
      throw new PinpointImportException("StartActivity: \"" + start.asText() + "\" is not in Activities");
    }
    String name = text(journey, "Name");
    workflowId = slug(name != null ? name : text(journey, "Id"), "pinpoint-journey");

    ObjectNode out = F.objectNode();
    out.put("id", workflowId);
    out.put("name", name != null ? name : workflowId);
    out.put("description", "Imported from Amazon Pinpoint journey "
        + (journey.hasNonNull("Id") ? journey.get("Id").asText() : "(no id)"));
    trigger(journey, out);
    limits(journey.get("Limits"), out);
    settings(journey, out);

    ArrayNode steps = F.arrayNode();
    String first = target(start.asText(), null, "StartActivity");
    if (first.equals(Step.END)) {
      throw new PinpointImportException("Activities: no activity reachable from StartActivity can be converted");
    }
    while (!queue.isEmpty()) {
      String activity = queue.poll();
      steps.addAll(activity(activity, activities.get(activity)));
    }
    for (Iterator<String> it = activities.fieldNames(); it.hasNext(); ) {
      String id = it.next();
      if (!visited.contains(id)) {
        findings.add(new Finding(id, "Activities." + id, "not reachable from StartActivity; not converted"));
      }
    }
    out.set("steps", steps);
    checkTemplates();

    String body;
    try {
      // Times of day quoted, as people write them: YAML 1.1 readers take 22:00 for a base-60 number.
      body = YAML.writeValueAsString(out).replaceAll("(?m)^(\\s*(?:- )?(?:from|to|until): )(\\d{2}:\\d{2})$", "$1\"$2\"");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    WorkflowParser.Parsed parsed = WorkflowParser.parse(body);
    List<Problem> problems = new WorkflowValidator((channel, template) -> true).check(parsed);
    for (Problem p : problems) {
      findings.add(new Finding(p.step(), "(generated) " + p.path(), "the generated workflow does not validate: " + p.message()));
    }
    return new Result(header(journey) + body, problems.isEmpty() ? parsed.workflow() : null, stepIds, findings);
  }

  // ---------------------------------------------------------------- journey level

  private void trigger(JsonNode journey, ObjectNode out) {
    JsonNode condition = journey.get("StartCondition");
    ObjectNode trigger = out.putObject("trigger");
    if (condition != null && condition.has("EventStartCondition")) {
      JsonNode esc = condition.get("EventStartCondition");
      String path = "StartCondition.EventStartCondition";
      JsonNode dimensions = esc.path("EventFilter").path("Dimensions");
      List<String> types = setValues(dimensions.get("EventType"), null, path + ".EventFilter.Dimensions.EventType");
      if (types.isEmpty()) {
        findings.add(new Finding(null, path, "no INCLUSIVE EventType value; the workflow starts through the API instead"));
        trigger.put("api", true);
      } else {
        trigger.put("event", eventType(types.get(0), null, path + ".EventFilter.Dimensions.EventType.Values"));
        if (types.size() > 1) {
          findings.add(new Finding(null, path + ".EventFilter.Dimensions.EventType.Values",
              "a Nudge trigger has one event type; started on \"" + types.get(0) + "\" only, not on " + types.subList(1, types.size())
                  + " (copy the workflow for each other type)"));
        }
        Filter where = eventFilter(dimensions, null, path + ".EventFilter.Dimensions");
        if (!where.isEmpty()) {
          trigger.set("where", WorkflowWriter.filter(where));
        }
      }
      if (esc.hasNonNull("SegmentId")) {
        out.putObject("audience").putArray("inSegments").add(segment(esc.get("SegmentId").asText(), null, path + ".SegmentId"));
      }
    } else if (condition != null && condition.path("SegmentStartCondition").hasNonNull("SegmentId")) {
      trigger.put("segment", segment(condition.get("SegmentStartCondition").get("SegmentId").asText(), null,
          "StartCondition.SegmentStartCondition.SegmentId"));
      findings.add(new Finding(null, "StartCondition.SegmentStartCondition",
          "contacts enter when they join the segment; members already in it when the workflow goes live are not entered"
              + (journey.hasNonNull("RefreshFrequency") ? " (RefreshFrequency " + journey.get("RefreshFrequency").asText()
              + " is not needed: Nudge segments are kept as events happen)" : "")));
    } else {
      trigger.put("api", true);
      findings.add(new Finding(null, "StartCondition", "no event or segment start condition; the workflow starts through the API "
          + "(POST /v1/workflows/{id}/trigger or /broadcast)"));
    }
  }

  private void limits(JsonNode limits, ObjectNode out) {
    if (limits == null || !limits.isObject()) {
      return;
    }
    Integer cap = limits.has("EndpointReentryCap") ? limits.get("EndpointReentryCap").asInt() : null;
    Duration interval = null;
    if (limits.hasNonNull("EndpointReentryInterval")) {
      interval = duration(limits.get("EndpointReentryInterval").asText(), null, "Limits.EndpointReentryInterval");
    }
    if (cap != null && cap == 1) {
      out.put("reentry", "never");
      if (interval != null) {
        findings.add(new Finding(null, "Limits.EndpointReentryInterval", "ignored: EndpointReentryCap 1 lets a contact enter once"));
      }
    } else if (interval != null) {
      out.putObject("reentry").put("cooldown", Durations.format(interval));
    } else if (cap != null) {
      out.put("reentry", "always");
    }
    if (cap != null && cap > 1) {
      findings.add(new Finding(null, "Limits.EndpointReentryCap", "Nudge does not count entries: a contact may re-enter "
          + (interval != null ? "after each cooldown" : "any number of times") + ", not at most " + cap + " times"));
    }
    for (String field : List.of("DailyCap", "TotalCap", "MessagesPerSecond")) {
      if (limits.hasNonNull(field)) {
        String why = switch (field) {
          case "DailyCap" -> "Nudge has no per-workflow message cap; frequencyCap: { max: " + limits.get(field).asText()
              + ", per: P1D } would count messages from every workflow, so it is not added (add it by hand if that is meant)";
          case "TotalCap" -> "Nudge has no limit on the messages one workflow sends in total";
          default -> "the send rate is the stack's (SES and End User Messaging quotas, BroadcastRatePerSecond), not a workflow's";
        };
        findings.add(new Finding(null, "Limits." + field, limits.get(field).asText() + " not converted: " + why));
      }
    }
    if (limits.has("Timeframe")) {
      findings.add(new Finding(null, "Limits.Timeframe", "not converted: Nudge has no per-workflow message cap"));
    }
  }

  private void settings(JsonNode journey, ObjectNode out) {
    JsonNode schedule = journey.get("Schedule");
    if (schedule != null && schedule.isObject()) {
      if (schedule.hasNonNull("Timezone")) {
        String zone = zone(schedule.get("Timezone").asText());
        if (zone != null) {
          out.put("timezone", zone);
        }
      }
      for (String field : List.of("StartTime", "EndTime")) {
        if (schedule.hasNonNull(field)) {
          findings.add(new Finding(null, "Schedule." + field, schedule.get(field).asText()
              + " not converted: a workflow takes entries from when it is published until it is paused or archived"));
        }
      }
    }
    JsonNode quiet = journey.get("QuietTime");
    if (quiet != null && quiet.hasNonNull("Start") && quiet.hasNonNull("End")) {
      String from = time(quiet.get("Start").asText());
      String to = time(quiet.get("End").asText());
      if (from == null || to == null || from.equals(to)) {
        findings.add(new Finding(null, "QuietTime", "not converted: Start and End must be different HH:mm times"));
      } else {
        out.putObject("quietHours").put("from", from).put("to", to);
        if (!journey.path("WaitForQuietTime").asBoolean(false)) {
          findings.add(new Finding(null, "WaitForQuietTime", "a message due in quiet hours is sent when they end (Pinpoint "
              + "without WaitForQuietTime does not send it)"));
        }
      }
    }
    for (String field : List.of("OpenHours", "ClosedDays", "JourneyChannelSettings")) {
      if (journey.hasNonNull(field) && !journey.get(field).isEmpty()) {
        findings.add(new Finding(null, field, "not converted: "
            + (field.equals("JourneyChannelSettings") ? "Nudge has no per-journey channel settings"
            : "Nudge has one send window (quietHours) per workflow, no per-channel hours or closed dates")));
      }
    }
  }

  // ---------------------------------------------------------------- activities

  /** The activity's kind, or null when it has none Nudge knows. */
  private static String kind(JsonNode activity) {
    for (String kind : KINDS) {
      if (activity.has(kind)) {
        return kind;
      }
    }
    return null;
  }

  /** Why the activity has no Nudge step (its participants go on to its next activity), or null when it converts. */
  private static String passThrough(JsonNode activity) {
    String kind = kind(activity);
    if (kind == null) {
      return activity.size() == 0 || (activity.size() == 1 && activity.has("Description"))
          ? "an activity without settings" : "an activity type Nudge does not know (" + activity.fieldNames().next() + ")";
    }
    JsonNode body = activity.get(kind);
    return switch (kind) {
      case "PUSH" -> "push notifications: Nudge sends e-mail and SMS only";
      case "ContactCenter" -> "contact center (Amazon Connect) calls: Nudge has no call channel";
      case "CUSTOM" -> body.path("DeliveryUri").asText("").startsWith("https://") ? null
          : "a custom channel delivered by a Lambda function (" + body.path("DeliveryUri").asText("no DeliveryUri")
              + "): Nudge calls HTTPS webhooks only";
      case "Wait", "WAIT" -> body.path("WaitTime").hasNonNull("WaitFor") || body.path("WaitTime").hasNonNull("WaitUntil")
          ? null : "a wait without WaitTime";
      default -> null;
    };
  }

  /** The activity's successor for passing through it, or null. */
  private static String nextOf(JsonNode activity) {
    String kind = kind(activity);
    if (kind == null) {
      return null;
    }
    JsonNode next = activity.get(kind).get("NextActivity");
    return next == null || !next.isTextual() ? null : next.asText();
  }

  /** The step the journey goes to for Pinpoint's reference {@code activity}: its step, or "end". */
  private String target(String activity, String from, String field) {
    Set<String> seen = new HashSet<>();
    String current = activity;
    while (true) {
      if (current == null || current.isBlank()) {
        return Step.END;
      }
      if (!activities.has(current)) {
        findings.add(new Finding(from, field, "\"" + current + "\" is not an activity of the journey; the journey ends there"));
        return Step.END;
      }
      JsonNode node = activities.get(current);
      String why = passThrough(node);
      if (why == null) {
        if (visited.add(current)) {
          queue.add(current);
        }
        return entryId(current);
      }
      visited.add(current);
      if (reportedPassThrough.add(current)) {
        String next = nextOf(node);
        findings.add(new Finding(current, "Activities." + current + (kind(node) == null ? "" : "." + kind(node)),
            "not converted: " + why + "; contacts go on to " + (next == null ? "the end" : "\"" + next + "\"")));
      }
      if (!seen.add(current)) {
        return Step.END;
      }
      from = current;
      field = "Activities." + current + ".NextActivity";
      current = nextOf(node);
    }
  }

  private String stepId(String activity) {
    return stepIds.computeIfAbsent(activity, a -> unique(slug(a, "activity")));
  }

  /** The first step of the activity: a split evaluated after a wait starts with that wait. */
  private String entryId(String activity) {
    String base = stepId(activity);
    if (!evaluationWait(activities.get(activity))) {
      return base;
    }
    return entryIds.computeIfAbsent(activity, a -> unique(base + "-wait"));
  }

  private boolean evaluationWait(JsonNode activity) {
    String kind = kind(activity);
    if (!"ConditionalSplit".equals(kind) && !"MultiCondition".equals(kind)) {
      return false;
    }
    JsonNode body = activity.get(kind);
    if (!body.path("EvaluationWaitTime").hasNonNull("WaitFor")) {
      return false;
    }
    return !(kind.equals("ConditionalSplit") && messageWaitFor(body) != null);
  }

  private String unique(String id) {
    String candidate = id.equals(Step.END) ? "end-step" : id;
    int n = 2;
    while (!usedIds.add(candidate)) {
      String suffix = "-" + n++;
      candidate = id.substring(0, Math.min(id.length(), 60 - suffix.length())) + suffix;
    }
    return candidate;
  }

  private List<ObjectNode> activity(String activity, JsonNode node) {
    String kind = kind(node);
    JsonNode body = node.get(kind);
    String id = stepId(activity);
    String path = "Activities." + activity + "." + kind;
    List<ObjectNode> out = new ArrayList<>();
    ObjectNode step;
    switch (kind) {
      case "EMAIL", "SMS" -> {
        String template = template(activity, body, kind.equals("EMAIL") ? "email" : "sms", path);
        step = WorkflowWriter.action(new Step(id, kind.equals("EMAIL") ? new Step.Email(template) : new Step.Sms(template), null));
        step.put("next", target(text(body, "NextActivity"), activity, path + ".NextActivity"));
        messageSettings(activity, body, path);
      }
      case "Wait", "WAIT" -> {
        step = WorkflowWriter.action(new Step(id, waitAction(activity, body.get("WaitTime"), path + ".WaitTime"), null));
        step.put("next", target(text(body, "NextActivity"), activity, path + ".NextActivity"));
      }
      case "ConditionalSplit" -> {
        String yes = target(text(body, "TrueActivity"), activity, path + ".TrueActivity");
        String no = target(text(body, "FalseActivity"), activity, path + ".FalseActivity");
        Step.WaitFor waitFor = messageWaitFor(body);
        if (waitFor != null) {
          step = WorkflowWriter.action(new Step(id, waitFor, null));
          step.put("onEvent", yes);
          step.put("onTimeout", no);
          findings.add(new Finding(activity, path, "converted to waitFor " + waitFor.event() + ": the yes path starts as soon as the "
              + "event comes, not when EvaluationWaitTime ends"));
        } else {
          out.addAll(evaluationWaitStep(activity, body, path, id));
          JsonNode conditions = body.path("Condition").path("Conditions");
          List<Condition> parts = new ArrayList<>();
          for (int i = 0; i < conditions.size(); i++) {
            Condition c = condition(activity, conditions.get(i), path + ".Condition.Conditions[" + i + "]");
            if (c != null) {
              parts.add(c);
            }
          }
          boolean any = "ANY".equalsIgnoreCase(body.path("Condition").path("Operator").asText("ALL"));
          Condition when = parts.isEmpty() ? never(activity, path + ".Condition")
              : parts.size() == 1 ? parts.get(0) : any ? new Condition.Any(parts) : new Condition.All(parts);
          step = WorkflowWriter.action(new Step(id, new Step.Branch(List.of(new Step.Case(when, yes)), no), null));
        }
      }
      case "MultiCondition" -> {
        out.addAll(evaluationWaitStep(activity, body, path, id));
        List<Step.Case> cases = new ArrayList<>();
        JsonNode branches = body.path("Branches");
        for (int i = 0; i < branches.size(); i++) {
          JsonNode branch = branches.get(i);
          String branchPath = path + ".Branches[" + i + "]";
          if (!branch.hasNonNull("Condition") || branch.get("Condition").isEmpty()) {
            findings.add(new Finding(activity, branchPath, "a branch without a condition has no Nudge case; left out"));
            continue;
          }
          Condition c = condition(activity, branch.get("Condition"), branchPath + ".Condition");
          String next = target(text(branch, "NextActivity"), activity, branchPath + ".NextActivity");
          cases.add(new Step.Case(c == null ? never(activity, branchPath + ".Condition") : c, next));
        }
        String otherwise = target(text(body, "DefaultActivity"), activity, path + ".DefaultActivity");
        if (cases.isEmpty()) {
          cases.add(new Step.Case(never(activity, path + ".Branches"), otherwise));
        }
        step = WorkflowWriter.action(new Step(id, new Step.Branch(cases, otherwise), null));
      }
      case "RandomSplit" -> {
        List<Step.Arm> arms = new ArrayList<>();
        JsonNode branches = body.path("Branches");
        for (int i = 0; i < branches.size(); i++) {
          JsonNode branch = branches.get(i);
          int percent = branch.path("Percentage").asInt(0);
          String branchPath = path + ".Branches[" + i + "]";
          if (percent <= 0) {
            findings.add(new Finding(activity, branchPath + ".Percentage", "no percentage; the path is left out"));
            continue;
          }
          arms.add(new Step.Arm(percent, target(text(branch, "NextActivity"), activity, branchPath + ".NextActivity")));
        }
        arms = hundred(activity, arms, path + ".Branches");
        step = WorkflowWriter.action(new Step(id, new Step.Split(arms), null));
      }
      case "Holdout" -> {
        int percent = body.path("Percentage").asInt(0);
        String next = target(text(body, "NextActivity"), activity, path + ".NextActivity");
        List<Step.Arm> arms = new ArrayList<>();
        if (percent > 0) {
          arms.add(new Step.Arm(Math.min(percent, 100), Step.END));
        }
        if (percent < 100) {
          arms.add(new Step.Arm(100 - Math.max(percent, 0), next));
        }
        step = WorkflowWriter.action(new Step(id, new Step.Split(arms), null));
      }
      default -> { // CUSTOM with an HTTPS DeliveryUri
        step = WorkflowWriter.action(new Step(id, new Step.Webhook(URI.create(body.get("DeliveryUri").asText()),
            Duration.ofSeconds(10), 3), null));
        step.put("next", target(text(body, "NextActivity"), activity, path + ".NextActivity"));
        findings.add(new Finding(activity, path, "converted to a webhook: Nudge POSTs its own signed payload (contact, workflow, "
            + "step), not Pinpoint's custom-channel payload" + (body.has("MessageConfig") || body.has("TemplateName")
            ? "; MessageConfig, TemplateName and EndpointTypes are not sent" : "")));
      }
    }
    if (node.hasNonNull("Description")) {
      step.put("description", node.get("Description").asText());
    }
    out.add(reorder(step));
    return out;
  }

  /** id, description, the action, then successors: the order a person writes a step in. */
  private static ObjectNode reorder(ObjectNode step) {
    ObjectNode ordered = F.objectNode();
    ordered.set("id", step.get("id"));
    if (step.has("description")) {
      ordered.set("description", step.get("description"));
    }
    step.fields().forEachRemaining(e -> {
      if (!ordered.has(e.getKey())) {
        ordered.set(e.getKey(), e.getValue());
      }
    });
    return ordered;
  }

  private List<ObjectNode> evaluationWaitStep(String activity, JsonNode body, String path, String id) {
    JsonNode wait = body.path("EvaluationWaitTime");
    if (wait.hasNonNull("WaitUntil")) {
      findings.add(new Finding(activity, path + ".EvaluationWaitTime.WaitUntil", "a fixed date (" + wait.get("WaitUntil").asText()
          + ") has no Nudge equivalent; the conditions are evaluated when the contact arrives"));
    }
    if (!evaluationWait(activities.get(activity))) {
      return List.of();
    }
    Duration d = duration(wait.get("WaitFor").asText(), activity, path + ".EvaluationWaitTime.WaitFor");
    if (d == null) {
      d = Duration.ofDays(1);
      findings.add(new Finding(activity, path + ".EvaluationWaitTime.WaitFor", "unreadable; waits P1D instead"));
    }
    ObjectNode step = WorkflowWriter.action(new Step(entryId(activity), new Step.WaitDuration(d), null));
    step.put("next", id);
    return List.of(step);
  }

  /** A yes/no split on one open/click/... of an earlier message, evaluated after a duration: a waitFor. */
  private Step.WaitFor messageWaitFor(JsonNode body) {
    JsonNode conditions = body.path("Condition").path("Conditions");
    Duration timeout = Durations.parse(body.path("EvaluationWaitTime").path("WaitFor").asText(null)).orElse(null);
    if (conditions.size() != 1 || timeout == null || timeout.isNegative() || timeout.isZero()) {
      return null;
    }
    JsonNode event = conditions.get(0).path("EventCondition");
    String message = event.path("MessageActivity").asText(null);
    if (message == null || !activities.has(message)) {
      return null;
    }
    String channel = channel(activities.get(message));
    List<String> values = setValues(event.path("Dimensions").get("EventType"), null, null);
    if (channel == null || values.size() != 1 || !precedes(message, body)) {
      return null;
    }
    String type = messageEvent(channel, values.get(0));
    return type == null ? null : new Step.WaitFor(type, Filter.ALWAYS, stepId(message), timeout, null, null);
  }

  /** Whether the message activity comes before the split (waitFor.step must name an earlier message). */
  private boolean precedes(String message, JsonNode splitBody) {
    Deque<String> todo = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    todo.add(message);
    while (!todo.isEmpty()) {
      JsonNode node = activities.get(todo.poll());
      if (node == null) {
        continue;
      }
      String kind = kind(node);
      if (kind == null) {
        continue;
      }
      JsonNode body = node.get(kind);
      if (body == splitBody) {
        return true;
      }
      for (String successor : successors(body)) {
        if (seen.add(successor)) {
          todo.add(successor);
        }
      }
    }
    return false;
  }

  private static List<String> successors(JsonNode body) {
    List<String> out = new ArrayList<>();
    for (String field : List.of("NextActivity", "TrueActivity", "FalseActivity", "DefaultActivity")) {
      if (body.hasNonNull(field)) {
        out.add(body.get(field).asText());
      }
    }
    for (JsonNode branch : body.path("Branches")) {
      if (branch.hasNonNull("NextActivity")) {
        out.add(branch.get("NextActivity").asText());
      }
    }
    return out;
  }

  private static String channel(JsonNode activity) {
    return activity.has("EMAIL") ? "email" : activity.has("SMS") ? "sms" : null;
  }

  private Step.Wait waitAction(String activity, JsonNode waitTime, String path) {
    if (waitTime.hasNonNull("WaitFor")) {
      Duration d = duration(waitTime.get("WaitFor").asText(), activity, path + ".WaitFor");
      if (d != null) {
        return new Step.WaitDuration(d);
      }
      findings.add(new Finding(activity, path + ".WaitFor", "unreadable duration \"" + waitTime.get("WaitFor").asText()
          + "\"; waits P1D instead"));
      return new Step.WaitDuration(Duration.ofDays(1));
    }
    String until = waitTime.get("WaitUntil").asText();
    LocalTime time;
    try {
      time = OffsetDateTime.parse(until).withOffsetSameInstant(ZoneOffset.UTC).toLocalTime().withSecond(0).withNano(0);
    } catch (DateTimeParseException e) {
      time = LocalTime.of(9, 0);
    }
    findings.add(new Finding(activity, path + ".WaitUntil", "a fixed date and time (" + until + ") has no Nudge equivalent; "
        + "converted to a wait until the next " + time + " in the contact's timezone: set a duration or untilDate by hand"));
    return new Step.WaitUntilTime(time, Set.of());
  }

  private String template(String activity, JsonNode body, String channel, String path) {
    String name = text(body, "TemplateName");
    String template;
    if (name == null) {
      template = slug("pinpoint-" + stepId(activity), "pinpoint-template");
      findings.add(new Finding(activity, path + ".TemplateName", "no template; the step sends \"" + template
          + "\", which has to be created"));
    } else {
      template = slug(name, "pinpoint-template");
    }
    templateNames.put(channel + "/" + template, activity + (name == null ? "" : " (Pinpoint template " + name + ")"));
    if (body.hasNonNull("TemplateVersion")) {
      findings.add(new Finding(activity, path + ".TemplateVersion", "version " + body.get("TemplateVersion").asText()
          + " not kept: a Nudge step sends the template's current content"));
    }
    return template;
  }

  private void messageSettings(String activity, JsonNode body, String path) {
    JsonNode config = body.get("MessageConfig");
    if (config == null || !config.isObject()) {
      return;
    }
    List<String> fields = new ArrayList<>();
    config.fieldNames().forEachRemaining(fields::add);
    if (!fields.isEmpty()) {
      findings.add(new Finding(activity, path + ".MessageConfig", fields + " not converted: the sender (address, number, "
          + "sender id, message type) is the stack's, not a step's"));
    }
  }

  private void checkTemplates() {
    if (templates == null) {
      return;
    }
    templateNames.forEach((key, source) -> {
      String channel = key.substring(0, key.indexOf('/'));
      String template = key.substring(key.indexOf('/') + 1);
      if (!templates.exists(channel, template)) {
        String activity = source.contains(" ") ? source.substring(0, source.indexOf(' ')) : source;
        findings.add(new Finding(activity, "template", "no " + channel + " template \"" + template + "\" in Nudge yet: create it "
            + "(PUT /v1/templates/" + template + ") before publishing"));
      }
    });
  }

  // ---------------------------------------------------------------- conditions

  private Condition condition(String activity, JsonNode simple, String path) {
    if (simple.has("SegmentCondition")) {
      String segment = simple.get("SegmentCondition").path("SegmentId").asText(null);
      if (segment == null) {
        findings.add(new Finding(activity, path + ".SegmentCondition", "no SegmentId; condition left out"));
        return null;
      }
      return new Condition.InSegment(segment(segment, activity, path + ".SegmentCondition.SegmentId"), true);
    }
    if (simple.has("EventCondition")) {
      JsonNode event = simple.get("EventCondition");
      JsonNode dimensions = event.path("Dimensions");
      List<String> values = setValues(dimensions.get("EventType"), activity, path + ".EventCondition.Dimensions.EventType");
      if (values.isEmpty()) {
        findings.add(new Finding(activity, path + ".EventCondition", "no INCLUSIVE EventType value; condition left out"));
        return null;
      }
      String message = event.path("MessageActivity").asText(null);
      List<Condition> any = new ArrayList<>();
      if (message != null) {
        String channel = activities.has(message) ? channel(activities.get(message)) : null;
        if (channel == null || passThrough(activities.get(message)) != null) {
          findings.add(new Finding(activity, path + ".EventCondition.MessageActivity", "\"" + message
              + "\" is not an e-mail or SMS activity Nudge sends; condition left out"));
          return null;
        }
        for (String value : values) {
          String type = messageEvent(channel, value);
          if (type == null) {
            findings.add(new Finding(activity, path + ".EventCondition.Dimensions.EventType", "\"" + value
                + "\" has no Nudge " + channel + " event; left out"));
            continue;
          }
          any.add(new Condition.Events(type, new Filter(List.of(
              criterion("properties.workflow", Filter.Operator.EQ, F.textNode(workflowId)),
              criterion("properties.step", Filter.Operator.EQ, F.textNode(stepId(message))))), List.of(), null));
        }
      } else {
        Filter where = eventFilter(dimensions, activity, path + ".EventCondition.Dimensions");
        for (String value : values) {
          any.add(new Condition.Events(eventType(value, activity, path + ".EventCondition.Dimensions.EventType"), where, List.of(), null));
        }
      }
      return any.isEmpty() ? null : any.size() == 1 ? any.get(0) : new Condition.Any(any);
    }
    if (simple.has("SegmentDimensions")) {
      JsonNode dims = simple.get("SegmentDimensions");
      List<Filter.Criterion> criteria = new ArrayList<>();
      for (String field : List.of("Attributes", "UserAttributes")) {
        criteria.addAll(attributes(dims.get(field), "attributes.", activity, path + ".SegmentDimensions." + field));
      }
      if (dims.has("Metrics")) {
        criteria.addAll(metrics(dims.get("Metrics"), "attributes.", activity, path + ".SegmentDimensions.Metrics"));
      }
      dims.fieldNames().forEachRemaining(f -> {
        if (!List.of("Attributes", "UserAttributes", "Metrics").contains(f)) {
          findings.add(new Finding(activity, path + ".SegmentDimensions." + f, "not converted: Nudge contacts have no "
              + f.toLowerCase(Locale.ROOT) + " dimension (write it as a contact attribute condition by hand)"));
        }
      });
      return criteria.isEmpty() ? null : new Condition.Where(new Filter(criteria));
    }
    findings.add(new Finding(activity, path, "an empty condition; left out"));
    return null;
  }

  /** A condition that never holds, in place of one that could not be converted (reported). */
  private Condition never(String activity, String path) {
    findings.add(new Finding(activity, path, "no condition could be converted; the path is taken only by contacts with "
        + "the attribute pinpoint_unconverted (none): edit the condition by hand"));
    return new Condition.Where(new Filter(List.of(criterion("attributes.pinpoint_unconverted", Filter.Operator.EXISTS,
        F.booleanNode(true)))));
  }

  /** Nudge's event for Pinpoint's message event ({@code _email.open}, {@code EMAIL_OPEN}, {@code OPEN}...), or null. */
  static String messageEvent(String channel, String value) {
    String v = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    v = v.replaceFirst("^(email|sms)", "");
    if (channel.equals("email")) {
      return switch (v) {
        case "open", "opened", "opens" -> "email.opened";
        case "click", "clicked", "clicks" -> "email.clicked";
        case "delivered", "delivery" -> "email.delivered";
        case "send", "sent" -> "email.sent";
        case "hardbounce", "softbounce", "bounce", "bounced" -> "email.bounced";
        case "complaint", "complained" -> "email.complained";
        case "reject", "rejected" -> "email.rejected";
        default -> null;
      };
    }
    return switch (v) {
      case "delivered", "success", "delivery" -> "sms.delivered";
      case "failed", "failure" -> "sms.failed";
      default -> null;
    };
  }

  /** Attribute and metric dimensions of an event filter: conditions on {@code properties.<name>}. */
  private Filter eventFilter(JsonNode dimensions, String activity, String path) {
    List<Filter.Criterion> criteria = new ArrayList<>();
    criteria.addAll(attributes(dimensions.get("Attributes"), "properties.", activity, path + ".Attributes"));
    criteria.addAll(metrics(dimensions.get("Metrics"), "properties.", activity, path + ".Metrics"));
    return new Filter(criteria);
  }

  private List<Filter.Criterion> attributes(JsonNode map, String prefix, String activity, String path) {
    List<Filter.Criterion> out = new ArrayList<>();
    if (map == null || !map.isObject()) {
      return out;
    }
    map.fields().forEachRemaining(e -> {
      String type = e.getValue().path("AttributeType").asText("INCLUSIVE");
      List<String> values = new ArrayList<>();
      e.getValue().path("Values").forEach(v -> values.add(v.asText()));
      String field = path + "." + e.getKey();
      String key = prefix + e.getKey();
      if (values.isEmpty()) {
        findings.add(new Finding(activity, field, "no Values; left out"));
        return;
      }
      switch (type) {
        case "INCLUSIVE" -> out.add(values.size() == 1 ? criterion(key, Filter.Operator.EQ, F.textNode(values.get(0)))
            : criterion(key, Filter.Operator.IN, strings(values)));
        case "EXCLUSIVE", "CONTAINS", "BEFORE", "AFTER" -> {
          if (values.size() != 1) {
            findings.add(new Finding(activity, field, type + " with several values has no Nudge filter; left out"));
            return;
          }
          Filter.Operator op = switch (type) {
            case "EXCLUSIVE" -> Filter.Operator.NE;
            case "CONTAINS" -> Filter.Operator.CONTAINS;
            case "BEFORE" -> Filter.Operator.LT;
            default -> Filter.Operator.GT;
          };
          out.add(criterion(key, op, F.textNode(values.get(0))));
        }
        case "BETWEEN" -> {
          if (values.size() != 2) {
            findings.add(new Finding(activity, field, "BETWEEN needs two values; left out"));
            return;
          }
          out.add(new Filter.Criterion(key, List.of(new Filter.Comparison(Filter.Operator.GTE, F.textNode(values.get(0))),
              new Filter.Comparison(Filter.Operator.LTE, F.textNode(values.get(1))))));
        }
        default -> findings.add(new Finding(activity, field, "AttributeType " + type + " has no Nudge filter; left out"));
      }
    });
    return out;
  }

  private List<Filter.Criterion> metrics(JsonNode map, String prefix, String activity, String path) {
    List<Filter.Criterion> out = new ArrayList<>();
    if (map == null || !map.isObject()) {
      return out;
    }
    map.fields().forEachRemaining(e -> {
      Filter.Operator op = switch (e.getValue().path("ComparisonOperator").asText("")) {
        case "GREATER_THAN" -> Filter.Operator.GT;
        case "GREATER_THAN_OR_EQUAL" -> Filter.Operator.GTE;
        case "LESS_THAN" -> Filter.Operator.LT;
        case "LESS_THAN_OR_EQUAL" -> Filter.Operator.LTE;
        case "EQUAL" -> Filter.Operator.EQ;
        default -> null;
      };
      if (op == null || !e.getValue().path("Value").isNumber()) {
        findings.add(new Finding(activity, path + "." + e.getKey(), "needs a ComparisonOperator and a numeric Value; left out"));
        return;
      }
      out.add(criterion(prefix + e.getKey(), op, e.getValue().get("Value")));
    });
    return out;
  }

  private static Filter.Criterion criterion(String path, Filter.Operator op, JsonNode operand) {
    return new Filter.Criterion(path, List.of(new Filter.Comparison(op, operand)));
  }

  /** The INCLUSIVE values of a SetDimension ({@code {DimensionType, Values}}); EXCLUSIVE ones are reported. */
  private List<String> setValues(JsonNode dimension, String activity, String path) {
    List<String> out = new ArrayList<>();
    if (dimension == null || !dimension.isObject()) {
      return out;
    }
    if ("EXCLUSIVE".equals(dimension.path("DimensionType").asText("INCLUSIVE"))) {
      if (path != null) {
        findings.add(new Finding(activity, path, "EXCLUSIVE event types (every event but these) have no Nudge equivalent"));
      }
      return out;
    }
    dimension.path("Values").forEach(v -> out.add(v.asText()));
    return out;
  }

  private String eventType(String value, String activity, String path) {
    String type = value.replaceFirst("^_+", "");
    if (!EVENT_TYPE.matcher(type).matches()) {
      // Pinpoint apps often name events in CamelCase (CartAbandoned): the words become Nudge's
      // dotted lower case (cart.abandoned), anything else unusable an underscore.
      type = type.replaceAll("([a-z0-9])([A-Z])", "$1.$2").replaceAll("\\s+", ".").toLowerCase(java.util.Locale.ROOT)
          .replaceAll("[^a-z0-9_.\\-]", "_").replaceAll("\\.{2,}", ".").replaceAll("^\\.+|\\.+$", "");
      type = type.isEmpty() ? "event" : Character.isLetter(type.charAt(0)) ? type : "event." + type;
      type = type.length() > 100 ? type.substring(0, 100).replaceAll("\\.+$", "") : type;
    }
    if (!type.equals(value)) {
      findings.add(new Finding(activity, path, "event type \"" + value + "\" written \"" + type
          + "\" (Nudge event types are " + dev.nudge.tracking.EventTypes.DESCRIPTION + "): track it under that name"));
    }
    return type;
  }

  private String segment(String id, String activity, String path) {
    if (NAME.matcher(id).matches()) {
      return id;
    }
    String name = slug(id, "segment");
    findings.add(new Finding(activity, path, "segment \"" + id + "\" written \"" + name
        + "\" (a Nudge segment id has letters, digits, _ and -)"));
    return name;
  }

  // ---------------------------------------------------------------- values

  private List<Step.Arm> hundred(String activity, List<Step.Arm> arms, String path) {
    int sum = arms.stream().mapToInt(Step.Arm::percent).sum();
    if (sum == 100 || arms.isEmpty()) {
      if (arms.isEmpty()) {
        findings.add(new Finding(activity, path, "no path with a percentage; every contact ends here"));
        return List.of(new Step.Arm(100, Step.END));
      }
      return arms;
    }
    List<Step.Arm> out = new ArrayList<>(arms);
    if (sum < 100) {
      out.add(new Step.Arm(100 - sum, Step.END));
      findings.add(new Finding(activity, path, "percentages add up to " + sum + "; the other " + (100 - sum) + "% end the journey"));
    } else {
      Step.Arm last = out.remove(out.size() - 1);
      int percent = last.percent() - (sum - 100);
      if (percent > 0) {
        out.add(new Step.Arm(percent, last.next()));
      }
      findings.add(new Finding(activity, path, "percentages add up to " + sum + "; the last path gets " + Math.max(percent, 0) + "%"));
    }
    return out;
  }

  /**
   * An ISO 8601 duration. Nudge refuses months and years (no fixed length); Pinpoint allows them,
   * so they are read as 30 and 365 days and reported.
   */
  private Duration duration(String text, String activity, String path) {
    Duration d = Durations.parse(text).orElse(null);
    if (d == null) {
      Matcher m = Pattern.compile("P([0-9YMWD]*)(T.*)?").matcher(text);
      if (m.matches()) {
        try {
          Period p = m.group(1).isEmpty() ? Period.ZERO : Period.parse("P" + m.group(1));
          Duration time = m.group(2) == null ? Duration.ZERO : Duration.parse("P" + m.group(2));
          d = Duration.ofDays(p.getYears() * 365L + p.getMonths() * 30L + p.getDays()).plus(time);
          findings.add(new Finding(activity, path, "\"" + text + "\" read as " + Durations.format(d)
              + " (Nudge durations have no months or years: 30 and 365 days)"));
        } catch (DateTimeParseException e) {
          d = null;
        }
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      return null;
    }
    if (d.compareTo(Duration.ofDays(365)) > 0) {
      findings.add(new Finding(activity, path, "\"" + text + "\" is longer than a journey can wait (P365D); shortened to P365D"));
      return Duration.ofDays(365);
    }
    return d;
  }

  /** Pinpoint's "UTC-08" style offsets as IANA zones (Etc/GMT+8: the sign is inverted there). */
  private String zone(String text) {
    if (text.equals("UTC") || java.time.ZoneId.getAvailableZoneIds().contains(text)) {
      return text;
    }
    Matcher m = UTC_OFFSET.matcher(text);
    if (m.matches()) {
      int hours = Integer.parseInt(m.group(2));
      if (m.group(3) == null || m.group(3).equals("00")) {
        if (hours == 0) {
          return "UTC";
        }
        return "Etc/GMT" + (m.group(1).equals("+") ? "-" : "+") + hours;
      }
      findings.add(new Finding(null, "Schedule.Timezone", "\"" + text + "\" has no IANA zone of its own (a half-hour offset); "
          + "the workflow's timezone is left UTC: set the region's zone (e.g. Asia/Kolkata) by hand"));
      return null;
    }
    findings.add(new Finding(null, "Schedule.Timezone", "\"" + text + "\" is not a timezone; left UTC"));
    return null;
  }

  private static String time(String text) {
    Matcher m = Pattern.compile("(\\d{1,2}):(\\d{2})").matcher(text.trim());
    if (!m.matches() || Integer.parseInt(m.group(1)) > 23 || Integer.parseInt(m.group(2)) > 59) {
      return null;
    }
    return String.format("%02d:%s", Integer.parseInt(m.group(1)), m.group(2));
  }

  /** Lower-case letters, digits and single hyphens, at most 60: a Nudge id. */
  static String slug(String text, String fallback) {
    if (text == null) {
      return fallback;
    }
    // Words in camel case are split (ReminderEmail -> reminder-email); generated ids with digits are not (Viv6yKziaa -> viv6ykziaa).
    String words = text.matches("[A-Za-z _-]+") ? text.replaceAll("([a-z])([A-Z])", "$1-$2") : text;
    String s = words.toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (s.length() > 60) {
      s = s.substring(0, 60).replaceAll("-+$", "");
    }
    return s.isEmpty() ? fallback : s;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = F.arrayNode();
    values.forEach(array::add);
    return array;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
  }

  private String header(JsonNode journey) {
    StringBuilder b = new StringBuilder();
    b.append("# Imported from the Amazon Pinpoint journey ").append(journey.path("Name").asText("(unnamed)"))
        .append(" (").append(journey.path("Id").asText("no id")).append(") by ./nudge import pinpoint.\n");
    b.append("# Step ids from Pinpoint activity ids:\n");
    stepIds.forEach((activity, step) -> b.append("#   ").append(activity).append(" -> ").append(step)
        .append(entryIds.containsKey(activity) ? " (after " + entryIds.get(activity) + ")" : "").append('\n'));
    if (!findings.isEmpty()) {
      b.append("# Not converted exactly (").append(findings.size()).append("):\n");
      findings.forEach(f -> b.append("#   - ").append(f.toString().replace('\n', ' ')).append('\n'));
    }
    return b.toString();
  }
}
