package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nudge stats WORKFLOW [--from DAY --to DAY]}: GET /v1/workflows/{id}/stats as tables. */
@Command(name = "stats", header = "A workflow's journeys and per-step statistics as a table.", sortOptions = false,
    description = "A workflow's statistics (GET /v1/workflows/{id}/stats): per version, the journeys (started, "
        + "converted, completed, exited) and a table of its steps' counters and rates. With --from and --to, "
        + "only those UTC days.")
final class StatsCommand implements Callable<Integer> {
  /** The counters people read first, in the order a message lives; any others follow by name. */
  private static final List<String> COUNTERS = List.of("entered", "sent", "deferred", "delivered", "opened", "clicked",
      "bounced", "complained", "unsubscribed", "failed");
  private static final List<String> RATES = List.of("open", "click", "bounce", "unsubscribe");

  private final CliContext context;

  @Parameters(paramLabel = "WORKFLOW", description = "The workflow id.")
  String workflow;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First UTC day (with --to).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last UTC day, included (with --from; at most 92 days).")
  LocalDate to;

  @Option(names = "--json", description = "Print the API's JSON instead of tables (for scripts).")
  boolean json;

  @Mixin
  TargetOptions target = new TargetOptions();

  StatsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!workflow.matches("^[a-z0-9][a-z0-9-]{0,59}$")) {
      throw CliException.usage("not a workflow id: '" + workflow + "'");
    }
    if ((from == null) != (to == null)) {
      throw CliException.usage("--from and --to go together");
    }
    if (from != null && to.isBefore(from)) {
      throw CliException.usage("--to " + to + " is before --from " + from);
    }
    ApiClient api = target.connect(context);
    String path = "/v1/workflows/" + workflow + "/stats" + (from == null ? "" : "?from=" + from + "&to=" + to);
    JsonNode stats = api.admin("GET", path, null, null).check("stats of " + workflow).json();
    if (json) {
      context.out().println(stats.toPrettyString());
    } else {
      print(stats, context.out());
    }
    return Nudge.OK;
  }

  static void print(JsonNode stats, PrintStream out) {
    out.println(stats.path("workflow").asText() + (stats.has("range")
        ? "  " + stats.path("range").path("from").asText() + " to " + stats.path("range").path("to").asText() + " (UTC days)" : "")
        + (stats.hasNonNull("firstAt") ? "  first " + stats.get("firstAt").asText() + ", last " + stats.path("lastAt").asText() : ""));
    if (stats.path("versions").isEmpty()) {
      out.println("  nothing yet: no journey has started");
      return;
    }
    for (JsonNode version : stats.path("versions")) {
      JsonNode journeys = version.path("journeys");
      out.println();
      out.println("version " + version.path("version").asText() + ": " + List.of("started", "converted", "completed", "exited")
          .stream().map(c -> journeys.path(c).asLong(0) + " " + c).reduce((a, b) -> a + ", " + b).orElse("")
          + ", conversion " + percent(journeys.path("conversionRate"))
          + (journeys.path("timeToConversion").has("p50") ? ", time to conversion p50 " + journeys.path("timeToConversion").path("p50").asText() : ""));
      Set<String> counters = new LinkedHashSet<>();
      Set<String> others = new TreeSet<>();
      for (JsonNode step : version.path("steps")) {
        step.path("counters").fieldNames().forEachRemaining(name -> (COUNTERS.contains(name) ? counters : others).add(name));
      }
      List<String> columns = new ArrayList<>(COUNTERS.stream().filter(counters::contains).toList());
      columns.addAll(others);
      List<String> headers = new ArrayList<>(List.of("step", "channel"));
      headers.addAll(columns);
      RATES.forEach(r -> headers.add(r + " %"));
      Table table = new Table(headers);
      for (JsonNode step : version.path("steps")) {
        List<String> row = new ArrayList<>(List.of(step.path("step").asText(), step.path("channel").asText("")));
        columns.forEach(c -> row.add(Long.toString(step.path("counters").path(c).asLong(0))));
        RATES.forEach(r -> row.add(percent(step.path("rates").path(r))));
        table.add(row);
      }
      if (!table.isEmpty()) {
        out.println();
        table.print(out, "  ");
      }
    }
  }

  /** 0.4567 → "45.7%"; a rate without a denominator is "–", never a misleading 0. */
  static String percent(JsonNode rate) {
    return rate.isNumber() ? String.format(Locale.ROOT, "%.1f%%", rate.asDouble() * 100) : "–";
  }
}
