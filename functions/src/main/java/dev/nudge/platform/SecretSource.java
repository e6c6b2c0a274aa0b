package dev.nudge.platform;

import java.util.Optional;

/** Where secret values come from: SSM Parameter Store in AWS and in the local cloud. */
public interface SecretSource {
  /** The value of the secret {@code name}, or empty when no such secret exists. */
  Optional<String> get(String name);
}
