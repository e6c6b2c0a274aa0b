package dev.nudge.local.scenarios;

import dev.nudge.tracking.RequestAuthenticator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.Json;
import dev.nudge.local.LocalCloud;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Nudge's HTTP API on a running local cloud, called as its users call it: tracking requests
 * HMAC-signed with a key of the cloud's signing-keys parameter, timestamped on the cloud's virtual
 * clock; admin requests with a SigV4-shaped Authorization header (the local cloud checks that a
 * credential scope is there; it does not verify signatures); local-page actions
 * ({@code /_local/outbox/<id>/open}) asking for JSON.
 */
public final class NudgeClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final URI endpoint;
  private final Clock clock;
  private final String keyId;
  private final String secret;

  public NudgeClient(URI endpoint, Clock clock, String keyId, String secret) {
    this.endpoint = endpoint;
    this.clock = clock;
    this.keyId = keyId;
    this.secret = secret;
  }

  /** A client of {@code cloud} signing with the first key of the signing-keys parameter TrackFunction reads. */
  public static NudgeClient of(LocalCloud cloud) {
    String parameter = cloud.functions().find("TrackFunction").variables().get("SIGNING_KEYS_PARAMETER");
    JsonNode keys = Json.parse(cloud.config().parameter(parameter)
        .orElseThrow(() -> new IllegalStateException("no signing keys in parameter " + parameter))
        .getBytes(StandardCharsets.UTF_8));
    String keyId = keys.fieldNames().next();
    return new NudgeClient(cloud.endpoint(), cloud.clock(), keyId, keys.get(keyId).asText());
  }

  /** A POST signed like a customer's backend signs it, timestamped on the cloud's virtual clock. */
  public HttpResponse<String> signed(String path, String body) throws IOException, InterruptedException {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String signature = HexFormat.of().formatHex(
        RequestAuthenticator.sign(secret, timestamp, body.getBytes(StandardCharsets.UTF_8)));
    return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path))
        .header("content-type", "application/json").header("x-nudge-key-id", keyId)
        .header("x-nudge-timestamp", timestamp).header("x-nudge-signature", "v1=" + signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An IAM route (admin API). */
  public HttpResponse<String> admin(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/execute-api/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .header("content-type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A local-page action, e.g. {@code /_local/outbox/<id>/open}, asking for JSON. */
  public HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path)).header("accept", "application/json")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A local-page action with a JSON body, e.g. {@code /_local/sms/replies}. */
  public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path)).header("accept", "application/json")
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Drafts and publishes a workflow definition (YAML) through the admin API; fails loudly if refused. */
  public void publish(String workflowId, String definition) throws IOException, InterruptedException {
    HttpResponse<String> draft = admin("PUT", "/v1/workflows/" + workflowId, definition, "application/yaml");
    if (draft.statusCode() != 200 && draft.statusCode() != 201) {
      throw new IllegalStateException("draft of " + workflowId + ": " + draft.statusCode() + " " + draft.body());
    }
    HttpResponse<String> published = admin("POST", "/v1/workflows/" + workflowId + "/publish", "", "application/json");
    if (published.statusCode() != 200) {
      throw new IllegalStateException("publish of " + workflowId + ": " + published.statusCode() + " " + published.body());
    }
  }
}
