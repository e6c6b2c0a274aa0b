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
import java.util.List;
import java.util.Map;
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

  /** DynamoDB Local's handler called in-process; null: over HTTP (-Dnudge.local.dynamodbHttp=true, or it could not attach). */
  private final InProcessDynamoDb direct;

  private DynamoDbServer(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
    this.direct = Boolean.getBoolean("nudge.local.dynamodbHttp") ? null : InProcessDynamoDb.attach(server);
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
      DynamoDbServer started = new DynamoDbServer(server, URI.create("http://127.0.0.1:" + port));
      // -Dnudge.local.sqliteWal=false keeps sqlite's defaults (to measure what this saves).
      if (dataDir != null && !"false".equals(System.getProperty("nudge.local.sqliteWal"))) {
        started.commitWithoutFsync();
      }
      return started;
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
    }
  }

  /**
   * DynamoDB Local runs every call as one sqlite transaction on one queue thread, with sqlite's
   * defaults: a rollback journal and a full sync, i.e. several fsyncs per commit. On this machine
   * that is ~14 ms per write against ~1 ms in memory, and since the queue is single-threaded it
   * caps the whole local cloud at ~70 writes a second (./nudge bench: 43 tracked events/s, two
   * writes each). Write-ahead logging with {@code synchronous=NORMAL} commits without an fsync and
   * stays durable when the process dies (kill -9: the log is in the OS's page cache and is
   * replayed at the next open); only a power cut or an OS crash can lose the last commits, which
   * is fine for a development cloud. DynamoDB Local has no option for it, so the pragmas run on
   * its own connection, found by reflection (its internals: if they change, the cloud keeps
   * working at the old speed and says so).
   */
  private void commitWithoutFsync() {
    call("DynamoDB_20120810.ListTables", Json.object()); // opens the shared database
    try {
      Object access = find(server, SQLITE_ACCESS, 6, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
      if (access == null) {
        throw new IllegalStateException("no " + SQLITE_ACCESS + " inside DynamoDB Local");
      }
      java.lang.reflect.Field queueField = access.getClass().getDeclaredField("queue");
      queueField.setAccessible(true);
      com.almworks.sqlite4java.SQLiteQueue queue = (com.almworks.sqlite4java.SQLiteQueue) queueField.get(access);
      this.sqlite = queue;
      String mode = queue.execute(new com.almworks.sqlite4java.SQLiteJob<String>() {
        @Override
        protected String job(com.almworks.sqlite4java.SQLiteConnection connection) throws Throwable {
          com.almworks.sqlite4java.SQLiteStatement journal = connection.prepare("PRAGMA journal_mode=WAL");
          try {
            journal.step();
            String result = journal.columnString(0);
            connection.exec("PRAGMA synchronous=NORMAL");
            return result;
          } finally {
            journal.dispose();
          }
        }
      }).complete();
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new IllegalStateException("journal mode " + mode);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("DynamoDB Local: could not switch sqlite to write-ahead logging (" + e
          + "); writes fsync on every commit and the local cloud is slower");
    }
  }

  /** DynamoDB Local's sqlite queue, when write-ahead logging is on (see {@link #close()}). */
  private volatile com.almworks.sqlite4java.SQLiteQueue sqlite;

  private static final String SQLITE_ACCESS = "software.amazon.dynamodb.services.local.shared.access.sqlite.SQLiteDBAccess";

  /** The first object of class {@code type} reachable from {@code from} through DynamoDB Local's own objects and maps. */
  private static Object find(Object from, String type, int depth, java.util.Set<Object> seen) throws IllegalAccessException {
    if (from == null || depth < 0 || !seen.add(from)) {
      return null;
    }
    if (from.getClass().getName().equals(type)) {
      return from;
    }
    if (from instanceof java.util.Map<?, ?> map) {
      for (Object value : map.values()) {
        Object found = find(value, type, depth - 1, seen);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    if (!from.getClass().getName().startsWith("software.amazon.dynamodb.")) {
      return null;
    }
    for (Class<?> c = from.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (java.lang.reflect.Field field : c.getDeclaredFields()) {
        if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        try {
          field.setAccessible(true);
        } catch (RuntimeException e) {
          continue;
        }
        Object found = find(field.get(from), type, depth - 1, seen);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * What the forwarded calls consumed, as DynamoDB Local reports it. The first call starts the
   * meter (it costs a parse and a re-serialisation of every request, so it is off until someone
   * asks): units are counted from then on.
   */
  public CapacityMeter capacity() {
    capacity.enable();
    return capacity;
  }

  /**
   * Forwards one raw request of a client (body and the headers DynamoDB needs) and returns the
   * response; its consumed capacity is metered.
   */
  public HttpResponse<byte[]> forward(String target, String contentType, String authorization, byte[] body) {
    String operation = target.startsWith("DynamoDB_20120810.") ? target.substring(target.indexOf('.') + 1) : "";
    if (!capacity.enabled()) {
      return wrote(operation, send(target, contentType, authorization, body));
    }
    byte[] metered = capacity.request(operation, body);
    HttpResponse<byte[]> response = send(target, contentType, authorization, metered);
    capacity.record(operation, metered, response.statusCode(), response.body());
    return wrote(operation, response);
  }

  private static final java.util.Set<String> WRITES = java.util.Set.of("PutItem", "UpdateItem", "DeleteItem",
      "BatchWriteItem", "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction");
  private final java.util.List<Runnable> writeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Runs {@code listener} after every successful write. A stream poller that found nothing wakes on
   * it instead of sleeping a fixed quarter second, so a record is read as soon as it is written.
   */
  public void addWriteListener(Runnable listener) {
    writeListeners.add(listener);
  }

  private HttpResponse<byte[]> wrote(String operation, HttpResponse<byte[]> response) {
    if (response.statusCode() == 200 && WRITES.contains(operation)) {
      writeListeners.forEach(Runnable::run);
    }
    return response;
  }

  private HttpResponse<byte[]> send(String target, String contentType, String authorization, byte[] body) {
    if (direct != null) {
      InProcessDynamoDb.Answer answer = direct.handle(target, authorization == null ? LOCAL_AUTHORIZATION : authorization, body);
      return new Answered(answer.status(), answer.body(), endpoint);
    }
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

  /**
   * An in-process answer in the shape of the HTTP one the callers (the AWS endpoint) pass on:
   * DynamoDB's content type and a request id, no CRC32 header (the SDK checks it only when present).
   */
  private record Answered(int statusCode, byte[] body, URI uri) implements HttpResponse<byte[]> {
    private static final java.net.http.HttpHeaders JSON_HEADERS = java.net.http.HttpHeaders.of(
        Map.of("content-type", List.of("application/x-amz-json-1.0")), (name, value) -> true);

    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public java.util.Optional<HttpResponse<byte[]>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return JSON_HEADERS;
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }

  /** Calls one operation with a JSON body (the local cloud's own call: not metered); a DynamoDB error becomes {@link DynamoDbError}. */
  public JsonNode call(String target, JsonNode body) {
    HttpResponse<byte[]> response = wrote(target.substring(target.indexOf('.') + 1), send(target, null, null, Json.bytes(body)));
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
    // DynamoDB Local stops its sqlite thread without waiting for it; with write-ahead logging the
    // last connection's close checkpoints the log into the database, holding its lock meanwhile,
    // so a cloud reopened at once in the same JVM (tests) found the database locked. Wait for it.
    com.almworks.sqlite4java.SQLiteQueue queue = sqlite;
    if (queue != null) {
      try {
        queue.stop(true).join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
