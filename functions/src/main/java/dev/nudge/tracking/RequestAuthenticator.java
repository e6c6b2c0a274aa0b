package dev.nudge.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.Json;
import dev.nudge.platform.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates webhook requests.
 *
 * <p>Servers sign: {@code X-Nudge-Key-Id: <key id>}, {@code X-Nudge-Timestamp: <unix seconds>},
 * {@code X-Nudge-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">}. The keys are a JSON
 * object {key id: secret} in one secret, so a key is rotated by adding the new id, moving callers,
 * then removing the old one. Timestamps more than {@link #REPLAY_WINDOW} from now are refused, so a
 * captured request cannot be replayed later.
 *
 * <p>Browsers send a public write key ({@code X-Nudge-Write-Key}) from an allowed {@code Origin};
 * what such callers may do is limited by the request parsers.
 */
public final class RequestAuthenticator {
  public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

  private final SecretSource secrets;
  private final String signingKeysName;
  private final Set<String> publicWriteKeys;
  private final Set<String> allowedOrigins;
  private final Clock clock;

  public RequestAuthenticator(SecretSource secrets, String signingKeysName, Set<String> publicWriteKeys,
      Set<String> allowedOrigins, Clock clock) {
    this.secrets = secrets;
    this.signingKeysName = signingKeysName;
    this.publicWriteKeys = Set.copyOf(publicWriteKeys);
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.clock = clock;
  }

  public Caller authenticate(HttpRequest request) {
    if (request.header("x-nudge-signature").isPresent() || request.header("x-nudge-key-id").isPresent()) {
      return server(request);
    }
    if (request.header("x-nudge-write-key").isPresent()) {
      return browser(request);
    }
    throw ApiException.unauthorized("sign the request (X-Nudge-Key-Id, X-Nudge-Timestamp, X-Nudge-Signature) "
        + "or send a public write key (X-Nudge-Write-Key)");
  }

  private Caller server(HttpRequest request) {
    String keyId = request.header("x-nudge-key-id")
        .orElseThrow(() -> new ApiException(401, "unauthorized", "X-Nudge-Key-Id is missing", "X-Nudge-Key-Id"));
    String timestamp = request.header("x-nudge-timestamp")
        .orElseThrow(() -> new ApiException(401, "unauthorized", "X-Nudge-Timestamp is missing", "X-Nudge-Timestamp"));
    String signature = request.header("x-nudge-signature")
        .orElseThrow(() -> new ApiException(401, "unauthorized", "X-Nudge-Signature is missing", "X-Nudge-Signature"));
    if (!timestamp.matches("[0-9]{1,12}")) {
      throw new ApiException(401, "unauthorized", "X-Nudge-Timestamp must be Unix seconds", "X-Nudge-Timestamp");
    }
    if (!signature.matches("v1=[0-9a-f]{64}")) {
      throw new ApiException(401, "unauthorized", "X-Nudge-Signature must be v1=<64 lower-case hex digits>",
          "X-Nudge-Signature");
    }
    JsonNode secret = signingKeys().get(keyId);
    if (secret == null || !secret.isTextual()) {
      throw new ApiException(401, "unauthorized", "unknown signing key id", "X-Nudge-Key-Id");
    }
    byte[] expected = sign(secret.asText(), timestamp, request.body());
    byte[] actual = HexFormat.of().parseHex(signature.substring(3));
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new ApiException(401, "unauthorized", "signature does not match", "X-Nudge-Signature");
    }
    long skew = Math.abs(clock.instant().getEpochSecond() - Long.parseLong(timestamp));
    if (skew > REPLAY_WINDOW.toSeconds()) {
      throw new ApiException(401, "unauthorized", "timestamp is more than 5 minutes from the server's time",
          "X-Nudge-Timestamp");
    }
    return new Caller.Server(keyId);
  }

  private Caller browser(HttpRequest request) {
    byte[] key = request.header("x-nudge-write-key").orElseThrow().getBytes(StandardCharsets.UTF_8);
    boolean known = false;
    for (String candidate : publicWriteKeys) {
      known |= MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), key);
    }
    if (!known) {
      throw new ApiException(401, "unauthorized", "unknown write key", "X-Nudge-Write-Key");
    }
    String origin = request.header("origin").orElse("");
    if (!allowedOrigins.contains(origin)) {
      throw ApiException.forbidden("Origin", "origin is not allowed to use a write key");
    }
    return new Caller.Browser(origin);
  }

  private JsonNode signingKeys() {
    String value = secrets.get(signingKeysName)
        .orElseThrow(() -> new IllegalStateException("signing keys secret " + signingKeysName + " is not set"));
    try {
      JsonNode keys = Json.read(value);
      if (keys == null || !keys.isObject()) {
        throw new IllegalStateException("signing keys secret must be a JSON object {\"key id\": \"secret\"}");
      }
      return keys;
    } catch (IOException e) {
      throw new IllegalStateException("signing keys secret is not JSON", e);
    }
  }

  /** The signature a caller computes: HMAC-SHA256 over "&lt;timestamp&gt;.&lt;raw body&gt;". */
  public static byte[] sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
