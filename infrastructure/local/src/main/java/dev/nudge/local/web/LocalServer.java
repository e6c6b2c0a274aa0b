package dev.nudge.local.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The local cloud's one HTTP port (the JDK's server: no dependency, starts in milliseconds).
 * The router decides per request whether it is an AWS API call, the local page or the HTTP API.
 */
public final class LocalServer implements AutoCloseable {
  static {
    // The JDK server writes a response's headers and its body as two TCP segments. Without
    // TCP_NODELAY, Nagle holds the body until the client acknowledges the headers, which the
    // client delays by up to 40 ms (delayed ACK): every AWS call a handler made through this port
    // waited ~40 ms for nothing (a JFR profile of ./nudge bench: most socket reads took 40-50 ms).
    // Read once, when the JDK's server configuration class loads, so set before the first server.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private LocalServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static LocalServer start(String host, int port, Function<Request, Reply> router) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
      // Unbounded on purpose: an HTTP API request blocks its thread while the handler's SDK calls
      // come back to this same server; a fixed pool would deadlock once every thread waits.
      ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "nudge-http");
        thread.setDaemon(true);
        return thread;
      });
      server.setExecutor(executor);
      server.createContext("/", exchange -> handle(exchange, router));
      server.start();
      return new LocalServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, Function<Request, Reply> router) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) ->
          headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), headers, body,
          exchange.getRemoteAddress().getAddress().getHostAddress());
      Reply reply;
      try {
        reply = router.apply(request);
      } catch (RuntimeException e) {
        e.printStackTrace();
        reply = Reply.text(500, "text/plain; charset=utf-8", "local cloud error: " + e);
      }
      reply.headers().forEach((name, values) -> values.forEach(v -> exchange.getResponseHeaders().add(name, v)));
      boolean empty = reply.body() == null || reply.body().length == 0;
      exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
      if (!empty) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client went away; nothing to answer
      if (!(e instanceof IOException)) {
        System.err.println("local server: " + e);
      }
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
