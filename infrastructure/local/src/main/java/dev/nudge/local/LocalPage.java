package dev.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.metrics.DashboardPage;
import dev.nudge.local.metrics.LocalDashboard;
import dev.nudge.local.states.StatesEngine;
import dev.nudge.local.states.StatesModel;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * {@code /_local/}: the outbox as recipients see it (with buttons that simulate open, click,
 * bounce and complaint, emitting the SES events), the journeys in flight and what each waits
 * for, the event log, and the clock. Plain server-rendered HTML with forms: it works without
 * JavaScript, so a headless browser and curl see the same page.
 */
final class LocalPage {
  private final LocalCloud cloud;

  LocalPage(LocalCloud cloud) {
    this.cloud = cloud;
  }

  Reply handle(Request request) {
    String path = request.path();
    String method = request.method();
    try {
      if (method.equals("GET") && (path.equals("/_local") || path.equals("/_local/"))) {
        return Reply.text(200, "text/html; charset=utf-8", html());
      }
      if (path.equals("/_local/clock")) {
        if (method.equals("POST")) {
          return clock(request);
        }
        return Reply.json(200, cloud.clockState(), "application/json");
      }
      if (method.equals("GET") && path.equals("/_local/api/outbox")) {
        ArrayNode list = Json.array();
        for (Outbox.Message m : cloud.outbox().all()) {
          list.add(Json.MAPPER.valueToTree(m));
        }
        return Reply.json(200, list, "application/json");
      }
      if (method.equals("GET") && path.equals("/_local/stats")) {
        return Reply.text(200, "text/html; charset=utf-8", StatsPage.html(cloud));
      }
      if (method.equals("GET") && (path.equals("/_local/dashboard") || path.equals("/_local/api/dashboard"))) {
        var dashboards = cloud.stack().ofType("AWS::CloudWatch::Dashboard");
        if (dashboards.isEmpty()) {
          return Reply.json(404, Json.object().put("message", "the template defines no AWS::CloudWatch::Dashboard"),
              "application/json");
        }
        var dashboard = dashboards.get(0);
        var evaluated = new LocalDashboard(cloud.metrics()).evaluate(dashboard.required("DashboardBody").asText(),
            cloud.clock().instant());
        return path.startsWith("/_local/api/")
            ? Reply.json(200, LocalDashboard.toJson(evaluated), "application/json")
            : Reply.text(200, "text/html; charset=utf-8",
                DashboardPage.html(dashboard.text("DashboardName", dashboard.logicalId()), evaluated));
      }
      if (method.equals("GET") && path.startsWith("/_local/assets/")) {
        String name = path.substring("/_local/assets/".length());
        if (!name.matches("[A-Za-z0-9.]+") ) {
          return Reply.json(404, Json.object().put("message", "no asset " + name), "application/json");
        }
        try (var in = LocalPage.class.getResourceAsStream("assets/" + name)) {
          if (in == null) {
            return Reply.json(404, Json.object().put("message", "no asset " + name), "application/json");
          }
          return Reply.of(200, name.endsWith(".css") ? "text/css" : "text/javascript", in.readAllBytes());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      if (path.equals("/_local/api/capacity")) {
        if (method.equals("DELETE")) {
          cloud.dynamo().capacity().reset();
        }
        return Reply.json(200, cloud.dynamo().capacity().toJson(), "application/json");
      }
      if (method.equals("GET") && path.equals("/_local/api/streams")) {
        // Each stream event source mapping's progress: what a benchmark compares with what it wrote.
        ObjectNode streams = Json.object();
        var consumers = streams.putArray("consumers");
        for (var poller : cloud.pollers()) {
          consumers.addObject().put("consumer", poller.consumerName()).put("table", poller.config().tableName())
              .put("processedRecords", poller.processedRecords());
        }
        return Reply.json(200, streams, "application/json");
      }
      if (method.equals("GET") && path.equals("/_local/api/journeys")) {
        return Reply.json(200, journeys(), "application/json");
      }
      if (method.equals("GET") && path.equals("/_local/api/log")) {
        return Reply.json(200, Json.MAPPER.valueToTree(cloud.log().recent(200)), "application/json");
      }
      if (method.equals("POST") && path.equals("/_local/sms/replies")) {
        String type = request.header("content-type");
        JsonNode body = type != null && type.contains("json") ? Json.parse(request.body())
            : Json.MAPPER.valueToTree(Request.form(request.bodyText()));
        String id = cloud.smsReply(body.path("from").asText(null), body.path("body").asText(null));
        if (!wantsJson(request)) {
          return Reply.of(303, null, new byte[0]).with("Location", "/_local/");
        }
        return Reply.json(200, Json.object().put("messageId", id), "application/json");
      }
      if (method.equals("POST") && path.startsWith("/_local/outbox/")) {
        String[] parts = path.substring("/_local/outbox/".length()).split("/");
        if (parts.length == 2) {
          Map<String, String> form = Request.form(request.bodyText());
          Outbox.Message updated = cloud.ses().simulate(parts[0], parts[1], form.get("link"));
          if (wantsJson(request)) {
            return Reply.json(200, Json.MAPPER.valueToTree(updated), "application/json");
          }
          return Reply.of(303, null, new byte[0]).with("Location", "/_local/#" + parts[0]);
        }
      }
      return Reply.json(404, Json.object().put("message", "no local page at " + method + " " + path), "application/json");
    } catch (IllegalArgumentException e) {
      return Reply.json(400, Json.object().put("message", e.getMessage()), "application/json");
    }
  }

  private static boolean wantsJson(Request request) {
    String accept = request.header("accept");
    String type = request.header("content-type");
    return (accept != null && accept.contains("application/json") && !accept.contains("text/html"))
        || (type != null && type.contains("application/json"));
  }

  private Reply clock(Request request) {
    String type = request.header("content-type");
    boolean json = type != null && type.contains("json");
    JsonNode body = json ? Json.parse(request.body()) : Json.MAPPER.valueToTree(Request.form(request.bodyText()));
    if (body.hasNonNull("advance") && !body.get("advance").asText().isEmpty()) {
      try {
        cloud.clock().advance(Duration.parse(body.get("advance").asText()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("advance must be an ISO-8601 duration such as PT48H: " + body.get("advance").asText());
      }
      cloud.log().add("clock", "advanced by " + body.get("advance").asText(), null);
    }
    if (body.hasNonNull("scale") && !body.get("scale").asText().isEmpty()) {
      cloud.clock().setScale(Double.parseDouble(body.get("scale").asText()));
      cloud.log().add("clock", "scale set to " + body.get("scale").asText(), null);
    }
    if (!json) {
      return Reply.of(303, null, new byte[0]).with("Location", "/_local/");
    }
    return Reply.json(200, cloud.clockState(), "application/json");
  }

  /** Running executions and the last thing each did (a Wait, a task waiting for a token...). */
  ArrayNode journeys() {
    ArrayNode list = Json.array();
    StatesEngine engine = cloud.engine();
    if (engine == null) {
      return list;
    }
    for (StatesModel.StateMachineListItem machine : engine.listStateMachines(1000, null).items()) {
      for (StatesModel.ExecutionListItem execution
          : engine.listExecutions(machine.stateMachineArn(), "RUNNING", 100, null).items()) {
        ObjectNode item = Json.object().put("stateMachine", machine.name()).put("execution", execution.name())
            .put("executionArn", execution.executionArn()).put("started", String.valueOf(execution.startDate()));
        List<StatesModel.HistoryEvent> last = engine.getExecutionHistory(execution.executionArn(), true, 3, null, false).items();
        item.put("waitingFor", describe(last));
        list.add(item);
      }
    }
    return list;
  }

  private static String describe(List<StatesModel.HistoryEvent> events) {
    String state = null;
    for (StatesModel.HistoryEvent event : events) {
      if (event.details() != null && event.details().has("name")) {
        state = event.details().get("name").asText();
        break;
      }
    }
    if (events.isEmpty()) {
      return "starting";
    }
    StatesModel.HistoryEvent latest = events.get(0);
    String what = switch (latest.type()) {
      case "WaitStateEntered" -> "a Wait to end";
      case "TaskScheduled", "TaskStarted", "TaskSubmitted" ->
          latest.details() != null && latest.details().path("resource").asText().contains("waitForTaskToken")
              ? "an event (task token)" : "a task to finish";
      default -> latest.type();
    };
    return what + (state == null ? "" : " in " + state);
  }

  private String html() {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>Nudge local cloud</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}")
        .append("article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}")
        .append("iframe{width:100%;height:16rem;border:1px solid #eee}table{border-collapse:collapse}")
        .append("td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left;font-size:.9rem}")
        .append(".events{font-weight:bold}form{display:inline}</style></head><body>");
    h.append("<h1>Nudge local cloud</h1><p><a href=/_local/dashboard>Dashboard (KPIs)</a> · "
        + "<a href=/_local/stats>Statistics per workflow and step</a></p>");
    h.append("<section id=clock><h2>Clock</h2><p>Now: <time>").append(esc(cloud.clock().instant().toString()))
        .append("</time>, running ").append(cloud.clock().scale()).append("× real time.</p>")
        .append("<form method=post action=/_local/clock><input name=advance placeholder=PT48H aria-label=advance>")
        .append("<button>Advance</button></form></section>");

    h.append("<section id=outbox><h2>Outbox</h2>");
    List<Outbox.Message> messages = cloud.outbox().all();
    if (messages.isEmpty()) {
      h.append("<p>No messages yet.</p>");
    }
    for (Outbox.Message m : messages) {
      h.append("<article class=message id=\"").append(esc(m.id())).append("\" data-message-id=\"").append(esc(m.id()))
          .append("\" data-channel=").append(esc(m.channel())).append(">");
      if (m.channel().equals("email")) {
        h.append("<h3>").append(esc(m.subject())).append("</h3>");
        h.append("<p>From ").append(esc(m.from())).append(" to ").append(esc(String.join(", ", m.to())))
            .append(m.configurationSet() == null ? "" : " · configuration set " + esc(m.configurationSet()))
            .append(" · ").append(esc(m.sentAt())).append("</p>");
        if (m.html() != null) {
          h.append("<iframe sandbox title=\"message body\" srcdoc=\"").append(esc(m.html())).append("\"></iframe>");
        } else {
          h.append("<pre>").append(esc(m.text())).append("</pre>");
        }
      } else {
        h.append("<h3>SMS to ").append(esc(String.join(", ", m.to()))).append("</h3><pre>").append(esc(m.text()))
            .append("</pre><p>").append(esc(m.sentAt())).append("</p>");
      }
      h.append("<p>Events: <span class=events>").append(esc(String.join(", ", m.events()))).append("</span></p>");
      if (m.channel().equals("email")) {
        for (String type : List.of("open", "click", "bounce", "complaint")) {
          h.append("<form method=post action=\"/_local/outbox/").append(esc(m.id())).append("/").append(type)
              .append("\"><button class=\"simulate ").append(type).append("\" value=").append(type).append(">Simulate ")
              .append(type).append("</button></form> ");
        }
      } else if (m.channel().equals("sms") && !m.to().isEmpty() && !cloud.snsSubscribedTopics().isEmpty()) {
        // The recipient answers STOP: two-way SMS to the template's replies topic.
        h.append("<form method=post action=\"/_local/sms/replies\"><input type=hidden name=from value=\"")
            .append(esc(m.to().get(0))).append("\"><input type=hidden name=body value=STOP>")
            .append("<button class=\"simulate stop\">Reply STOP</button></form> ");
      }
      h.append("</article>");
    }
    h.append("</section>");

    // What a CRM would have received: the webhook steps' calls, which the local cloud keeps.
    h.append("<section id=webhooks><h2>Webhooks</h2>");
    List<dev.nudge.local.aws.WebhookInbox.Call> calls = new java.util.ArrayList<>(cloud.webhooks().all());
    if (calls.isEmpty()) {
      h.append("<p>No webhook calls yet.</p>");
    } else {
      java.util.Collections.reverse(calls);
      h.append("<table><tr><th>Received</th><th>URL</th><th>Workflow</th><th>Step</th><th>Contact</th><th>Body</th></tr>");
      for (dev.nudge.local.aws.WebhookInbox.Call call : calls) {
        h.append("<tr class=webhook data-webhook-id=\"").append(esc(call.id())).append("\"><td>")
            .append(esc(call.receivedAt())).append("</td><td>").append(esc(call.url())).append("</td><td>")
            .append(esc(call.workflow())).append("</td><td>").append(esc(call.step())).append("</td><td>")
            .append(esc(call.contactId())).append("</td><td><details><summary>JSON</summary><pre>")
            .append(esc(Json.pretty(call.body()))).append("</pre></details></td></tr>");
      }
      h.append("</table>");
    }
    h.append("</section>");

    h.append("<section id=journeys><h2>Journeys in flight</h2>");
    if (cloud.engine() == null) {
      h.append("<p>").append(esc(cloud.engineProblem())).append("</p>");
    } else {
      ArrayNode journeys = journeys();
      if (journeys.isEmpty()) {
        h.append("<p>None running.</p>");
      } else {
        h.append("<table><tr><th>State machine</th><th>Execution</th><th>Started</th><th>Waiting for</th></tr>");
        for (JsonNode j : journeys) {
          h.append("<tr><td>").append(esc(j.path("stateMachine").asText())).append("</td><td>")
              .append(esc(j.path("execution").asText())).append("</td><td>").append(esc(j.path("started").asText()))
              .append("</td><td>").append(esc(j.path("waitingFor").asText())).append("</td></tr>");
        }
        h.append("</table>");
      }
    }
    h.append("</section>");

    h.append("<section id=log><h2>Event log</h2><table><tr><th>Time</th><th>Kind</th><th>What</th><th>Detail</th></tr>");
    for (EventLog.Entry e : cloud.log().recent(100)) {
      h.append("<tr><td>").append(esc(e.at().toString())).append("</td><td>").append(esc(e.kind())).append("</td><td>")
          .append(esc(e.summary())).append("</td><td>").append(esc(e.detail())).append("</td></tr>");
    }
    h.append("</table></section></body></html>");
    return h.toString();
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

}
