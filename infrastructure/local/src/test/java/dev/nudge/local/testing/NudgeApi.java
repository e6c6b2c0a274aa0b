package dev.nudge.local.testing;

import static dev.nudge.local.testing.TestClouds.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.scenarios.NudgeClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Nudge's HTTP API on a running local cloud, called as its users call it: tracking requests
 * HMAC-signed with the key the cloud generated (read back through SSM, as TrackFunction reads it),
 * admin requests with a SigV4-shaped Authorization header. The calls themselves are
 * {@link NudgeClient}'s, which the scenario runner uses too.
 */
public final class NudgeApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final NudgeClient client;

  public NudgeApi(LocalCloud cloud) throws IOException {
    String keysName = cloud.functions().find("TrackFunction").variables().get("SIGNING_KEYS_PARAMETER");
    try (SsmClient ssm = client(SsmClient.builder(), cloud)) {
      JsonNode keys = JSON.readTree(ssm.getParameter(b -> b.name(keysName).withDecryption(true)).parameter().value());
      String keyId = keys.fieldNames().next();
      this.client = new NudgeClient(cloud.endpoint(), cloud.clock(), keyId, keys.get(keyId).asText());
    }
  }

  /** A POST signed like a customer's backend signs it, timestamped on the cloud's virtual clock. */
  public HttpResponse<String> signed(String path, String body) throws IOException, InterruptedException {
    return client.signed(path, body);
  }

  /** An IAM route. The local cloud checks that a SigV4 credential scope is there; it does not verify signatures. */
  public HttpResponse<String> admin(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    return client.admin(method, path, body, contentType);
  }

  /** A local-page action, e.g. {@code /_local/outbox/<id>/open}, asking for JSON. */
  public HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return client.post(path);
  }

  /** A local-page action with a JSON body, e.g. {@code /_local/sms/replies}. */
  public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return client.postJson(path, json);
  }

  /** Drafts and publishes a bundled workflow (functions/src/main/resources/workflows) through the admin API. */
  public void publishBundled(String workflowId) throws IOException, InterruptedException {
    publish(workflowId, java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("nudge.repo.root", "../.."),
        "functions/src/main/resources/workflows", workflowId + ".yaml")));
  }

  /** Drafts and publishes a workflow definition (YAML) through the admin API; fails loudly if refused. */
  public void publish(String workflowId, String definition) throws IOException, InterruptedException {
    client.publish(workflowId, definition);
  }

  /** {@code GET /v1/contacts/{id}}: the profile, its timeline and its journeys. */
  public JsonNode contact(String id) {
    try {
      return JSON.readTree(admin("GET", "/v1/contacts/" + id, "", "application/json").body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The lists the contact is in. */
  public java.util.List<String> lists(String id) {
    java.util.List<String> lists = new java.util.ArrayList<>();
    contact(id).path("contact").path("lists").forEach(l -> lists.add(l.asText()));
    return lists;
  }

  /** The types of the contact's events, newest first. */
  public java.util.List<String> timeline(String id) {
    java.util.List<String> types = new java.util.ArrayList<>();
    contact(id).path("timeline").forEach(e -> types.add(e.path("type").asText()));
    return types;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.get(path);
  }
}
