package dev.nudge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an API Gateway HTTP API (payload format 2.0) event the handlers use. Header names
 * are lower-cased, as API Gateway delivers them.
 */
public record HttpRequest(
    String routeKey,
    String method,
    String path,
    Map<String, String> headers,
    Map<String, String> pathParameters,
    Map<String, String> queryParameters,
    byte[] body,
    String domainName) {

  public static HttpRequest fromEvent(JsonNode event) {
    JsonNode http = event.path("requestContext").path("http");
    String method = http.path("method").asText("").toUpperCase(Locale.ROOT);
    String path = event.path("rawPath").asText(http.path("path").asText(""));
    String routeKey = event.path("routeKey").asText("$default");
    byte[] body = new byte[0];
    JsonNode rawBody = event.get("body");
    if (rawBody != null && !rawBody.isNull()) {
      body = event.path("isBase64Encoded").asBoolean(false)
          ? Base64.getDecoder().decode(rawBody.asText())
          : rawBody.asText().getBytes(StandardCharsets.UTF_8);
    }
    return new HttpRequest(routeKey, method, path, lowerCaseKeys(event.path("headers")),
        strings(event.path("pathParameters")), strings(event.path("queryStringParameters")), body,
        event.path("requestContext").path("domainName").asText(""));
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  private static Map<String, String> lowerCaseKeys(JsonNode node) {
    Map<String, String> map = new HashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    return Map.copyOf(map);
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new HashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return Map.copyOf(map);
  }
}
