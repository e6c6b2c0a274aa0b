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
        + "h2{margin-top:1.5em}</style></head><body><h1>Statistics per workflow and step</h1>"
        + "<p><a href=/_local/>Local cloud</a> · <a href=/_local/dashboard>Dashboard</a></p>");
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
          h.append("<h3>Version ").append(esc(version.path("version").asText())).append("</h3><p>Journeys: started ")
              .append(journeys.path("started").asLong()).append(", converted ").append(journeys.path("converted").asLong())
              .append(", exited ").append(journeys.path("exited").asLong()).append("</p>");
          h.append("<table><tr><th>Step</th><th>Entered</th><th>Sent</th><th>Delivered</th><th>Opened</th>"
              + "<th>Clicked</th><th>Bounced</th><th>Open rate</th><th>Click rate</th><th>Open p50</th></tr>");
          for (JsonNode step : version.path("steps")) {
            JsonNode c = step.path("counters");
            h.append("<tr data-step=\"").append(esc(step.path("step").asText())).append("\"><td>")
                .append(esc(step.path("step").asText())).append("</td>");
            for (String counter : List.of("entered", "sent", "delivered", "opened", "clicked", "bounced")) {
              h.append("<td class=").append(counter).append('>').append(c.path(counter).asLong()).append("</td>");
            }
            h.append("<td>").append(percent(step.path("rates").path("open"))).append("</td><td>")
                .append(percent(step.path("rates").path("click"))).append("</td><td>")
                .append(esc(readable(step.path("responseTimes").path("sendToOpen").path("p50").asText(null))))
                .append("</td></tr>");
          }
          h.append("</table>");
        }
        h.append("</section>");
      }
    }
    return h.append("</body></html>").toString();
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
