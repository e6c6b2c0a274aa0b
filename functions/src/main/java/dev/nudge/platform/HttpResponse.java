package dev.nudge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** An API Gateway HTTP API (payload format 2.0) response. */
public record HttpResponse(int statusCode, Map<String, String> headers, String body) {

  public static HttpResponse json(int status, JsonNode body) {
    return new HttpResponse(status, Map.of("content-type", "application/json"), Json.write(body));
  }

  public static HttpResponse html(int status, String html) {
    return new HttpResponse(status, Map.of("content-type", "text/html; charset=utf-8",
        "cache-control", "no-store"), html);
  }

  public static HttpResponse error(int status, String code, String message, String field) {
    ObjectNode error = Json.object();
    error.put("code", code);
    error.put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    ObjectNode body = Json.object();
    body.set("error", error);
    return json(status, body);
  }

  public HttpResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new HttpResponse(statusCode, Map.copyOf(copy), body);
  }

  public ObjectNode toEvent() {
    ObjectNode out = Json.object();
    out.put("statusCode", statusCode);
    ObjectNode h = out.putObject("headers");
    headers.forEach(h::put);
    out.put("body", body);
    out.put("isBase64Encoded", false);
    return out;
  }
}
