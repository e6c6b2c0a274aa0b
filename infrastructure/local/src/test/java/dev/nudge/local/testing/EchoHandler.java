package dev.nudge.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A test function for the HTTP API: answers 200 with the 2.0 event it received, the Lambda
 * context it saw, and the variables and clock time of the Environment it was constructed in.
 */
public final class EchoHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Environment environment;

  public EchoHandler() {
    this.environment = Environment.current();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = JSON.readTree(input);
    if (event.path("rawPath").asText().endsWith("/slow")) {
      try {
        Thread.sleep(3000); // longer than the SlowFunction's 1 s Timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("event", event);
    body.put("functionName", context.getFunctionName());
    body.put("requestId", context.getAwsRequestId());
    body.put("remainingMillis", context.getRemainingTimeInMillis());
    body.put("stage", environment.variables().getOrDefault("STAGE", ""));
    body.put("clockMillis", environment.clock().millis());
    ObjectNode response = JSON.createObjectNode();
    response.put("statusCode", event.path("rawPath").asText().endsWith("/teapot") ? 418 : 200);
    response.putObject("headers").put("content-type", "application/json").put("x-echo", "yes");
    response.putArray("cookies").add("session=abc; Path=/");
    response.put("body", body.toString());
    output.write(JSON.writeValueAsBytes(response));
  }
}
