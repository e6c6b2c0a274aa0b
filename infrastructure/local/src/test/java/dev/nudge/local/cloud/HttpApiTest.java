package dev.nudge.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The template's HttpApi events served like API Gateway with payload format 2.0. */
class HttpApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder at(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(cloud.endpoint() + pathAndQuery));
  }

  private static JsonNode echoed(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void buildsThe20EventWithPathParametersQueryHeadersAndCookies() throws Exception {
    HttpResponse<String> response = send(at("/items/i%2D42?a=1&b=x&a=2").header("X-Custom", "Yes")
        .header("Cookie", "c1=v1; c2=v2").GET());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode event = echoed(response).path("event");
    assertThat(event.path("version").asText()).isEqualTo("2.0");
    assertThat(event.path("routeKey").asText()).isEqualTo("GET /items/{id}");
    assertThat(event.path("rawPath").asText()).isEqualTo("/items/i%2D42");
    assertThat(event.path("rawQueryString").asText()).isEqualTo("a=1&b=x&a=2");
    assertThat(event.path("queryStringParameters").path("a").asText()).isEqualTo("1,2");
    assertThat(event.path("pathParameters").path("id").asText()).isEqualTo("i-42");
    assertThat(event.path("headers").path("x-custom").asText()).isEqualTo("Yes");
    assertThat(event.path("headers").has("cookie")).isFalse();
    assertThat(event.path("cookies")).extracting(JsonNode::asText).containsExactly("c1=v1", "c2=v2");
    assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("GET");
    assertThat(event.path("requestContext").path("http").path("sourceIp").asText()).isEqualTo("127.0.0.1");
    assertThat(event.path("requestContext").path("requestId").asText()).isNotEmpty();
    assertThat(event.path("requestContext").path("timeEpoch").asLong()).isEqualTo(cloud.clock().millis());
    assertThat(event.path("requestContext").has("authorizer")).isFalse();
  }

  @Test
  void returnsTheHandlersStatusHeadersAndCookies() throws Exception {
    HttpResponse<String> response = send(at("/teapot").GET());
    assertThat(response.statusCode()).isEqualTo(418);
    assertThat(response.headers().firstValue("x-echo")).hasValue("yes");
    assertThat(response.headers().firstValue("set-cookie")).hasValue("session=abc; Path=/");
  }

  @Test
  void constructsTheHandlerInItsEnvironmentWithTheSharedClockAndPassesTheLambdaContext() throws Exception {
    JsonNode body = echoed(send(at("/items/1").GET()));
    assertThat(body.path("stage").asText()).isEqualTo("test");
    assertThat(body.path("clockMillis").asLong()).isEqualTo(cloud.clock().millis());
    assertThat(body.path("functionName").asText()).isEqualTo("nudge-ApiFunction");
    assertThat(body.path("remainingMillis").asInt()).isBetween(1, 5000);
  }

  @Test
  void prefersALiteralPathToAPathParameter() throws Exception {
    assertThat(echoed(send(at("/items/special").GET())).path("event").path("routeKey").asText())
        .isEqualTo("GET /items/special");
  }

  @Test
  void matchesAGreedyProxyPathForAnyMethod() throws Exception {
    JsonNode event = echoed(send(at("/files/a/b/c.txt").DELETE())).path("event");
    assertThat(event.path("routeKey").asText()).isEqualTo("ANY /files/{proxy+}");
    assertThat(event.path("pathParameters").path("proxy").asText()).isEqualTo("a/b/c.txt");
  }

  @Test
  void passesATextBodyAsIsAndABinaryBodyBase64Encoded() throws Exception {
    JsonNode text = echoed(send(at("/items").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")))).path("event");
    assertThat(text.path("body").asText()).isEqualTo("{\"a\":1}");
    assertThat(text.path("isBase64Encoded").asBoolean()).isFalse();
    byte[] bytes = {0, 1, 2, (byte) 255};
    JsonNode binary = echoed(send(at("/items").header("content-type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)))).path("event");
    assertThat(binary.path("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(binary.path("body").asText())).isEqualTo(bytes);
  }

  @Test
  void answers500LikeApiGatewayWhenTheFunctionFails() throws Exception {
    HttpResponse<String> response = send(at("/boom").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"note\":\"poison\"}")));
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"message\":\"Internal Server Error\"}");
  }

  @Test
  void answersWithAnErrorWhenTheFunctionOutlivesItsTimeout() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = send(at("/slow").GET());
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2900);
    assertThat(cloud.log().recent(50)).anyMatch(e -> e.summary().contains("Task timed out after 1.00 seconds"));
  }

  @Test
  void answers404ForAPathNoRouteMatches() throws Exception {
    HttpResponse<String> response = send(at("/nothing/here").GET());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("Not Found");
  }

  @Test
  void refusesAnUnsignedRequestToAnIamRoute() throws Exception {
    HttpResponse<String> response = send(at("/admin").GET());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void passesTheIamIdentityOfASignedRequest() throws Exception {
    HttpResponse<String> response = send(at("/admin").header("Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=abc").GET());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode iam = echoed(response).path("event").path("requestContext").path("authorizer").path("iam");
    assertThat(iam.path("accessKey").asText()).isEqualTo("AKIDLOCAL");
    assertThat(iam.path("accountId").asText()).isEqualTo("000000000000");
  }

  @Test
  void answersACorsPreflightFromAnAllowedOrigin() throws Exception {
    HttpResponse<String> response = send(at("/items").header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://shop.example");
    assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("GET,POST");
    assertThat(response.headers().firstValue("access-control-max-age")).hasValue("300");
  }

  @Test
  void addsNoCorsHeadersForAnOriginThatIsNotAllowed() throws Exception {
    HttpResponse<String> response = send(at("/items/1").header("Origin", "https://evil.example").GET());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> allowed = send(at("/items/1").header("Origin", "https://shop.example").GET());
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://shop.example");
  }
}
