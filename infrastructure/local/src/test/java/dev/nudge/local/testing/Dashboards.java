package dev.nudge.local.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading the local dashboard's JSON ({@code /_local/api/dashboard}) in tests. */
public final class Dashboards {
  private Dashboards() {}

  /** The total of the series {@code label} in the widget whose title starts with {@code widgetTitlePrefix}. */
  public static double total(JsonNode dashboard, String widgetTitlePrefix, String label) {
    for (JsonNode widget : dashboard.path("widgets")) {
      if (widget.path("title").asText().startsWith(widgetTitlePrefix)) {
        for (JsonNode series : widget.path("series")) {
          if (series.path("label").asText().equals(label)) {
            return series.path("total").asDouble();
          }
        }
        throw new AssertionError("no series " + label + " in " + widget);
      }
    }
    throw new AssertionError("no widget " + widgetTitlePrefix);
  }
}
