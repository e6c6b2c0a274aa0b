package dev.nudge.tracking;

import dev.nudge.platform.Environment;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The tracking functions' configuration, read once from the environment (template.yaml names the variables). */
record TrackingConfig(
    String contactsTable,
    String eventsTable,
    String signingKeysParameter,
    String tokenSecretParameter,
    Set<String> publicWriteKeys,
    Set<String> allowedOrigins,
    Duration eventRetention,
    String publicBaseUrl) {

  static TrackingConfig from(Environment env) {
    return new TrackingConfig(
        env.require("CONTACTS_TABLE"),
        env.require("EVENTS_TABLE"),
        env.require("SIGNING_KEYS_PARAMETER"),
        env.require("TOKEN_SECRET_PARAMETER"),
        csv(env.optional("PUBLIC_WRITE_KEYS").orElse("")),
        csv(env.optional("ALLOWED_ORIGINS").orElse("")),
        Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400"))),
        env.optional("PUBLIC_BASE_URL").orElse(null));
  }

  private static Set<String> csv(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }
}
