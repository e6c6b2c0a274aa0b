package dev.nudge.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.template.Resource;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.TemplateException;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The template's HttpApi events served like API Gateway HTTP APIs with payload format 2.0:
 * route selection (exact paths before {param} before {proxy+}, a method before ANY), the 2.0
 * event, the 2.0 response, CORS from the API's CorsConfiguration and AWS_IAM routes.
 *
 * <p>AWS_IAM locally: a request must carry a SigV4 Authorization header (any credentials, the
 * signature is not verified) or it is refused with 403 as API Gateway refuses an unsigned call;
 * the access key becomes {@code requestContext.authorizer.iam}.
 */
public final class HttpApi {
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  /** One route. {@code segments} null for $default. */
  public record Route(String apiId, String method, String path, List<String> segments, LocalFunction function,
      boolean iam, String routeKey) {}

  record Cors(List<String> origins, List<String> methods, List<String> headers, List<String> expose,
      Integer maxAge, boolean credentials) {}

  private final List<Route> routes = new ArrayList<>();
  private final Map<String, Cors> cors = new LinkedHashMap<>();
  private final Functions functions;
  private final Clock clock;
  private final EventLog log;
  private final String accountId;

  public HttpApi(Stack stack, Functions functions, Clock clock, EventLog log) {
    this.functions = functions;
    this.clock = clock;
    this.log = log;
    this.accountId = stack.accountId();
    Map<String, Boolean> iamByDefault = new LinkedHashMap<>();
    for (Resource api : stack.ofType("AWS::Serverless::HttpApi")) {
      configure(api.logicalId(), api.properties(), api.where(""), iamByDefault);
    }
    JsonNode globalApi = stack.globals().path("HttpApi");
    configure("ServerlessHttpApi", globalApi.isObject() ? globalApi : Json.object(), "Globals.HttpApi.", iamByDefault);
    for (Resource unsupported : stack.ofType("AWS::Serverless::Api", "AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi")) {
      throw TemplateException.at("Resources." + unsupported.logicalId() + ".Type",
          unsupported.type() + " is not supported locally; use AWS::Serverless::HttpApi");
    }
    for (LocalFunction function : functions.all()) {
      function.events().fields().forEachRemaining(entry -> {
        JsonNode event = entry.getValue();
        if (!event.path("Type").asText().equals("HttpApi")) {
          return;
        }
        String where = "Resources." + function.logicalId() + ".Properties.Events." + entry.getKey() + ".Properties";
        JsonNode properties = event.path("Properties");
        String apiId = properties.path("ApiId").asText("ServerlessHttpApi");
        if (!iamByDefault.containsKey(apiId)) {
          throw TemplateException.at(where + ".ApiId", "refers to " + apiId + ", which is not an AWS::Serverless::HttpApi");
        }
        String version = properties.path("PayloadFormatVersion").asText("2.0");
        if (!version.equals("2.0")) {
          throw TemplateException.at(where + ".PayloadFormatVersion", version + ": the local cloud serves payload format 2.0 only");
        }
        String authorizer = properties.path("Auth").path("Authorizer").asText(null);
        boolean iam;
        if (authorizer == null) {
          iam = iamByDefault.get(apiId);
        } else if (authorizer.equals("AWS_IAM")) {
          iam = true;
        } else if (authorizer.equals("NONE")) {
          iam = false;
        } else {
          throw TemplateException.at(where + ".Auth.Authorizer", authorizer + ": only AWS_IAM and NONE are supported locally");
        }
        String path = properties.path("Path").asText(null);
        String method = properties.path("Method").asText("ANY").toUpperCase(Locale.ROOT);
        if (path == null) {
          routes.add(new Route(apiId, "ANY", null, null, function, iam, "$default"));
        } else {
          List<String> segments = List.of(path.replaceFirst("^/", "").split("/", -1));
          String routeKey = (method.equals("ANY") ? "ANY" : method) + " " + path;
          routes.add(new Route(apiId, method, path, segments, function, iam, routeKey));
        }
      });
    }
    // Most specific first: literal segments beat {param}, which beat {proxy+}; a method beats ANY.
    routes.sort(Comparator.comparing((Route r) -> r.segments() == null ? 1 : 0)
        .thenComparing(Comparator.comparing((Route r) -> r.segments() == null ? "" : specificity(r)).reversed())
        .thenComparing(r -> r.method().equals("ANY") ? 1 : 0));
  }

  private void configure(String apiId, JsonNode properties, String where, Map<String, Boolean> iamByDefault) {
    JsonNode auth = properties.path("Auth");
    String defaultAuthorizer = auth.path("DefaultAuthorizer").asText(null);
    if (defaultAuthorizer != null && !defaultAuthorizer.equals("AWS_IAM")) {
      throw TemplateException.at(where + "Auth.DefaultAuthorizer", defaultAuthorizer + ": only AWS_IAM is supported locally");
    }
    if (auth.has("Authorizers")) {
      throw TemplateException.at(where + "Auth.Authorizers", "JWT and Lambda authorizers are not supported locally");
    }
    iamByDefault.put(apiId, "AWS_IAM".equals(defaultAuthorizer));
    JsonNode config = properties.path("CorsConfiguration");
    if (config.isBoolean() && config.asBoolean()) {
      cors.put(apiId, new Cors(List.of("*"), List.of("*"), List.of("*"), List.of(), null, false));
    } else if (config.isObject()) {
      cors.put(apiId, new Cors(list(config.path("AllowOrigins")), list(config.path("AllowMethods")),
          list(config.path("AllowHeaders")), list(config.path("ExposeHeaders")),
          config.has("MaxAge") ? config.get("MaxAge").asInt() : null, config.path("AllowCredentials").asBoolean(false)));
    }
  }

  private static List<String> list(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> values.add(v.asText()));
    } else if (node.isTextual()) {
      for (String v : node.asText().split(",")) {
        values.add(v.trim());
      }
    }
    return values;
  }

  /** One digit per segment: 3 literal, 2 {param}, 1 {proxy+}; higher sorts first. */
  private static String specificity(Route route) {
    StringBuilder score = new StringBuilder();
    for (String segment : route.segments()) {
      score.append(segment.endsWith("+}") ? '1' : segment.startsWith("{") ? '2' : '3');
    }
    return score.toString();
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  public Reply handle(Request request) {
    String origin = request.header("origin");
    if (request.method().equals("OPTIONS") && origin != null && request.header("access-control-request-method") != null) {
      for (Map.Entry<String, Cors> entry : cors.entrySet()) {
        Reply preflight = preflight(entry.getValue(), request, origin);
        if (preflight != null) {
          return preflight;
        }
      }
    }
    Match match = match(request);
    if (match == null) {
      return Reply.json(404, Json.object().put("message", "Not Found"), "application/json");
    }
    Route route = match.route();
    Reply reply;
    if (route.iam() && request.signedService() == null) {
      reply = Reply.json(403, Json.object().put("message", "Forbidden"), "application/json");
    } else {
      reply = invoke(route, match.pathParameters(), request);
    }
    Cors config = cors.get(route.apiId());
    if (config != null && origin != null && allowed(config.origins(), origin)) {
      reply = reply.with("Access-Control-Allow-Origin", config.origins().contains("*") && !config.credentials() ? "*" : origin);
      if (!config.expose().isEmpty()) {
        reply = reply.with("Access-Control-Expose-Headers", String.join(",", config.expose()));
      }
      if (config.credentials()) {
        reply = reply.with("Access-Control-Allow-Credentials", "true");
      }
    }
    return reply;
  }

  private static boolean allowed(List<String> origins, String origin) {
    return origins.contains("*") || origins.stream().anyMatch(o -> o.equalsIgnoreCase(origin));
  }

  private static Reply preflight(Cors config, Request request, String origin) {
    if (!allowed(config.origins(), origin)) {
      return null;
    }
    String method = request.header("access-control-request-method").toUpperCase(Locale.ROOT);
    if (!config.methods().contains("*") && config.methods().stream().noneMatch(m -> m.equalsIgnoreCase(method))) {
      return null;
    }
    Reply reply = Reply.of(204, null, new byte[0])
        .with("Access-Control-Allow-Origin", config.origins().contains("*") && !config.credentials() ? "*" : origin)
        .with("Access-Control-Allow-Methods", String.join(",", config.methods()));
    if (!config.headers().isEmpty()) {
      reply = reply.with("Access-Control-Allow-Headers", String.join(",", config.headers()));
    }
    if (config.maxAge() != null) {
      reply = reply.with("Access-Control-Max-Age", config.maxAge().toString());
    }
    if (config.credentials()) {
      reply = reply.with("Access-Control-Allow-Credentials", "true");
    }
    return reply;
  }

  record Match(Route route, Map<String, String> pathParameters) {}

  private Match match(Request request) {
    String method = request.method().toUpperCase(Locale.ROOT);
    List<String> parts = List.of(request.path().replaceFirst("^/", "").split("/", -1));
    for (Route route : routes) {
      if (!route.method().equals("ANY") && !route.method().equals(method)) {
        continue;
      }
      if (route.segments() == null) {
        return new Match(route, Map.of());
      }
      Map<String, String> parameters = matchPath(route.segments(), parts);
      if (parameters != null) {
        return new Match(route, parameters);
      }
    }
    return null;
  }

  private static Map<String, String> matchPath(List<String> pattern, List<String> parts) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String segment = pattern.get(i);
      if (segment.startsWith("{") && segment.endsWith("+}")) {
        if (i >= parts.size() || String.join("/", parts.subList(i, parts.size())).isEmpty()) {
          return null;
        }
        parameters.put(segment.substring(1, segment.length() - 2),
            decode(String.join("/", parts.subList(i, parts.size()))));
        return parameters;
      }
      if (i >= parts.size()) {
        return null;
      }
      if (segment.startsWith("{") && segment.endsWith("}")) {
        if (parts.get(i).isEmpty()) {
          return null;
        }
        parameters.put(segment.substring(1, segment.length() - 1), decode(parts.get(i)));
      } else if (!segment.equals(parts.get(i))) {
        return null;
      }
    }
    return pattern.size() == parts.size() ? parameters : null;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private Reply invoke(Route route, Map<String, String> pathParameters, Request request) {
    ObjectNode event = event(route, pathParameters, request);
    Invocation invocation = functions.invoke(route.function(), Json.bytes(event));
    log.add("http", request.method() + " " + request.path() + " → " + route.function().logicalId()
        + (invocation.failed() ? " (error)" : ""), invocation.requestId());
    if (invocation.failed()) {
      return Reply.json(500, Json.object().put("message", "Internal Server Error"), "application/json")
          .with("apigw-requestid", event.path("requestContext").path("requestId").asText());
    }
    return response(invocation.payload()).with("apigw-requestid", event.path("requestContext").path("requestId").asText());
  }

  ObjectNode event(Route route, Map<String, String> pathParameters, Request request) {
    Instant now = clock.instant();
    ObjectNode event = Json.object();
    event.put("version", "2.0");
    event.put("routeKey", route.routeKey());
    event.put("rawPath", request.path());
    event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
    ObjectNode headers = Json.object();
    List<String> cookies = new ArrayList<>();
    request.headers().forEach((name, values) -> {
      if (name.equals("cookie")) {
        for (String value : values) {
          for (String cookie : value.split(";")) {
            if (!cookie.isBlank()) {
              cookies.add(cookie.trim());
            }
          }
        }
      } else {
        headers.put(name, String.join(",", values));
      }
    });
    if (!cookies.isEmpty()) {
      cookies.forEach(event.putArray("cookies")::add);
    }
    event.set("headers", headers);
    if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
      ObjectNode query = event.putObject("queryStringParameters");
      for (String pair : request.rawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        query.put(name, query.has(name) ? query.get(name).asText() + "," + value : value);
      }
    }
    ObjectNode context = event.putObject("requestContext");
    context.put("accountId", accountId);
    context.put("apiId", route.apiId());
    String host = request.header("host") == null ? "localhost" : request.header("host");
    context.put("domainName", host);
    context.put("domainPrefix", host.split("[.:]")[0]);
    ObjectNode http = context.putObject("http");
    http.put("method", request.method().toUpperCase(Locale.ROOT));
    http.put("path", request.path());
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", request.sourceIp());
    http.put("userAgent", request.header("user-agent") == null ? "" : request.header("user-agent"));
    context.put("requestId", UUID.randomUUID().toString().substring(0, 18));
    context.put("routeKey", route.routeKey());
    context.put("stage", "$default");
    context.put("time", REQUEST_TIME.format(now));
    context.put("timeEpoch", now.toEpochMilli());
    if (route.iam()) {
      String accessKey = request.accessKeyId();
      ObjectNode iam = context.putObject("authorizer").putObject("iam");
      iam.put("accessKey", accessKey);
      iam.put("accountId", accountId);
      iam.put("callerId", accessKey);
      iam.putNull("cognitoIdentity");
      iam.putNull("principalOrgId");
      iam.put("userArn", "arn:aws:iam::" + accountId + ":user/local");
      iam.put("userId", accessKey);
    }
    if (!pathParameters.isEmpty()) {
      ObjectNode params = event.putObject("pathParameters");
      pathParameters.forEach(params::put);
    }
    if (request.body().length > 0) {
      boolean text = isText(request.header("content-type"));
      event.put("body", text ? new String(request.body(), StandardCharsets.UTF_8)
          : Base64.getEncoder().encodeToString(request.body()));
      event.put("isBase64Encoded", !text);
    } else {
      event.put("isBase64Encoded", false);
    }
    return event;
  }

  private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/xml",
      "application/x-www-form-urlencoded", "application/javascript", "application/x-amz-json-1.0");

  private static boolean isText(String contentType) {
    if (contentType == null) {
      return true;
    }
    String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return type.startsWith("text/") || TEXT_TYPES.contains(type) || type.endsWith("+json") || type.endsWith("+xml");
  }

  /** API Gateway's reading of a 2.0 response; output without statusCode is a 200 JSON body. */
  static Reply response(byte[] output) {
    JsonNode json;
    try {
      json = output.length == 0 ? null : Json.parse(output);
    } catch (IllegalArgumentException e) {
      json = null;
    }
    if (json == null || !json.isObject() || !json.has("statusCode")) {
      return Reply.of(200, "application/json", output);
    }
    byte[] body = new byte[0];
    if (json.hasNonNull("body")) {
      body = json.path("isBase64Encoded").asBoolean(false)
          ? Base64.getDecoder().decode(json.get("body").asText())
          : json.get("body").asText().getBytes(StandardCharsets.UTF_8);
    }
    Reply reply = Reply.of(json.get("statusCode").asInt(), null, body);
    Map<String, List<String>> headers = new LinkedHashMap<>(reply.headers());
    json.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), List.of(e.getValue().asText())));
    json.path("multiValueHeaders").fields().forEachRemaining(e -> {
      List<String> values = new ArrayList<>();
      e.getValue().forEach(v -> values.add(v.asText()));
      headers.put(e.getKey(), values);
    });
    List<String> cookies = new ArrayList<>();
    json.path("cookies").forEach(c -> cookies.add(c.asText()));
    if (!cookies.isEmpty()) {
      headers.put("Set-Cookie", cookies);
    }
    if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type")) && body.length > 0) {
      headers.put("Content-Type", List.of("application/json"));
    }
    return new Reply(reply.status(), headers, body);
  }
}
