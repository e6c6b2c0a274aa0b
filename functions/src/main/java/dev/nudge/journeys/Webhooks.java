package dev.nudge.journeys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Step;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs the webhook payload, signed so receivers can check it came from Nudge and is fresh:
 * {@code Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">} (the Stripe
 * scheme receivers already know). {@code Idempotency-Key} lets them drop our retries.
 */
public final class Webhooks {
  private final HttpClient http;
  private final Supplier<byte[]> signingKey;
  private final Clock clock;

  /** {@code signingKey} is asked on every call: a cached secret source lets the key rotate. */
  public Webhooks(HttpClient http, Supplier<byte[]> signingKey, Clock clock) {
    this.http = http;
    this.signingKey = signingKey;
    this.clock = clock;
  }

  public void call(Step.Webhook webhook, ObjectNode payload, String idempotencyKey) {
    String body = Json.write(payload);
    long t = clock.instant().getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(webhook.url())
        .timeout(webhook.timeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "Nudge-Webhook/1")
        .header("Idempotency-Key", idempotencyKey)
        .header("Nudge-Signature", "t=" + t + ",v1=" + sign(t + "." + body))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new WebhookFailedException(host(webhook.url()) + ": " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookFailedException(host(webhook.url()) + ": interrupted");
    }
    if (status < 200 || status > 299) {
      throw new WebhookFailedException(host(webhook.url()) + " answered " + status);
    }
  }

  public String sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingKey.get(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }

  /** Errors name the host only: paths and queries may carry tokens. */
  private static String host(URI url) {
    return url.getHost();
  }
}
