package dev.nudge.local.testing;

import dev.nudge.tracking.RequestAuthenticator;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The local cloud as its own process ({@code dev.nudge.local.Main --data DIR}) on a persisted data
 * folder, so a test can {@code kill -9} it and start it again on the same data; everything goes
 * over the wire (SDK clients, the HTTP API, /_local), as a user's calls would.
 */
public final class CloudProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final Path data;
  private final int port = freePort();
  private Process process;
  private String keyId;
  private String secret;

  /** @param data the folder the cloud keeps its state in (and the processes' logs) */
  public CloudProcess(Path data) {
    this.data = data;
  }

  /**
   * Starts the cloud (its output in {@code <name>.log}) and waits until it answers; {@code jfr},
   * when not null, is a file for a Flight Recording of the whole run.
   */
  public void start(String name, String jfr) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (jfr != null) {
      command.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath() + ",settings=profile,dumponexit=true");
    }
    if (System.getProperty("sqlite4java.library.path") != null) {
      command.add("-Dsqlite4java.library.path=" + System.getProperty("sqlite4java.library.path"));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.nudge.local.Main",
        "--data", data.resolve("cloud").toString(), "--port", Integer.toString(port), "--time-scale", "0",
        "--template", TestClouds.repoTemplate().toString()));
    Path log = data.resolve(name + ".log");
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the local cloud exited: " + Files.readString(log));
      }
      try {
        if (get("/_local/clock").statusCode() == 200) {
          if (keyId == null) {
            readSigningKey();
          }
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the local cloud did not start within 180 s: " + Files.readString(log));
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Configures an SDK client builder for this cloud's endpoint. */
  public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder) {
    return builder.endpointOverride(endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** The cloud's virtual time. */
  public Instant now() throws IOException, InterruptedException {
    return Instant.parse(JSON.readTree(get("/_local/clock").body()).path("now").asText());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An IAM route (the local cloud checks a SigV4 credential scope is there, not the signature). */
  public HttpResponse<String> admin(String method, String path, String body, String type)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/execute-api/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .header("content-type", type).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Drafts and publishes {@code definition} (YAML) as {@code workflowId}. */
  public void publish(String workflowId, String definition) throws Exception {
    HttpResponse<String> draft = admin("PUT", "/v1/workflows/" + workflowId, definition, "application/yaml");
    assertThat(draft.statusCode()).as(draft.body()).isIn(200, 201);
    HttpResponse<String> published = admin("POST", "/v1/workflows/" + workflowId + "/publish", "", "application/json");
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
  }

  /**
   * A POST signed like a customer's backend signs it, timestamped on the cloud's virtual clock;
   * resent on a refused connection (the cloud killed or restarting), a 429 or a 5xx.
   */
  public void signed(String path, String body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    String last = null;
    while (System.nanoTime() < deadline) {
      try {
        String timestamp = Long.toString(now().getEpochSecond());
        String signature = HexFormat.of().formatHex(
            RequestAuthenticator.sign(secret, timestamp, body.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
            .timeout(Duration.ofSeconds(60)).header("content-type", "application/json").header("x-nudge-key-id", keyId)
            .header("x-nudge-timestamp", timestamp).header("x-nudge-signature", "v1=" + signature)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() < 500 && response.statusCode() != 429) {
          break;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(path + " never accepted: " + last);
  }

  /** Moves the virtual clock by an ISO-8601 duration. */
  public void advance(String duration) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + "/_local/clock"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"advance\":\"" + duration + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private void readSigningKey() throws IOException {
    try (SsmClient ssm = client(SsmClient.builder())) {
      JsonNode keys = JSON.readTree(ssm.getParameter(b -> b.name("/nudge/signing-keys").withDecryption(true))
          .parameter().value());
      keyId = keys.fieldNames().next();
      secret = keys.get(keyId).asText();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
