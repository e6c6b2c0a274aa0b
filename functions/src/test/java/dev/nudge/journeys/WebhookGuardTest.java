package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Step;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deployed, a webhook step cannot reach loopback, link-local or private addresses, nor be redirected. */
class WebhookGuardTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final AtomicInteger counting = new AtomicInteger();
  private final HttpClient countingClient = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private Webhooks guarded(HttpClient client) {
    return new Webhooks(client, () -> "k".getBytes(StandardCharsets.UTF_8), clock, false);
  }

  private static Step.Webhook to(String url) {
    return new Step.Webhook(URI.create(url), Duration.ofSeconds(2), 0);
  }

  private int startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      counting.incrementAndGet();
      if (exchange.getRequestURI().getPath().equals("/hop")) {
        exchange.getResponseHeaders().add("Location", "/landed");
        exchange.sendResponseHeaders(302, -1);
      } else {
        exchange.sendResponseHeaders(200, -1);
      }
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  @Test
  void refusesLoopbackWithoutConnecting() throws Exception {
    int port = startServer();
    assertThatThrownBy(() -> guarded(countingClient).call(to("http://127.0.0.1:" + port + "/hook"), Json.object(), "k1"))
        .isInstanceOf(WebhookFailedException.class).hasMessageContaining("refused");
    assertThat(counting).hasValue(0);
  }

  @Test
  void refusesIpv6LoopbackWithoutConnecting() throws Exception {
    int port = startServer();
    assertThatThrownBy(() -> guarded(countingClient).call(to("http://[::1]:" + port + "/hook"), Json.object(), "k1"))
        .isInstanceOf(WebhookFailedException.class).hasMessageContaining("refused");
    assertThat(counting).hasValue(0);
  }

  @Test
  void refusesTheMetadataEndpointWithoutConnecting() {
    // A client that fails the test if it is ever asked to send: the refusal must come first.
    HttpClient never = new ForbiddenClient();
    assertThatThrownBy(() -> guarded(never).call(to("http://169.254.169.254/latest/meta-data/"), Json.object(), "k1"))
        .isInstanceOf(WebhookFailedException.class).hasMessageContaining("refused");
  }

  @Test
  void refusesAPrivateAddressWithoutConnecting() {
    HttpClient never = new ForbiddenClient();
    assertThatThrownBy(() -> guarded(never).call(to("http://10.0.0.1/hook"), Json.object(), "k1"))
        .isInstanceOf(WebhookFailedException.class).hasMessageContaining("refused");
  }

  @Test
  void classifiesEachGuardedRange() throws Exception {
    for (String a : new String[] {"172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "0.0.0.0",
        "224.0.0.1", "fc00::1", "fd12::1", "fe80::1", "::"}) {
      assertThat(Webhooks.isPrivate(java.net.InetAddress.getByName(a))).as(a).isTrue();
    }
    for (String a : new String[] {"8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888"}) {
      assertThat(Webhooks.isPrivate(java.net.InetAddress.getByName(a))).as(a).isFalse();
    }
  }

  @Test
  void doesNotFollowARedirect() throws Exception {
    int port = startServer();
    // Private networks allowed (as in the local cloud) so the test receiver is reachable at all.
    Webhooks local = new Webhooks(countingClient, () -> "k".getBytes(StandardCharsets.UTF_8), clock, true);
    assertThatThrownBy(() -> local.call(to("http://127.0.0.1:" + port + "/hop"), Json.object(), "k1"))
        .isInstanceOf(WebhookFailedException.class).hasMessageContaining("302");
    assertThat(counting).hasValue(1);
  }

  /** Fails any send: proves no connection is attempted. */
  private static final class ForbiddenClient extends HttpClient {
    private final HttpClient delegate = HttpClient.newHttpClient();

    @Override public java.util.Optional<java.net.CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
    @Override public java.util.Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
    @Override public Redirect followRedirects() { return Redirect.NEVER; }
    @Override public java.util.Optional<java.net.ProxySelector> proxy() { return delegate.proxy(); }
    @Override public javax.net.ssl.SSLContext sslContext() { return delegate.sslContext(); }
    @Override public javax.net.ssl.SSLParameters sslParameters() { return delegate.sslParameters(); }
    @Override public java.util.Optional<java.net.Authenticator> authenticator() { return delegate.authenticator(); }
    @Override public Version version() { return delegate.version(); }
    @Override public java.util.Optional<java.util.concurrent.Executor> executor() { return delegate.executor(); }

    @Override
    public <T> java.net.http.HttpResponse<T> send(java.net.http.HttpRequest request,
        java.net.http.HttpResponse.BodyHandler<T> handler) {
      throw new AssertionError("a connection was attempted to " + request.uri().getHost());
    }

    @Override
    public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
        java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler) {
      throw new AssertionError("a connection was attempted");
    }

    @Override
    public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
        java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler,
        java.net.http.HttpResponse.PushPromiseHandler<T> push) {
      throw new AssertionError("a connection was attempted");
    }
  }
}
