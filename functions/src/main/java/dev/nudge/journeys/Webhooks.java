package dev.nudge.journeys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import dev.nudge.workflows.Step;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
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
  private final boolean allowPrivateNetworks;
  private final URI captureUrl;

  /**
   * {@code signingKey} is asked on every call: a cached secret source lets the key rotate.
   * {@code allowPrivateNetworks} is for the local cloud and tests, whose receivers listen on
   * 127.0.0.1; deployed, it is off, so a workflow author cannot reach the metadata endpoint or
   * internal services (SSRF).
   */
  public Webhooks(HttpClient http, Supplier<byte[]> signingKey, Clock clock, boolean allowPrivateNetworks) {
    this(http, signingKey, clock, allowPrivateNetworks, null);
  }

  /**
   * {@code captureUrl} is the local cloud's webhook inbox: every call goes there instead, with the
   * workflow's URL in {@code Nudge-Webhook-Url}, so a workflow can be run on a laptop without
   * reaching (or needing) the real receiver, the way the local SES keeps e-mail in an outbox.
   * Null when deployed.
   */
  public Webhooks(HttpClient http, Supplier<byte[]> signingKey, Clock clock, boolean allowPrivateNetworks,
      URI captureUrl) {
    this.http = http;
    this.signingKey = signingKey;
    this.clock = clock;
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.captureUrl = captureUrl;
  }

  public void call(Step.Webhook webhook, ObjectNode payload, String idempotencyKey) {
    if (!allowPrivateNetworks) {
      refusePrivate(webhook.url());
    }
    String body = Json.write(payload);
    long t = clock.instant().getEpochSecond();
    HttpRequest.Builder builder = HttpRequest.newBuilder(captureUrl == null ? webhook.url() : captureUrl);
    if (captureUrl != null) {
      builder.header("Nudge-Webhook-Url", webhook.url().toString());
    }
    HttpRequest request = builder
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
    // Redirects are never followed (the client is built with Redirect.NEVER, the JDK default): a
    // 3xx could point at a private address after the check, so it counts as a failed call.
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

  /**
   * Resolves the host and refuses it when any address is loopback, link-local (169.254/16, the
   * metadata endpoint; fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade
   * NAT (100.64/10), any-local or multicast. Every address is checked because the connection may
   * use any of them.
   */
  static void refusePrivate(URI url) {
    String host = url.getHost();
    if (host == null) {
      throw new WebhookFailedException("the webhook URL has no host");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new WebhookFailedException(host + ": cannot be resolved");
    }
    for (InetAddress address : addresses) {
      if (isPrivate(address)) {
        throw new WebhookFailedException(host + ": refused, resolves to a loopback, link-local, private or multicast"
            + " address (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true only for local development)");
      }
    }
  }

  static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 // "this network", reaches the local host on Linux
          || (first == 100 && second >= 64 && second < 128); // 100.64/10, carrier-grade NAT
    }
    // isSiteLocalAddress knows only the deprecated fec0::/10; unique local addresses are fc00::/7.
    return (b[0] & 0xfe) == 0xfc;
  }

  /** Errors name the host only: paths and queries may carry tokens. */
  private static String host(URI url) {
    return url.getHost();
  }
}
