package dev.nudge.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Map;

/**
 * One JSON line per log entry on stdout (CloudWatch Logs). Callers pass identifiers and codes only,
 * never e-mail addresses, phone numbers or request bodies.
 */
public final class Log {
  private static volatile PrintStream out = System.out;
  private final String logger;

  public Log(String logger) {
    this.logger = logger;
  }

  /** Redirects every logger (tests capture what would be logged). Returns the previous stream. */
  /** Where log lines go now (the local cloud's metrics tap checks it is still in place). */
  public static PrintStream current() {
    return out;
  }

  public static PrintStream redirect(PrintStream stream) {
    PrintStream previous = out;
    out = stream;
    return previous;
  }

  /** Writes a line that is already JSON (CloudWatch Embedded Metric Format lines share the log stream). */
  public static void raw(String jsonLine) {
    out.println(jsonLine);
  }

  public void info(String message, Map<String, ?> fields) {
    write("INFO", message, fields);
  }

  public void error(String message, Map<String, ?> fields) {
    write("ERROR", message, fields);
  }

  private void write(String level, String message, Map<String, ?> fields) {
    ObjectNode line = Json.object();
    line.put("level", level);
    line.put("logger", logger);
    line.put("message", message);
    fields.forEach((k, v) -> line.put(k, String.valueOf(v)));
    out.println(Json.write(line));
  }
}
