package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiHandlerTest {
  private static final class Echo extends HttpApiHandler {
    Echo() {
      super("echo");
      route("GET /v1/things/{id}", r -> HttpResponse.json(200, Json.object().put("id", r.pathParameters().get("id"))));
      route("POST /v1/boom", r -> {
        throw new IllegalStateException("contains ana@example.com");
      });
      route("POST /v1/throttled", r -> {
        throw software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.builder()
            .message("throttled").statusCode(400)
            .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                .errorCode("ProvisionedThroughputExceededException").serviceName("DynamoDb").build())
            .build();
      });
      route("POST /v1/refuse", r -> {
        throw ApiException.invalid("name", "name is required");
      });
    }
  }

  private static HttpRequest request(String routeKey, String method, String path) {
    return new HttpRequest(routeKey, method, path, Map.of(), Map.of(), Map.of(), new byte[0], "example.com");
  }

  @Test
  void aDefaultRouteKeyFallsBackToMatchingMethodAndPath() {
    HttpResponse response = new Echo().handle(request("$default", "GET", "/v1/things/a%20b"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"id\":\"a b\"}");
  }

  @Test
  void anUnknownRouteIsANoRoute404() {
    HttpResponse response = new Echo().handle(request("$default", "GET", "/v1/other"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"code\":\"no_route\"");
  }

  @Test
  void aRefusalBecomesTheErrorShapeNamingTheField() {
    HttpResponse response = new Echo().handle(request("POST /v1/refuse", "POST", "/v1/refuse"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo("{\"error\":{\"code\":\"invalid_request\",\"message\":\"name is required\",\"field\":\"name\"}}");
  }

  @Test
  void anUnexpectedFailureIs500AndItsMessageIsNeitherAnsweredNorLogged() {
    var captured = new java.io.ByteArrayOutputStream();
    var previous = Log.redirect(new java.io.PrintStream(captured, true));
    HttpResponse response;
    try {
      response = new Echo().handle(request("POST /v1/boom", "POST", "/v1/boom"));
    } finally {
      Log.redirect(previous);
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("ana@");
    assertThat(captured.toString()).contains("IllegalStateException").doesNotContain("ana@");
  }

  @Test
  void aRetryableAwsFailureIs503WithRetryAfter() {
    HttpResponse response = new Echo().handle(request("POST /v1/throttled", "POST", "/v1/throttled"));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers()).containsEntry("retry-after", "1");
    assertThat(response.body()).contains("\"code\":\"unavailable\"");
  }
}
