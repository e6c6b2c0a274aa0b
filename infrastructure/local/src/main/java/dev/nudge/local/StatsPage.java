package dev.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.lambda.LocalFunction;
import dev.nudge.stats.StepStats;
import dev.nudge.stats.WorkflowStatsReport;
import dev.nudge.workflows.admin.WorkflowStore;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code /_local/stats}: every published workflow's statistics per version and step, as the
 * stats API reports them (the same {@link WorkflowStatsReport}, read from the template's
 * statistics table through the local endpoint): counters, rates and response times.
 */
final class StatsPage {
  private StatsPage() {}

  static String html(LocalCloud cloud) {
    LocalFunction admin = cloud.functions().find("WorkflowsAdminFunction");
    StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=utf-8><title>Nudge statistics</title>"
        + "<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
        + "th,td{border-bottom:1px solid #ddd;padding:.3em .7em;text-align:right}th:first-child,td:first-child{text-align:left}"
        + "h2{margin-top:1.5em}small{color:#777}td b{font-weight:600}"
        + ".bars{width:160px}.bar{height:5px;margin:1px 0;border-radius:2px}.bar.sent{background:#9aa5b1}"
        + ".bar.delivered{background:#4c8bf5}.bar.opened{background:#2bb673}.bar.clicked{background:#f5a623}"
        + "p.legend span{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 .3em 0 1em}</style></head><body><h1>Statistics per workflow and step</h1>"
        + "<p><a href=/_local/>Local cloud</a> · <a href=/_local/dashboard>Dashboard</a></p>"
        + "<p class=legend>Funnel, as a share of the step's entries:<span style=background:#9aa5b1></span>sent"
        + "<span style=background:#4c8bf5></span>delivered<span style=background:#2bb673></span>opened"
        + "<span style=background:#f5a623></span>clicked</p>");
    if (admin == null || admin.variables().get("STATS_TABLE") == null) {
      return h.append("<p>The template has no statistics table.</p></body></html>").toString();
    }
    try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(URI.create(cloud.endpoint().toString()))
        .region(Region.of(cloud.stack().region())).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
      StepStats stats = new StepStats(ddb, admin.variables().get("STATS_TABLE"));
      List<WorkflowStore.Meta> workflows = new WorkflowStore(ddb, admin.variables().get("WORKFLOWS_TABLE")).list();
      if (workflows.isEmpty()) {
        h.append("<p>No workflow yet.</p>");
      }
      for (WorkflowStore.Meta meta : workflows) {
        JsonNode report = WorkflowStatsReport.of(meta.id(), stats.read(meta.id()), meta.published() ? meta.live() : null);
        h.append("<section class=workflow data-workflow=\"").append(esc(meta.id())).append("\"><h2>")
            .append(esc(meta.id())).append("</h2>");
        for (JsonNode version : report.path("versions")) {
          JsonNode journeys = version.path("journeys");
          h.append("<h3>Version ").append(esc(version.path("version").asText())).append("</h3><p class=journeys>Journeys: started <b class=started>")
              .append(journeys.path("started").asLong()).append("</b>, converted <b class=converted>")
              .append(journeys.path("converted").asLong()).append("</b> (").append(percent(journeys.path("conversionRate")))
              .append("), completed <b class=completed>").append(journeys.path("completed").asLong())
              .append("</b>, exited <b class=exited>").append(journeys.path("exited").asLong()).append("</b>; time to conversion p50 ")
              .append(esc(readable(journeys.path("timeToConversion").path("p50").asText(null)))).append("</p>");
          h.append("<table><tr><th>Step</th><th>Entered</th><th>Sent</th><th>Delivered</th><th>Opened</th>"
              + "<th>Clicked</th><th>Bounced</th><th>Open rate</th><th>Click rate</th><th>Open p50</th><th>Funnel</th></tr>");
          for (JsonNode step : version.path("steps")) {
            JsonNode c = step.path("counters");
            h.append("<tr data-step=\"").append(esc(step.path("step").asText())).append("\"><td>")
                .append(esc(step.path("step").asText()))
                .append(step.has("channel") ? " <small>" + esc(step.path("channel").asText()) + "</small>" : "").append("</td>");
            for (String counter : List.of("entered", "sent", "delivered", "opened", "clicked", "bounced")) {
              h.append("<td class=").append(counter).append('>').append(c.path(counter).asLong()).append("</td>");
            }
            h.append("<td>").append(percent(step.path("rates").path("open"))).append("</td><td>")
                .append(percent(step.path("rates").path("click"))).append("</td><td>")
                .append(esc(readable(step.path("responseTimes").path("sendToOpen").path("p50").asText(null))))
                .append("</td><td class=funnel>").append(funnel(c)).append("</td></tr>");
          }
          h.append("</table>");
        }
        h.append("</section>");
      }
    }
    return h.append("</body></html>").toString();
  }

  /**
   * The step's funnel as bars, each as wide as its share of what entered the step: sent,
   * delivered, opened, clicked (plain HTML and CSS, so it also prints and needs no script).
   */
  static String funnel(JsonNode counters) {
    long entered = counters.path("entered").asLong();
    if (entered == 0) {
      return "";
    }
    StringBuilder bars = new StringBuilder("<div class=bars>");
    for (String counter : List.of("sent", "delivered", "opened", "clicked")) {
      long n = counters.path(counter).asLong();
      long width = Math.round(100.0 * Math.min(n, entered) / entered);
      bars.append("<div class=\"bar ").append(counter).append("\" title=\"").append(counter).append(' ').append(n)
          .append("\" style=\"width:").append(width).append("%\"></div>");
    }
    return bars.append("</div>").toString();
  }

  /** A bucket bound (PT15M, PT48H) as people read it: "≤ 15 min", "≤ 2 d"; "–" without samples. */
  static String readable(String bound) {
    if (bound == null) {
      return "–";
    }
    if (bound.equals("longer")) {
      return "> 30 d";
    }
    java.time.Duration d = java.time.Duration.parse(bound);
    if (d.toHours() >= 24 && d.toHours() % 24 == 0) {
      return "≤ " + d.toDays() + " d";
    }
    return d.toMinutes() >= 60 ? "≤ " + d.toHours() + " h" : "≤ " + d.toMinutes() + " min";
  }

  private static String percent(JsonNode rate) {
    return rate.isNumber() ? String.format(java.util.Locale.ROOT, "%.1f%%", rate.asDouble() * 100) : "–";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
