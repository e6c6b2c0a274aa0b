package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** In the local cloud, webhook steps deliver to its inbox instead of the workflow's receiver. */
class WebhookCaptureTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<String> received = new CopyOnWriteArrayList<>();
  private HttpServer inbox;

  @AfterEach
  void stop() {
    inbox.stop(0);
  }

  @Test
  void aCapturedCallGoesToTheInboxSignedAndNamingTheWorkflowsUrl() throws Exception {
    inbox = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    inbox.createContext("/_local/webhooks", exchange -> {
      received.add(exchange.getRequestHeaders().getFirst("Nudge-Webhook-Url") + " "
          + exchange.getRequestHeaders().getFirst("Idempotency-Key") + " "
          + exchange.getRequestHeaders().getFirst("Nudge-Signature") + " "
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    inbox.start();
    URI capture = URI.create("http://127.0.0.1:" + inbox.getAddress().getPort() + "/_local/webhooks");
    Webhooks webhooks = new Webhooks(HttpClient.newHttpClient(), () -> "k".getBytes(StandardCharsets.UTF_8), clock,
        true, capture);

    webhooks.call(new Step.Webhook(URI.create("https://crm.example.com/hooks/lead"), Duration.ofSeconds(2), 0),
        Json.object().put("workflow", "lead-nurturing"), "key-1");

    assertThat(received).singleElement().satisfies(call -> assertThat(call)
        .startsWith("https://crm.example.com/hooks/lead key-1 t=1767225600,v1=")
        .endsWith("{\"workflow\":\"lead-nurturing\"}"));
  }
}
