package dev.nudge.contacts;

import dev.nudge.platform.SecretSource;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed tokens for the links in messages, each scoped to one purpose, contact and channel:
 * {@code <payload>.<signature>}, both base64url, the signature an HMAC-SHA256 of the payload with
 * the token secret. A confirmation token also carries the time of the pending request it confirms
 * and expires after {@link #CONFIRMATION_VALIDITY}; an unsubscribe token does not expire, since
 * an unsubscribe link in an old message must keep working.
 */
public final class ConsentTokens {
  public static final Duration CONFIRMATION_VALIDITY = Duration.ofDays(7);

  public enum Purpose { CONFIRM, UNSUBSCRIBE }

  /** What a verified token grants. {@code at} is the pending request's time for CONFIRM, issue time otherwise. */
  public record Token(Purpose purpose, String contactId, Channel channel, Instant at) {}

  private final SecretSource secrets;
  private final String secretName;
  private final Clock clock;

  public ConsentTokens(SecretSource secrets, String secretName, Clock clock) {
    this.secrets = secrets;
    this.secretName = secretName;
    this.clock = clock;
  }

  public String confirmation(String contactId, Channel channel, Instant pendingAt) {
    return sign(new Token(Purpose.CONFIRM, contactId, channel, pendingAt));
  }

  public String unsubscribe(String contactId, Channel channel) {
    return sign(new Token(Purpose.UNSUBSCRIBE, contactId, channel, clock.instant()));
  }

  /** The token's grant if the signature is valid, the purpose matches and it has not expired. */
  public Optional<Token> verify(String token, Purpose expected) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      return Optional.empty();
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
      signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) {
      return Optional.empty();
    }
    String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
    if (parts.length != 5 || !parts[0].equals("v1")) {
      return Optional.empty();
    }
    Purpose purpose = parts[1].equals("c") ? Purpose.CONFIRM : parts[1].equals("u") ? Purpose.UNSUBSCRIBE : null;
    Optional<Channel> channel = Channel.fromWire(parts[3]);
    if (purpose != expected || channel.isEmpty()) {
      return Optional.empty();
    }
    Instant at = Instant.ofEpochMilli(Long.parseLong(parts[4]));
    if (purpose == Purpose.CONFIRM && clock.instant().isAfter(at.plus(CONFIRMATION_VALIDITY))) {
      return Optional.empty();
    }
    return Optional.of(new Token(purpose, parts[2], channel.get(), at));
  }

  private String sign(Token token) {
    String payload = String.join("|", "v1", token.purpose() == Purpose.CONFIRM ? "c" : "u", token.contactId(),
        token.channel().wireName(), Long.toString(token.at().toEpochMilli()));
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(bytes) + "." + b64.encodeToString(mac(bytes));
  }

  private byte[] mac(byte[] payload) {
    String secret = secrets.get(secretName)
        .orElseThrow(() -> new IllegalStateException("token secret " + secretName + " is not set"));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(payload);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
