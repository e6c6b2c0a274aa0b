package dev.nudge.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the DevTools protocol (the JDK's WebSocket client; no
 * Selenium). If Chromium is absent and we run as root, it is installed with apt-get; if that is
 * impossible the test fails saying so, never skips.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  public static HeadlessChromium launch() throws Exception {
    String binary = ensureInstalled();
    Path profile = Files.createTempDirectory("nudge-chromium");
    Process process = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
        .redirectErrorStream(true).start();
    String browserUrl = null;
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    StringBuilder output = new StringBuilder();
    String line;
    while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      output.append(line).append('\n');
      int at = line.indexOf("ws://");
      if (line.contains("DevTools listening on") && at >= 0) {
        browserUrl = line.substring(at).trim();
        break;
      }
    }
    if (browserUrl == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium did not start its DevTools endpoint:\n" + output);
    }
    Thread drain = new Thread(() -> reader.lines().forEach(l -> { }), "chromium-output");
    drain.setDaemon(true);
    drain.start();
    URI browser = URI.create(browserUrl);
    HttpClient http = HttpClient.newHttpClient();
    String list = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String pageUrl = null;
    for (JsonNode target : JSON.readTree(list)) {
      if (target.path("type").asText().equals("page")) {
        pageUrl = target.path("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (pageUrl == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium has no page target: " + list);
    }
    HeadlessChromium[] holder = new HeadlessChromium[1];
    StringBuilder partial = new StringBuilder();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String text = partial.toString();
          partial.setLength(0);
          holder[0].receive(text);
        }
        webSocket.request(1);
        return null;
      }
    }).get(30, TimeUnit.SECONDS);
    HeadlessChromium chromium = new HeadlessChromium(process, profile, socket);
    holder[0] = chromium;
    chromium.call("Page.enable", JSON.createObjectNode());
    chromium.call("Runtime.enable", JSON.createObjectNode());
    return chromium;
  }

  private static String ensureInstalled() throws IOException, InterruptedException {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Process install = new ProcessBuilder("sh", "-c", "apt-get install -y chromium || (apt-get update && apt-get install -y chromium)")
          .redirectErrorStream(true).start();
      String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (install.waitFor() == 0 && Files.isExecutable(Path.of("/usr/bin/chromium"))) {
        return "/usr/bin/chromium";
      }
      throw new IllegalStateException("Chromium is not installed and apt-get could not install it:\n" + log);
    }
    throw new IllegalStateException("Chromium is not installed: run `apt-get install -y chromium` (Debian package chromium)");
  }

  private void receive(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> future = pending.remove(message.get("id").asInt());
        if (future != null) {
          future.complete(message);
        }
      } else {
        events.add(message);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    pending.put(id, future);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
    JsonNode response = future.get(30, TimeUnit.SECONDS);
    if (response.has("error")) {
      throw new IllegalStateException(method + " failed: " + response.get("error"));
    }
    return response.path("result");
  }

  /** Navigates and waits for the load event. */
  public void open(String url) throws Exception {
    events.clear();
    call("Page.navigate", JSON.createObjectNode().put("url", url));
    awaitLoad();
  }

  public void awaitLoad() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      JsonNode event = events.poll(500, TimeUnit.MILLISECONDS);
      if (event != null && event.path("method").asText().equals("Page.loadEventFired")) {
        return;
      }
    }
    throw new IllegalStateException("page did not load within 30 s");
  }

  /** Evaluates a JavaScript expression in the page and returns its value. */
  public JsonNode evaluate(String expression) throws Exception {
    JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Clicks what {@code selector} finds and waits for the navigation it causes. */
  public void clickAndWait(String selector) throws Exception {
    events.clear();
    JsonNode clicked = evaluate("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector)
        + "); if (!e) return false; e.click(); return true; })()");
    if (!clicked.asBoolean()) {
      throw new IllegalStateException("nothing on the page matches " + selector);
    }
    awaitLoad();
  }

  @Override
  public void close() {
    socket.abort();
    // Chromium's helper processes write to the profile too: stop them with it.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Best-effort cleanup of the temporary profile: a file a late helper removes while the
    // walk runs is not an error (it used to fail the test that closed the browser).
    for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException e) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
