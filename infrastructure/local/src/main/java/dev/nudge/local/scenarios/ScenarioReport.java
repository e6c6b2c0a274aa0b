package dev.nudge.local.scenarios;

import dev.nudge.local.scenarios.ScenarioFile.Expectation;
import dev.nudge.local.scenarios.ScenarioFile.ExpectedMessage;
import dev.nudge.local.scenarios.ScenarioFile.Scenario;
import dev.nudge.local.scenarios.ScenarioRunner.ActualContact;
import dev.nudge.local.scenarios.ScenarioRunner.ActualMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Compares what a scenario expected with what happened, per contact, and writes the difference for
 * a person: the expected and actual message timelines side by side (time from the start, step,
 * template, channel, locale), a mark on each row that differs, then the path, outcome and lists
 * that differ. Empty when everything matched.
 */
final class ScenarioReport {
  private static final String[] HEADERS = {"at", "step", "template", "channel", "locale"};

  private ScenarioReport() {}

  static String compare(ScenarioFile file, Scenario scenario, Map<String, ActualContact> actual, List<String> problems) {
    StringBuilder out = new StringBuilder();
    for (String problem : problems) {
      out.append("  ").append(problem).append('\n');
    }
    if (actual.isEmpty()) {
      return out.toString();
    }
    for (ActualContact contact : actual.values()) {
      Expectation expected = scenario.expect().stream().filter(x -> x.contact().equals(contact.id())).findFirst()
          .orElse(new Expectation(contact.id(), null, null, null, null, null));
      StringBuilder differences = new StringBuilder();
      List<ExpectedMessage> messages = expected.messages() == null ? List.of() : expected.messages();
      List<ActualMessage> received = aligned(messages, contact.messages(), file.start());
      if (!matches(messages, received, file.start())) {
        differences.append("    messages (times from the start, ").append(file.start()).append("):\n");
        differences.append(table(messages, received, file.start()));
        if (expected.messages() == null && !contact.messages().isEmpty()) {
          differences.append("    (no messages were expected for ").append(contact.id()).append(": list them under expect)\n");
        }
      }
      if (expected.path() != null && !expected.path().equals(contact.path())) {
        differences.append("    path:\n      expected  ").append(steps(expected.path())).append("\n      actual    ")
            .append(steps(contact.path())).append('\n');
      }
      if (expected.outcome() != null && !expected.outcome().equals(contact.outcome())) {
        differences.append("    outcome: expected ").append(expected.outcome()).append(", actual ")
            .append(contact.outcome()).append('\n');
      }
      if (expected.lists() != null && !contact.lists().containsAll(expected.lists())) {
        List<String> missing = new ArrayList<>(expected.lists());
        missing.removeAll(contact.lists());
        differences.append("    lists: expected in ").append(expected.lists()).append(", not in ").append(missing)
            .append("; actual ").append(contact.lists()).append('\n');
      }
      if (expected.webhooks() != null && !webhooksMatch(expected.webhooks(), contact.webhooks())) {
        differences.append("    webhooks:\n      expected  ").append(calls(expected.webhooks())).append("\n      actual    ")
            .append(calls(contact.webhooks())).append('\n');
      }
      if (differences.length() > 0) {
        out.append("  contact ").append(contact.id()).append(" (path ").append(steps(contact.path())).append(", outcome ")
            .append(contact.outcome()).append("):\n").append(differences);
      }
    }
    return out.toString();
  }

  private static boolean webhooksMatch(List<ScenarioFile.ExpectedWebhook> expected,
      List<ScenarioFile.ExpectedWebhook> actual) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      ScenarioFile.ExpectedWebhook want = expected.get(i);
      ScenarioFile.ExpectedWebhook got = actual.get(i);
      if (!want.step().equals(got.step()) || (want.url() != null && !want.url().equals(got.url()))) {
        return false;
      }
    }
    return true;
  }

  private static String calls(List<ScenarioFile.ExpectedWebhook> calls) {
    return calls.isEmpty() ? "(none)" : String.join(", ", calls.stream()
        .map(c -> c.step() + (c.url() == null ? "" : " → " + c.url())).toList());
  }

  /**
   * The received messages in the expected order where only their order within one minute differs:
   * two journeys of a contact sending in the same minute (a reward and the club's welcome it starts)
   * have no order between them, and the times are compared to the minute anyway.
   */
  static List<ActualMessage> aligned(List<ExpectedMessage> expected, List<ActualMessage> actual, Instant start) {
    List<ActualMessage> result = new ArrayList<>(actual);
    for (int i = 0; i < Math.min(expected.size(), result.size()); i++) {
      if (matches(expected.get(i), result.get(i), start)) {
        continue;
      }
      long minute = minutes(Duration.between(start, result.get(i).sentAt()));
      for (int j = i + 1; j < result.size() && minutes(Duration.between(start, result.get(j).sentAt())) == minute; j++) {
        if (matches(expected.get(i), result.get(j), start)) {
          result.add(i, result.remove(j));
          break;
        }
      }
    }
    return result;
  }

  private static boolean matches(List<ExpectedMessage> expected, List<ActualMessage> actual, Instant start) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!matches(expected.get(i), actual.get(i), start)) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(ExpectedMessage e, ActualMessage a, Instant start) {
    return e.step().equals(a.step())
        && (e.template() == null || e.template().equals(a.template()))
        && (e.channel() == null || e.channel().equals(a.channel()))
        && (e.locale() == null || locale(e.locale(), a.locale()))
        && (e.at() == null || minutes(e.at()) == minutes(Duration.between(start, a.sentAt())));
  }

  /** {@code es} matches a variant {@code es} or {@code es-ES}; case does not matter. */
  private static boolean locale(String expected, String actual) {
    if (actual == null) {
      return false;
    }
    String e = expected.toLowerCase(Locale.ROOT);
    String a = actual.toLowerCase(Locale.ROOT);
    return a.equals(e) || a.startsWith(e + "-") || e.startsWith(a + "-");
  }

  private static long minutes(Duration d) {
    return d.truncatedTo(ChronoUnit.MINUTES).toMinutes();
  }

  private static String table(List<ExpectedMessage> expected, List<ActualMessage> actual, Instant start) {
    List<String[]> rows = new ArrayList<>();
    List<Boolean> differs = new ArrayList<>();
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      ExpectedMessage e = i < expected.size() ? expected.get(i) : null;
      ActualMessage a = i < actual.size() ? actual.get(i) : null;
      String[] left = e == null ? new String[] {"—", "", "", "", ""}
          : new String[] {e.at() == null ? "*" : duration(e.at()), e.step(), or(e.template()), or(e.channel()), or(e.locale())};
      String[] right = a == null ? new String[] {"—", "", "", "", ""}
          : new String[] {duration(Duration.between(start, a.sentAt())), a.step() == null ? "(no step)" : a.step(),
              a.template() == null ? "?" : a.template(), a.channel(), a.locale() == null ? "?" : a.locale()};
      String[] row = new String[11];
      row[0] = Integer.toString(i + 1);
      System.arraycopy(left, 0, row, 1, 5);
      System.arraycopy(right, 0, row, 6, 5);
      rows.add(row);
      differs.add(e == null || a == null || !matches(e, a, start));
    }
    String[] header = new String[11];
    header[0] = "#";
    for (int i = 0; i < 5; i++) {
      header[1 + i] = (i == 0 ? "expected " : "") + HEADERS[i];
      header[6 + i] = (i == 0 ? "actual " : "") + HEADERS[i];
    }
    int[] widths = new int[11];
    for (String[] row : concat(header, rows)) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("      ").append(line(header, widths)).append('\n');
    for (int r = 0; r < rows.size(); r++) {
      out.append(differs.get(r) ? "    ✗ " : "      ").append(line(rows.get(r), widths)).append('\n');
    }
    return out.toString();
  }

  private static List<String[]> concat(String[] header, List<String[]> rows) {
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return all;
  }

  private static String line(String[] row, int[] widths) {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < row.length; c++) {
      out.append(pad(row[c], widths[c]));
      out.append(c == 5 ? " │ " : c == row.length - 1 ? "" : "  ");
    }
    return out.toString().stripTrailing();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - text.length()));
  }

  private static String or(String value) {
    return value == null ? "*" : value;
  }

  private static String steps(List<String> steps) {
    return steps.isEmpty() ? "(none)" : String.join(" → ", steps);
  }

  /** An ISO-8601 duration the way the files write it: P1DT2H30M, PT0S. */
  static String duration(Duration d) {
    long days = d.toDays();
    Duration rest = d.minusDays(days);
    StringBuilder out = new StringBuilder("P");
    if (days > 0) {
      out.append(days).append('D');
    }
    if (!rest.isZero() || days == 0) {
      out.append('T');
      if (rest.toHours() > 0) {
        out.append(rest.toHours()).append('H');
      }
      if (rest.toMinutesPart() > 0) {
        out.append(rest.toMinutesPart()).append('M');
      }
      if (rest.toSecondsPart() > 0 || Objects.equals(out.toString(), "PT")) {
        out.append(rest.toSecondsPart()).append('S');
      }
    }
    return out.toString();
  }
}
