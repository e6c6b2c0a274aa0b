package dev.nudge.tracking;

/** Who sent a request, as established by {@link RequestAuthenticator}. */
public sealed interface Caller {
  /** A backend that signed the request with the HMAC key {@code keyId}. */
  record Server(String keyId) implements Caller {}

  /** A web page using a public write key, from an allowed origin. */
  record Browser(String origin) implements Caller {}

  default String source() {
    return this instanceof Server s ? "server:" + s.keyId() : "browser";
  }
}
