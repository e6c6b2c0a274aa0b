package dev.nudge.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.platform.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A test function that records every event it receives, per function (its AWS_LAMBDA_FUNCTION_NAME),
 * so a test can see what Lambda would have delivered. It fails an invocation whose event contains
 * the text in its FAIL_ON variable, like a handler meeting a poison record.
 */
public final class RecordingHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ConcurrentHashMap<String, BlockingQueue<JsonNode>> RECEIVED = new ConcurrentHashMap<>();
  /** Every invocation, failed or not, as (function, event). */
  public static final List<JsonNode> ATTEMPTS = new CopyOnWriteArrayList<>();
  private final String name;
  private final String failOn;

  public RecordingHandler() {
    Environment env = Environment.current();
    this.name = env.require("AWS_LAMBDA_FUNCTION_NAME");
    this.failOn = env.optional("FAIL_ON").orElse(null);
  }

  /** Forgets what was received (a new cloud is a new world; function names repeat across test clouds). */
  public static void forgetReceived() {
    RECEIVED.values().forEach(BlockingQueue::clear);
  }

  public static BlockingQueue<JsonNode> received(String functionName) {
    return RECEIVED.computeIfAbsent(functionName, k -> new LinkedBlockingQueue<>());
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = JSON.readTree(input);
    ATTEMPTS.add(JSON.createObjectNode().put("function", name).set("event", event));
    if (failOn != null && event.toString().contains(failOn)) {
      throw new IllegalStateException("poison record");
    }
    received(name).add(event);
    output.write("{}".getBytes());
  }
}
