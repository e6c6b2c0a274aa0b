package dev.nudge.cli;

import dev.nudge.tracking.RequestAuthenticator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Nudge's HTTP API as the CLI calls it: admin routes SigV4-signed with the SDK's signer (the
 * local cloud accepts any signature; API Gateway checks it against IAM), tracking routes
 * HMAC-signed with a webhook key read from SSM Parameter Store (the local cloud serves SSM on
 * the same port), and, locally, the local page's JSON.
 */
final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final String DEFAULT_SIGNING_KEYS = "/nudge/signing-keys";

  private final URI base;
  private final boolean local;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final String signingKeysParameter;
  private final String where;
  private final Map<String, String> env;
  private Map<String, String> outputs;
  private Map.Entry<String, String> signingKey;

  private ApiClient(URI base, boolean local, Region region, AwsCredentialsProvider credentials, String signingKeysParameter,
      String where, Map<String, String> env, Map<String, String> outputs) {
    this.base = base;
    this.local = local;
    this.region = region;
    this.credentials = credentials;
    this.signingKeysParameter = signingKeysParameter;
    this.where = where;
    this.env = env;
    this.outputs = outputs;
  }

  /** The local cloud at {@code url}: any credentials, region us-east-1 (LocalCloudOptions.REGION). */
  static ApiClient forLocal(String url, CliContext context) {
    URI base;
    try {
      base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--url: not a URL: " + url);
    }
    if (base.getScheme() == null || base.getHost() == null) {
      throw CliException.usage("--url: not an http(s) URL: " + url);
    }
    return new ApiClient(base, true, Region.of(dev.nudge.local.LocalCloudOptions.REGION),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
        context.env().getOrDefault("NUDGE_SIGNING_KEYS_PARAMETER", DEFAULT_SIGNING_KEYS), "the local cloud at " + base,
        context.env(), null);
  }

  /** A deployed stack: its ApiUrl output and SigningKeysParameterName parameter, the default credential chain. */
  static ApiClient forStack(String stackName, String regionName, CliContext context) {
    try {
      Region region = regionName != null ? Region.of(regionName) : DefaultAwsRegionProviderChain.builder().build().getRegion();
      AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
      Stack stack;
      try (CloudFormationClient cfn = CloudFormationClient.builder().region(region).credentialsProvider(credentials)
          .httpClient(UrlConnectionHttpClient.create()).build()) {
        stack = cfn.describeStacks(b -> b.stackName(stackName)).stacks().get(0);
      }
      Map<String, String> outputs = stack.outputs().stream()
          .collect(Collectors.toMap(o -> o.outputKey(), o -> o.outputValue(), (a, b) -> a));
      String apiUrl = outputs.get("ApiUrl");
      if (apiUrl == null) {
        throw CliException.failed("stack " + stackName + " has no ApiUrl output: is it a Nudge stack?");
      }
      String keys = stack.parameters().stream().filter(p -> p.parameterKey().equals("SigningKeysParameterName"))
          .map(p -> p.parameterValue()).findFirst().orElse(DEFAULT_SIGNING_KEYS);
      return new ApiClient(URI.create(apiUrl.replaceAll("/+$", "")), false, region, credentials, keys,
          "stack " + stackName + " (" + apiUrl + ")", context.env(), outputs);
    } catch (SdkException e) {
      throw CliException.failed("cannot read stack " + stackName + ": " + e.getMessage());
    }
  }

  boolean isLocal() {
    return local;
  }

  URI base() {
    return base;
  }

  String where() {
    return where;
  }

  /**
   * A stack output, e.g. ImportBucketName: the deployed stack's, or for the local cloud the value
   * it resolves from the same template (NUDGE_TEMPLATE, else the repository's template.yaml).
   */
  synchronized String output(String name) {
    if (outputs == null) {
      java.nio.file.Path template = env.containsKey("NUDGE_TEMPLATE") ? java.nio.file.Path.of(env.get("NUDGE_TEMPLATE"))
          : Nudge.home().resolve("template.yaml");
      try {
        Map<String, String> resolved = new java.util.LinkedHashMap<>();
        dev.nudge.local.template.StackLoader.load(template, dev.nudge.local.LocalCloudOptions.STACK_NAME,
            dev.nudge.local.LocalCloudOptions.REGION, dev.nudge.local.LocalCloudOptions.ACCOUNT_ID, Map.of())
            .outputs().forEach((k, v) -> resolved.put(k, v.asText()));
        outputs = resolved;
      } catch (RuntimeException e) {
        throw CliException.failed("cannot read the local cloud's outputs from " + template + ": " + e.getMessage());
      }
    }
    String value = outputs.get(name);
    if (value == null || value.isBlank()) {
      throw CliException.failed(where + " has no output " + name + (local ? " in its template" : ""));
    }
    return value;
  }

  /** An S3 client for this target (the local cloud's S3 is path-style on its one port). */
  software.amazon.awssdk.services.s3.S3Client s3() {
    var builder = software.amazon.awssdk.services.s3.S3Client.builder().region(region).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create());
    if (local) {
      builder.endpointOverride(base).forcePathStyle(true);
    }
    return builder.build();
  }

  /** An admin (IAM) route, SigV4-signed for execute-api. */
  Response admin(String method, String path, String body, String contentType) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(base + path);
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method));
    if (body != null) {
      unsigned.putHeader("content-type", contentType);
    }
    SignedRequest signed;
    try {
      signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
          .request(unsigned.build())
          .payload(ContentStreamProvider.fromByteArray(bytes))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
          .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
    } catch (SdkException e) {
      throw CliException.failed("cannot sign the request (AWS credentials?): " + e.getMessage());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .method(method, bytes.length == 0 && body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
    signed.request().headers().forEach((name, values) -> {
      // java.net.http sets Host and Content-Length itself (from the same URI and body that were signed).
      if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
        values.forEach(v -> request.header(name, v));
      }
    });
    return send(request.build());
  }

  Response adminJson(String method, String path, JsonNode body) {
    return admin(method, path, body == null ? null : body.toString(), "application/json");
  }

  /** A tracking route ({@code /v1/track}, {@code /v1/identify}), signed like a customer's backend signs it. */
  Response tracking(String path, JsonNode body) {
    Map.Entry<String, String> key = signingKey();
    String text = body.toString();
    String timestamp = Long.toString(now().getEpochSecond());
    String signature = HexFormat.of().formatHex(
        RequestAuthenticator.sign(key.getValue(), timestamp, text.getBytes(StandardCharsets.UTF_8)));
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").header("x-nudge-key-id", key.getKey())
        .header("x-nudge-timestamp", timestamp).header("x-nudge-signature", "v1=" + signature)
        .POST(HttpRequest.BodyPublishers.ofString(text)).build());
  }

  /** A local-page JSON route ({@code /_local/api/outbox}); only the local cloud has them. */
  Response localPage(String method, String path, String jsonBody) {
    if (!local) {
      throw CliException.usage("this command needs the local cloud (it reads the local page), not a stack");
    }
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("accept", "application/json").header("content-type", "application/json")
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody))
        .build());
  }

  /**
   * The time to sign with: the local cloud's virtual clock (it may run ahead with --time-scale or
   * after the clock was advanced, and signatures must be within 5 minutes of it), else now.
   */
  private Instant now() {
    if (local) {
      Response clock = localPage("GET", "/_local/clock", null);
      if (clock.status() == 200 && clock.json().hasNonNull("now")) {
        return Instant.parse(clock.json().get("now").asText());
      }
    }
    return Instant.now();
  }

  /**
   * The webhook key to sign with: NUDGE_KEY_ID and NUDGE_SIGNING_SECRET when set, else the first key
   * of the signing-keys parameter (a JSON object {key id: secret}; see RequestAuthenticator).
   */
  private synchronized Map.Entry<String, String> signingKey() {
    if (signingKey != null) {
      return signingKey;
    }
    if (env.get("NUDGE_KEY_ID") != null && env.get("NUDGE_SIGNING_SECRET") != null) {
      signingKey = Map.entry(env.get("NUDGE_KEY_ID"), env.get("NUDGE_SIGNING_SECRET"));
      return signingKey;
    }
    var builder = SsmClient.builder().region(region).credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create());
    if (local) {
      builder.endpointOverride(base);
    }
    try (SsmClient ssm = builder.build()) {
      JsonNode keys = JSON.readTree(ssm.getParameter(b -> b.name(signingKeysParameter).withDecryption(true)).parameter().value());
      String id = keys.fieldNames().next();
      signingKey = Map.entry(id, keys.get(id).asText());
      return signingKey;
    } catch (SdkException e) {
      throw CliException.failed("cannot read the signing keys (" + signingKeysParameter + ") from " + where + ": "
          + firstLine(e.getMessage()) + (local ? " (is `./nudge local` running?)" : ""));
    } catch (IOException | RuntimeException e) {
      throw CliException.failed("the signing keys parameter " + signingKeysParameter + " is not a JSON object {key id: secret}");
    }
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw CliException.failed("cannot reach " + where + (local ? ": is `./nudge local` running? (or give --url / --stack)" : ""));
    } catch (IOException e) {
      throw CliException.failed(request.method() + " " + request.uri().getPath() + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failed("interrupted");
    }
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  /** An HTTP answer; {@link #check} turns a refusal into exit 1 with the API's error message. */
  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    JsonNode json() {
      try {
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (IOException e) {
        return JSON.createObjectNode().put("body", body);
      }
    }

    /** This response when 2xx; otherwise exit 1 naming {@code what}, the status, the error and its field. */
    Response check(String what) {
      if (ok()) {
        return this;
      }
      throw CliException.failed(what + ": " + describe());
    }

    /** "404 not_found: no workflow x (field: id)" plus any listed problems. */
    String describe() {
      JsonNode error = json().path("error");
      if (error.isMissingNode()) {
        String text = json().path("message").asText(body == null ? "" : body);
        return status + (text.isBlank() ? "" : " " + text.strip());
      }
      StringBuilder s = new StringBuilder().append(status).append(' ').append(error.path("code").asText())
          .append(": ").append(error.path("message").asText());
      if (error.hasNonNull("field")) {
        s.append(" (field: ").append(error.get("field").asText()).append(')');
      }
      for (JsonNode p : error.path("problems")) {
        s.append("\n  ").append(problem(p));
      }
      return s.toString();
    }
  }

  /** A workflow or scoring problem: "step reminder, /steps/1/email/template: unknown template". */
  static String problem(JsonNode p) {
    StringBuilder s = new StringBuilder();
    if (p.hasNonNull("step")) {
      s.append("step ").append(p.get("step").asText()).append(", ");
    }
    if (p.hasNonNull("path")) {
      s.append(p.get("path").asText()).append(": ");
    }
    return s.append(p.path("message").asText()).toString();
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
