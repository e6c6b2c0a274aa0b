package dev.nudge.local.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.util.Locale;

/**
 * {@code /_local/dashboard}: the template's dashboard as a page. The numbers (each series' total
 * over the range) are server-rendered tables, readable without JavaScript; the charts are drawn
 * by uPlot, vendored from npm at build time and served from the classpath (no CDN).
 */
public final class DashboardPage {
  private DashboardPage() {}

  public static String html(String dashboardName, LocalDashboard.Evaluated evaluated) {
    ObjectNode data = LocalDashboard.toJson(evaluated);
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>Nudge dashboard (local)</title>")
        .append("<link rel=stylesheet href=/_local/assets/uPlot.min.css>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:1.5rem;background:#f6f7f9;color:#1d2330}")
        .append("main{display:grid;grid-template-columns:repeat(auto-fill,minmax(34rem,1fr));gap:1rem}")
        .append("section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:.8rem 1rem}")
        .append("section.text{grid-column:1/-1}h1{font-size:1.4rem}h2{font-size:1rem;margin:.2rem 0 .6rem}")
        .append("table{border-collapse:collapse;width:100%;margin-top:.4rem}td{padding:.15rem .4rem;font-size:.85rem;")
        .append("border-bottom:1px solid #eef0f3}td.total{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}")
        .append("td.note{color:#8a94a6;font-style:italic}.chart{min-height:180px}p.empty{color:#8a94a6;margin:.4rem 0}</style></head><body>");
    h.append("<h1>").append(esc(dashboardName)).append(" <small>(local cloud, virtual time ")
        .append(esc(evaluated.from().toString())).append(" to ").append(esc(evaluated.to().toString()))
        .append(", ").append(evaluated.bucketSeconds()).append(" s per point)</small></h1><main>");
    int index = 0;
    for (LocalDashboard.Widget w : evaluated.widgets()) {
      if (w.markdown() != null) {
        h.append("<section class=text>");
        for (String line : w.markdown().split("\n")) {
          h.append(line.startsWith("# ") ? "<h2>" + esc(line.substring(2)) + "</h2>" : "<p>" + esc(line) + "</p>");
        }
        h.append("</section>");
        index++;
        continue;
      }
      boolean drawable = w.series().stream().anyMatch(s -> s.visible() && s.note() == null);
      h.append("<section class=widget data-index=").append(index++).append("><h2>").append(esc(w.title()))
          .append("</h2>").append(drawable ? "<div class=chart></div>" : w.series().isEmpty()
              ? "<p class=empty>No data yet.</p>" : "<p class=empty>No local data for these metrics.</p>")
          .append("<table>");
      for (LocalDashboard.Series s : w.series()) {
        if (!s.visible()) {
          continue;
        }
        h.append("<tr data-label=\"").append(esc(s.label())).append("\"><td>").append(esc(s.label())).append("</td>");
        if (s.note() != null) {
          h.append("<td class=note>").append(esc(s.note())).append("</td>");
        } else {
          h.append("<td class=total>").append(format(s.total())).append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</table></section>");
    }
    h.append("</main><script id=data type=application/json>")
        .append(data.toString().replace("</", "<\\/")).append("</script>")
        .append("<script src=/_local/assets/uPlot.iife.min.js></script><script>")
        .append("const d=JSON.parse(document.getElementById('data').textContent);")
        .append("const from=Date.parse(d.from)/1000;const colors=['#0f766e','#2563eb','#d97706','#7c3aed','#dc2626','#0891b2','#65a30d','#db2777','#475569'];")
        .append("document.querySelectorAll('section.widget').forEach(sec=>{const w=d.widgets[+sec.dataset.index];")
        .append("const drawn=w.series.filter(s=>!s.note);if(!drawn.length){return;}")
        .append("const n=drawn[0].values.length;const xs=Array.from({length:n},(_,i)=>from+i*d.bucketSeconds);")
        .append("const el=sec.querySelector('.chart');")
        // Compact y-axis labels (92.4M, not a clipped 92,400,000): latencies are milliseconds.
        .append("const compact=new Intl.NumberFormat('en',{notation:'compact',maximumFractionDigits:1});")
        .append("new uPlot({width:el.clientWidth||520,height:180,legend:{show:false},")
        .append("axes:[{},{size:56,values:(u,vals)=>vals.map(v=>v==null?'':compact.format(v))}],")
        .append("series:[{}].concat(drawn.map((s,i)=>({label:s.label,stroke:colors[i%colors.length],width:2})))},")
        .append("[xs].concat(drawn.map(s=>s.values)),el);});")
        .append("document.body.dataset.charts='drawn';</script></body></html>");
    return h.toString();
  }

  static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
