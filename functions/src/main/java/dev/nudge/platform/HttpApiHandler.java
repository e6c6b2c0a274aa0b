package dev.nudge.platform;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Base of the HTTP API handlers: reads the payload 2.0 event, dispatches on its route key, and
 * turns refusals into the error shape. Route keys are the template's ("POST /v1/track"); a
 * {@code $default} route key (a catch-all integration) falls back to matching method and path.
 */
public abstract class HttpApiHandler implements RequestStreamHandler {
  private final Map<String, Function<HttpRequest, HttpResponse>> routes = new LinkedHashMap<>();
  private final Log log;

  protected HttpApiHandler(String name) {
    this.log = new Log(name);
  }

  protected final void route(String routeKey, Function<HttpRequest, HttpResponse> action) {
    routes.put(routeKey, action);
  }

  protected final Log log() {
    return log;
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    // The streaming reader and writer, not the mapper: building an ObjectMapper would be the
    // largest single cost of a cold start (docs/benchmarks.md).
    JsonNode event = Json.read(input);
    HttpResponse response = handle(HttpRequest.fromEvent(event));
    Json.write(output, response.toEvent());
  }

  public final HttpResponse handle(HttpRequest request) {
    var action = routes.get(request.routeKey());
    Map<String, String> pathParameters = request.pathParameters();
    if (action == null) {
      for (var entry : routes.entrySet()) {
        Map<String, String> matched = match(entry.getKey(), request.method(), request.path());
        if (matched != null) {
          action = entry.getValue();
          pathParameters = matched;
          break;
        }
      }
    }
    if (action == null) {
      return HttpResponse.error(404, "no_route", "no route for " + request.method() + " " + request.path(), null);
    }
    HttpRequest routed = new HttpRequest(request.routeKey(), request.method(), request.path(), request.headers(),
        pathParameters, request.queryParameters(), request.body(), request.domainName());
    try {
      return action.apply(routed);
    } catch (ApiException e) {
      log.info("refused", Map.of("route", request.routeKey(), "status", e.status(), "code", e.code(),
          "field", String.valueOf(e.field())));
      return HttpResponse.error(e.status(), e.code(), e.getMessage(), e.field());
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      if (transientFailure(e)) {
        // Throttling or a transient AWS failure: the caller should retry, which is safe (idempotent writes).
        log.error("unavailable", Map.of("route", request.routeKey(), "exception", e.getClass().getName()));
        return HttpResponse.error(503, "unavailable", "temporarily unavailable; retry the request", null)
            .withHeader("retry-after", "1");
      }
      log.error("failed", Map.of("route", request.routeKey(), "exception", e.getClass().getName()));
      return HttpResponse.error(500, "internal_error", "internal error", null);
    } catch (RuntimeException e) {
      // The message of an unexpected exception may quote input (e-mail addresses): log the type only.
      log.error("failed", Map.of("route", request.routeKey(), "exception", e.getClass().getName()));
      return HttpResponse.error(500, "internal_error", "internal error", null);
    }
  }

  private static boolean transientFailure(software.amazon.awssdk.core.exception.SdkException e) {
    if (e instanceof software.amazon.awssdk.core.exception.SdkServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    return e instanceof software.amazon.awssdk.core.exception.SdkClientException;
  }

  private static Map<String, String> match(String routeKey, String method, String path) {
    int space = routeKey.indexOf(' ');
    if (space < 0 || !routeKey.substring(0, space).equals(method)) {
      return null;
    }
    String[] pattern = routeKey.substring(space + 1).split("/", -1);
    String[] actual = path.split("/", -1);
    if (pattern.length != actual.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
        if (actual[i].isEmpty()) {
          return null;
        }
        params.put(pattern[i].substring(1, pattern[i].length() - 1),
            java.net.URLDecoder.decode(actual[i], java.nio.charset.StandardCharsets.UTF_8));
      } else if (!pattern[i].equals(actual[i])) {
        return null;
      }
    }
    return Map.copyOf(params);
  }
}
