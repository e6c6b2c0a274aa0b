package dev.nudge.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Embedded DynamoDB Local on a private loopback port. Clients never see this port: the local
 * AWS endpoint forwards DynamoDB and DynamoDB Streams calls here. {@code -sharedDb} makes one
 * database whatever credentials or region a client signs with.
 */
public final class DynamoDbServer implements AutoCloseable {
  private final DynamoDBProxyServer server;
  private final URI endpoint;
  private final CapacityMeter capacity = new CapacityMeter();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private DynamoDbServer(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /** @param dataDir where the database file lives; null keeps everything in memory */
  public static DynamoDbServer start(Path dataDir) {
    ensureSqliteNative();
    int port = freePort();
    String[] args = dataDir == null
        ? new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"}
        : new String[] {"-dbPath", dataDir.toString(), "-sharedDb", "-port", Integer.toString(port),
            "-disableTelemetry"};
    try {
      if (dataDir != null) {
        Files.createDirectories(dataDir);
      }
      DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args);
      server.start();
      return new DynamoDbServer(server, URI.create("http://127.0.0.1:" + port));
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** What the forwarded calls consumed, as DynamoDB Local reports it. */
  public CapacityMeter capacity() {
    return capacity;
  }

  /**
   * Forwards one raw request of a client (body and the headers DynamoDB needs) and returns the
   * response; its consumed capacity is metered.
   */
  public HttpResponse<byte[]> forward(String target, String contentType, String authorization, byte[] body) {
    String operation = target.startsWith("DynamoDB_20120810.") ? target.substring(target.indexOf('.') + 1) : "";
    byte[] metered = capacity.request(operation, body);
    HttpResponse<byte[]> response = send(target, contentType, authorization, metered);
    capacity.record(operation, metered, response.statusCode(), response.body());
    return response;
  }

  private HttpResponse<byte[]> send(String target, String contentType, String authorization, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .header("X-Amz-Target", target)
        .header("Content-Type", contentType == null ? "application/x-amz-json-1.0" : contentType)
        .header("Authorization", authorization == null ? LOCAL_AUTHORIZATION : authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("DynamoDB Local unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Calls one operation with a JSON body (the local cloud's own call: not metered); a DynamoDB error becomes {@link DynamoDbError}. */
  public JsonNode call(String target, JsonNode body) {
    HttpResponse<byte[]> response = send(target, null, null, Json.bytes(body));
    JsonNode json = Json.parse(response.body());
    if (response.statusCode() >= 300) {
      String type = json.path("__type").asText("InternalServerError");
      throw new DynamoDbError(type.substring(type.indexOf('#') + 1),
          json.has("message") ? json.get("message").asText() : json.path("Message").asText(""),
          response.statusCode());
    }
    return json;
  }

  /** A DynamoDB error response: type without the namespace (e.g. ConditionalCheckFailedException). */
  public static final class DynamoDbError extends RuntimeException {
    private final String type;
    private final int status;

    public DynamoDbError(String type, String message, int status) {
      super(type + ": " + message);
      this.type = type;
      this.status = status;
    }

    public String type() {
      return type;
    }

    public int status() {
      return status;
    }
  }

  private static final String LOCAL_AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
          + "SignedHeaders=host, Signature=0";

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping at shutdown: nothing left to do with the error
    }
  }

  /**
   * sqlite4java loads its native library from {@code sqlite4java.library.path}. The build copies
   * it to target/native-libs beside target/classes; point there unless the caller already did.
   */
  private static void ensureSqliteNative() {
    if (System.getProperty("sqlite4java.library.path") != null) {
      return;
    }
    try {
      Path classes = Path.of(DynamoDbServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path natives = classes.getParent().resolve("native-libs");
      if (Files.isDirectory(natives)) {
        System.setProperty("sqlite4java.library.path", natives.toString());
        return;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the error below
    }
    throw new IllegalStateException("sqlite4java native library not found: build infrastructure/local "
        + "(it copies it to target/native-libs) or set -Dsqlite4java.library.path");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
