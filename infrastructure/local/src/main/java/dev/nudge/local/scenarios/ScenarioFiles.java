package dev.nudge.local.scenarios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nudge.local.scenarios.ScenarioFile.ContactSpec;
import dev.nudge.local.scenarios.ScenarioFile.Entry;
import dev.nudge.local.scenarios.ScenarioFile.Expectation;
import dev.nudge.local.scenarios.ScenarioFile.ExpectedMessage;
import dev.nudge.local.scenarios.ScenarioFile.Scenario;
import dev.nudge.local.scenarios.ScenarioFile.Setup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates scenario files. Every problem names the file, the scenario (by name, else by
 * index) and the field ({@code scenarios[0].timeline[2].at}); all problems of a file are reported
 * together and nothing is run. Unknown keys are refused, so a misspelt expectation cannot pass
 * silently.
 */
public final class ScenarioFiles {
  public static final String SUFFIX = ".test.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");
  private static final Set<String> CHANNELS = Set.of("email", "sms");

  /** A file that cannot be read or is invalid; {@link #getMessage()} lists every problem, one a line. */
  public static final class FormatException extends Exception {
    private final List<String> problems;

    public FormatException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private final Path file;
  private final List<String> problems = new ArrayList<>();
  private String scenario;

  private ScenarioFiles(Path file) {
    this.file = file;
  }

  /** The scenario files at {@code path}: the file itself, or every {@code *.test.yaml} under a directory. */
  public static List<Path> find(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (var walk = Files.walk(path)) {
      return walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }

  public static ScenarioFile read(Path file) throws FormatException {
    return new ScenarioFiles(file).parse();
  }

  private ScenarioFile parse() throws FormatException {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new FormatException(List.of(file + ": not valid YAML" + where + ": " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new FormatException(List.of(file + ": cannot be read: " + e));
    }
    if (root == null || !root.isObject()) {
      throw new FormatException(List.of(file + ": must be a YAML mapping with `scenarios`"));
    }
    known(root, "", "workflow", "start", "setup", "scenarios");
    String fileName = file.getFileName().toString();
    String workflow = text(root, "workflow", "", false);
    if (workflow == null) {
      workflow = fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length()) : null;
      if (workflow == null) {
        problem("workflow", "is required when the file name does not end with " + SUFFIX);
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Path workflowFile = null;
    if (workflow != null) {
      workflowFile = workflowFile(dir, workflow, "workflow");
    }
    Instant start = ScenarioFile.DEFAULT_START;
    String startText = text(root, "start", "", false);
    if (startText != null) {
      try {
        start = OffsetDateTime.parse(startText).toInstant();
      } catch (DateTimeParseException e) {
        problem("start", "'" + startText + "' is not an ISO-8601 instant (e.g. 2026-03-02T08:00:00Z)");
      }
    }
    Setup setup = setup(root.get("setup"), dir);
    List<Scenario> scenarios = new ArrayList<>();
    JsonNode list = root.get("scenarios");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problem("scenarios", "is required: a list of at least one scenario");
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        Scenario s = scenario(list.get(i), "scenarios[" + i + "]");
        if (s != null && !names.add(s.name())) {
          problem("scenarios[" + i + "].name", "'" + s.name() + "' is used by an earlier scenario; names must differ");
        }
        scenarios.add(s);
        scenario = null;
      }
    }
    if (!problems.isEmpty()) {
      throw new FormatException(problems);
    }
    return new ScenarioFile(file, workflow, workflowFile, start, setup, List.copyOf(scenarios));
  }

  private Path workflowFile(Path dir, String workflow, String field) {
    if (!ID.matcher(workflow).matches()) {
      problem(field, "'" + workflow + "' is not a workflow id (a-z, 0-9 and -)");
      return null;
    }
    Path candidate = dir.resolve(workflow + ".yaml");
    if (!Files.isRegularFile(candidate)) {
      problem(field, "no workflow file " + candidate.getFileName() + " beside the scenario file");
      return null;
    }
    return candidate;
  }

  private Setup setup(JsonNode node, Path dir) {
    if (node == null || node.isNull()) {
      return Setup.NONE;
    }
    if (!node.isObject()) {
      problem("setup", "must be a mapping (workflows, segments, scoring, templates)");
      return Setup.NONE;
    }
    known(node, "setup.", "workflows", "segments", "scoring", "templates");
    List<String> workflows = strings(node, "workflows", "setup.");
    for (int i = 0; i < workflows.size(); i++) {
      workflowFile(dir, workflows.get(i), "setup.workflows[" + i + "]");
    }
    ObjectNode scoring = null;
    if (node.has("scoring")) {
      if (node.get("scoring").isObject()) {
        scoring = (ObjectNode) node.get("scoring");
      } else {
        problem("setup.scoring", "must be a mapping (the scoring rules, as published with PUT /v1/scoring)");
      }
    }
    return new Setup(workflows, objects(node, "segments"), scoring, objects(node, "templates"));
  }

  private Map<String, ObjectNode> objects(JsonNode setup, String field) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    JsonNode node = setup.get(field);
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      problem("setup." + field, "must be a mapping of id to definition");
      return out;
    }
    node.fields().forEachRemaining(e -> {
      if (!ID.matcher(e.getKey()).matches()) {
        problem("setup." + field + "." + e.getKey(), "is not an id (a-z, 0-9 and -, at most 60)");
      } else if (!e.getValue().isObject()) {
        problem("setup." + field + "." + e.getKey(), "must be a mapping (the definition)");
      } else {
        out.put(e.getKey(), (ObjectNode) e.getValue());
      }
    });
    return out;
  }

  private Scenario scenario(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      problem(path, "must be a mapping with name, timeline and expect");
      return null;
    }
    String name = text(node, "name", path + ".", true);
    scenario = name;
    known(node, path + ".", "name", "contacts", "timeline", "until", "expect");
    List<ContactSpec> contacts = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    JsonNode list = array(node, "contacts", path + ".");
    for (int i = 0; i < list.size(); i++) {
      ContactSpec c = contact(list.get(i), path + ".contacts[" + i + "]");
      if (c != null) {
        if (!ids.add(c.id())) {
          problem(path + ".contacts[" + i + "].id", "'" + c.id() + "' is listed twice");
        }
        contacts.add(c);
      }
    }
    List<Entry> timeline = new ArrayList<>();
    list = array(node, "timeline", path + ".");
    Duration last = Duration.ZERO;
    for (int i = 0; i < list.size(); i++) {
      Entry e = entry(list.get(i), path + ".timeline[" + i + "]", i);
      if (e != null) {
        if (e.at() != null && e.at().compareTo(last) < 0) {
          problem(path + ".timeline[" + i + "].at", e.at() + " is before the previous entry's " + last
              + "; the timeline is in order");
        }
        if (e.at() != null) {
          last = e.at().compareTo(last) > 0 ? e.at() : last;
        }
        if (e.contact() != null) {
          ids.add(e.contact());
        }
        timeline.add(e);
      }
    }
    Duration until = duration(node, "until", path + ".");
    if (until == null) {
      until = last.plus(Duration.ofDays(30));
    } else if (until.compareTo(last) < 0) {
      problem(path + ".until", until + " is before the last timeline entry (" + last + ")");
    }
    List<Expectation> expect = new ArrayList<>();
    list = array(node, "expect", path + ".");
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Expectation x = expectation(list.get(i), path + ".expect[" + i + "]");
      if (x != null) {
        if (!ids.contains(x.contact())) {
          problem(path + ".expect[" + i + "].contact", "'" + x.contact()
              + "' is neither under contacts nor in the timeline");
        } else if (!expected.add(x.contact())) {
          problem(path + ".expect[" + i + "].contact", "'" + x.contact() + "' has two expectations; merge them");
        }
        expect.add(x);
      }
    }
    return new Scenario(name, List.copyOf(contacts), List.copyOf(timeline), until, List.copyOf(expect));
  }

  private ContactSpec contact(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      problem(path, "must be a mapping with at least an id");
      return null;
    }
    String p = path + ".";
    known(node, p, "id", "email", "phone", "locale", "timezone", "attributes", "consent", "lists", "location");
    String id = text(node, "id", p, true);
    String timezone = text(node, "timezone", p, false);
    if (timezone != null) {
      try {
        ZoneId.of(timezone);
      } catch (DateTimeException e) {
        problem(p + "timezone", "'" + timezone + "' is not an IANA time zone (e.g. Europe/Madrid)");
      }
    }
    List<String> consent = strings(node, "consent", p);
    for (int i = 0; i < consent.size(); i++) {
      if (!CHANNELS.contains(consent.get(i))) {
        problem(p + "consent[" + i + "]", "'" + consent.get(i) + "' is not a channel: email or sms");
      }
    }
    return new ContactSpec(id, text(node, "email", p, false), text(node, "phone", p, false),
        text(node, "locale", p, false), timezone, object(node, "attributes", p), consent, strings(node, "lists", p),
        object(node, "location", p));
  }

  private Entry entry(JsonNode node, String path, int index) {
    if (node == null || !node.isObject()) {
      problem(path, "must be a mapping with at, contact and event");
      return null;
    }
    String p = path + ".";
    known(node, p, "at", "contact", "event", "properties", "message");
    Duration at = duration(node, "at", p);
    if (at == null && !node.has("at")) {
      problem(p + "at", "is required: an ISO-8601 duration from the start (PT0S, PT1H30M, P2D)");
    }
    String contact = text(node, "contact", p, true);
    String event = text(node, "event", p, true);
    JsonNode properties = node.get("properties");
    if (properties != null && !properties.isObject()) {
      problem(p + "properties", "must be a mapping");
    }
    String message = text(node, "message", p, false);
    if (event != null && ScenarioFile.FEEDBACK.containsKey(event)) {
      if (message == null && !node.has("message")) {
        problem(p + "message", "is required for " + event + ": the id of the step that sent the message");
      }
      if (properties != null) {
        problem(p + "properties", event + " is SES feedback on a sent message: it takes `message`, not properties");
      }
    } else if (message != null) {
      problem(p + "message", "only for " + String.join(", ", new java.util.TreeSet<>(ScenarioFile.FEEDBACK.keySet()))
          + "; '" + event + "' is a tracked event");
    }
    return new Entry(index, at, contact, event, properties, message);
  }

  private Expectation expectation(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      problem(path, "must be a mapping with a contact");
      return null;
    }
    String p = path + ".";
    known(node, p, "contact", "messages", "path", "outcome", "lists", "webhooks");
    String contact = text(node, "contact", p, true);
    List<ExpectedMessage> messages = null;
    if (node.has("messages") && !node.get("messages").isNull()) {
      messages = new ArrayList<>();
      JsonNode list = array(node, "messages", p);
      for (int i = 0; i < list.size(); i++) {
        ExpectedMessage m = message(list.get(i), p + "messages[" + i + "]");
        if (m != null) {
          messages.add(m);
        }
      }
    }
    List<String> pathSteps = node.has("path") ? strings(node, "path", p) : null;
    String outcome = text(node, "outcome", p, false);
    if (outcome != null && !ScenarioFile.OUTCOMES.contains(outcome)) {
      problem(p + "outcome", "'" + outcome + "' is not one of " + String.join(", ", ScenarioFile.OUTCOMES));
    }
    List<String> lists = node.has("lists") ? strings(node, "lists", p) : null;
    List<ScenarioFile.ExpectedWebhook> webhooks = null;
    if (node.has("webhooks")) {
      webhooks = new ArrayList<>();
      JsonNode list = array(node, "webhooks", p);
      for (int i = 0; i < list.size(); i++) {
        String w = p + "webhooks[" + i + "]";
        JsonNode call = list.get(i);
        if (call == null || !call.isObject()) {
          problem(w, "must be a mapping with a step");
          continue;
        }
        known(call, w + ".", "step", "url");
        webhooks.add(new ScenarioFile.ExpectedWebhook(text(call, "step", w + ".", true), text(call, "url", w + ".", false)));
      }
      webhooks = List.copyOf(webhooks);
    }
    return new Expectation(contact, messages == null ? null : List.copyOf(messages), pathSteps, outcome, lists,
        webhooks);
  }

  private ExpectedMessage message(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      problem(path, "must be a mapping with at least a step");
      return null;
    }
    String p = path + ".";
    known(node, p, "step", "template", "channel", "locale", "at");
    String channel = text(node, "channel", p, false);
    if (channel != null && !CHANNELS.contains(channel)) {
      problem(p + "channel", "'" + channel + "' is not a channel: email or sms");
    }
    return new ExpectedMessage(text(node, "step", p, true), text(node, "template", p, false), channel,
        text(node, "locale", p, false), duration(node, "at", p));
  }

  // --- field helpers ------------------------------------------------------------------------------

  private void known(JsonNode node, String prefix, String... keys) {
    Set<String> allowed = Set.of(keys);
    node.fieldNames().forEachRemaining(k -> {
      if (!allowed.contains(k)) {
        problem(prefix + k, "unknown key (known here: " + String.join(", ", keys) + ")");
      }
    });
  }

  private String text(JsonNode node, String field, String prefix, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        problem(prefix + field, "is required");
      }
      return null;
    }
    if (!value.isValueNode() || value.isBoolean() || value.asText().isBlank()) {
      problem(prefix + field, "must be a non-empty text");
      return null;
    }
    return value.asText();
  }

  private Duration duration(JsonNode node, String field, String prefix) {
    String text = text(node, field, prefix, false);
    if (text == null) {
      return null;
    }
    try {
      Duration d = Duration.parse(text);
      if (d.isNegative()) {
        problem(prefix + field, "'" + text + "' is negative");
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      problem(prefix + field, "'" + text + "' is not an ISO-8601 duration (PT0S, PT1H30M, P2D, P1DT6H)");
      return null;
    }
  }

  private JsonNode array(JsonNode node, String field, String prefix) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return YAML.createArrayNode();
    }
    if (!value.isArray()) {
      problem(prefix + field, "must be a list");
      return YAML.createArrayNode();
    }
    return value;
  }

  private List<String> strings(JsonNode node, String field, String prefix) {
    JsonNode list = array(node, field, prefix);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
        problem(prefix + field + "[" + i + "]", "must be a non-empty text");
      } else {
        out.add(item.asText());
      }
    }
    return List.copyOf(out);
  }

  private ObjectNode object(JsonNode node, String field, String prefix) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      problem(prefix + field, "must be a mapping");
      return null;
    }
    return (ObjectNode) value;
  }

  private void problem(String field, String message) {
    problems.add(file + ": " + (scenario == null ? "" : "scenario \"" + scenario + "\": ") + field + ": " + message);
  }
}
