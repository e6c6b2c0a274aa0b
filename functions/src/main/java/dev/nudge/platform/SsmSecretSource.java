package dev.nudge.platform;

import java.util.Optional;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** Secrets as SSM Parameter Store SecureString parameters, decrypted on read. */
public final class SsmSecretSource implements SecretSource {
  private final SsmClient ssm;

  public SsmSecretSource(SsmClient ssm) {
    this.ssm = ssm;
  }

  @Override
  public Optional<String> get(String name) {
    try {
      return Optional.of(ssm.getParameter(b -> b.name(name).withDecryption(true)).parameter().value());
    } catch (ParameterNotFoundException e) {
      return Optional.empty();
    }
  }
}
