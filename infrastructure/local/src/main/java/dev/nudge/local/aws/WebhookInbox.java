package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the workflows' webhook steps deliver in the local cloud: the step-actions function is
 * given {@code WEBHOOK_CAPTURE_URL} and posts here, signed as it would post to the real receiver,
 * with the workflow's URL in {@code Nudge-Webhook-Url}. Like the outbox for e-mail and SMS, the
 * inbox keeps every call so a developer (the local page, {@code GET /_local/api/webhooks}) and a
 * test can see what a CRM would have received, without reaching it.
 */
public final class WebhookInbox {
  public static final String PATH = "/_local/webhooks";
  public static final String API_PATH = "/_local/api/webhooks";

  /** One delivered call; {@code body} is the JSON Nudge posted. */
  public record Call(String id, String receivedAt, String url, String idempotencyKey, String signature, JsonNode body) {
    ObjectNode toJson() {
      ObjectNode node = Json.object().put("id", id).put("receivedAt", receivedAt).put("url", url)
          .put("idempotencyKey", idempotencyKey).put("signature", signature);
      node.set("body", body);
      return node;
    }

    static Call fromJson(JsonNode node) {
      return new Call(node.path("id").asText(), node.path("receivedAt").asText(), node.path("url").asText(),
          node.path("idempotencyKey").asText(null), node.path("signature").asText(null), node.path("body"));
    }

    public String workflow() {
      return body.path("workflow").asText(null);
    }

    public String step() {
      return body.path("step").asText(null);
    }

    public String contactId() {
      return body.path("contact").path("id").asText(null);
    }
  }

  private final Path file;
  private final Clock clock;
  private final List<Call> calls = new ArrayList<>();

  /** @param file a JSON-lines file that keeps the calls across restarts, or null to keep them in memory */
  public WebhookInbox(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    if (file != null && Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            calls.add(Call.fromJson(Json.parse(line.getBytes(StandardCharsets.UTF_8))));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the webhook inbox " + file, e);
      }
    }
  }

  public static boolean handles(String path) {
    return path.equals(PATH) || path.equals(API_PATH);
  }

  public Reply handle(Request request) {
    if (request.method().equals("POST") && request.path().equals(PATH)) {
      JsonNode body;
      try {
        body = Json.parse(request.body());
      } catch (RuntimeException e) {
        return Reply.json(400, Json.object().put("message", "the webhook body is not JSON"), "application/json");
      }
      record(request.header("nudge-webhook-url"), request.header("idempotency-key"),
          request.header("nudge-signature"), body);
      return Reply.of(204, "application/json", new byte[0]);
    }
    if (request.method().equals("GET") && request.path().equals(API_PATH)) {
      ArrayNode list = Json.array();
      all().forEach(call -> list.add(call.toJson()));
      return Reply.json(200, Json.object().set("webhooks", list), "application/json");
    }
    return Reply.json(405, Json.object().put("message", request.method() + " " + request.path() + " is not supported"),
        "application/json");
  }

  /** Oldest first. */
  public synchronized List<Call> all() {
    return List.copyOf(calls);
  }

  private synchronized void record(String url, String idempotencyKey, String signature, JsonNode body) {
    Call call = new Call("wh-" + (calls.size() + 1), clock.instant().toString(), url, idempotencyKey, signature, body);
    calls.add(call);
    if (file != null) {
      try {
        Files.writeString(file, new String(Json.bytes(call.toJson()), StandardCharsets.UTF_8) + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the webhook inbox " + file, e);
      }
    }
  }
}
