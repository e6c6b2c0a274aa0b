package dev.nudge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.messaging.Brand;
import dev.nudge.messaging.BundledMessageTemplates;
import dev.nudge.messaging.MessageTemplates;
import dev.nudge.platform.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The render path's cost (docs/benchmarks.md, "Message rendering"): the first render in fresh JVMs
 * (Lambda's flags, as template.yaml sets them), then renders per second on one thread once warm.
 * The render is the abandoned-cart e-mail with two items: variant choice, Liquid subject,
 * preheader and HTML (escaped context), the brand layout and the text part generated from the HTML.
 *
 * <p>{@code mvn -B -q -pl functions -Pbench test-compile exec:exec -Dbench.main=dev.nudge.bench.RenderBenchmark
 * -Dbench.args="<fresh JVMs> <seconds>"}
 */
public final class RenderBenchmark {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("probe")) {
      probe(args[0].equals("probe-primed"));
      return;
    }
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> firsts = new ArrayList<>();
    List<String> primed = new ArrayList<>();
    for (int i = 0; i < launches; i++) {
      firsts.add(launch("probe"));
      primed.add(launch("probe-primed"));
    }
    System.out.println("first render in a fresh JVM (classes + template load + parse + render, ms): " + firsts);
    System.out.println("prime() at init / then the first render of another template (ms): " + primed);

    MessageTemplates templates = templates();
    ObjectNode context = context();
    long warmEnd = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      templates.render(Channel.EMAIL, "cart-reminder", context);
    }
    long count = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    int html = 0;
    while (System.nanoTime() < end) {
      html += templates.render(Channel.EMAIL, "cart-reminder", context).html().length();
      count++;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "steady state, one thread: %d renders in %.1f s = %.0f renders/s (%.1f µs each; html %d bytes)%n",
        count, elapsed, count / elapsed, elapsed * 1e6 / count, html / Math.max(count, 1));

    // The same warm JVM, but every render with an empty parse cache (a new MessageTemplates): what
    // the per-container cache of parsed templates saves on each warm send.
    count = 0;
    start = System.nanoTime();
    end = start + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      html += templates().render(Channel.EMAIL, "cart-reminder", context).html().length();
      count++;
    }
    elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "warm JVM, parse cache empty (parse + render), one thread: %d renders in %.1f s = %.0f renders/s (%.1f µs each)%n",
        count, elapsed, count / elapsed, elapsed * 1e6 / count);
  }

  static MessageTemplates templates() {
    return new MessageTemplates(new BundledMessageTemplates(),
        new Brand("Acme", "https://cdn.example.com/logo.png", "#0f766e", "1 Main St, Springfield"));
  }

  static ObjectNode context() {
    ObjectNode context = Json.object();
    context.put("id", "c1");
    context.put("locale", "en-GB");
    context.putObject("attributes").put("firstName", "Ada");
    context.put("unsubscribe_url", "https://nudge.example.com/v1/unsubscribe/t0k3n");
    // A journey send: the HTML's links get UTM parameters (LinkTracking), part of the send path.
    context.putObject("workflow").put("id", "abandoned-cart");
    context.putObject("step").put("id", "remind");
    var items = context.putObject("trigger").putObject("properties").putArray("items");
    items.addObject().put("name", "Trail shoes").put("price", 89.5).put("quantity", 2);
    items.addObject().put("name", "Wool socks").put("price", 7).put("quantity", 1);
    return context;
  }

  /** Prints "DONE <first render>/<prime>/<first render after prime>" in ms, each in its own state of the JVM. */
  private static void probe(boolean primed) {
    long start = System.nanoTime();
    if (primed) {
      MessageTemplates templates = templates().prime();
      long prime = System.nanoTime() - start;
      start = System.nanoTime();
      templates.render(Channel.EMAIL, "welcome-1", context());
      long after = System.nanoTime() - start;
      System.out.printf(Locale.ROOT, "DONE %.0f/%.0f ok%n", prime / 1e6, after / 1e6);
      return;
    }
    String subject = templates().render(Channel.EMAIL, "cart-reminder", context()).subject();
    long first = System.nanoTime() - start;
    System.out.printf(Locale.ROOT, "DONE %.0f %s%n", first / 1e6, subject.isEmpty() ? "?" : "ok");
  }

  private static String launch(String mode) throws Exception {
    Process process = new ProcessBuilder(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), RenderBenchmark.class.getName(), mode))
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("DONE ")) {
          process.waitFor();
          return line.substring(5, line.lastIndexOf(' '));
        }
      }
    }
    throw new IllegalStateException("the probe printed no DONE line");
  }
}
