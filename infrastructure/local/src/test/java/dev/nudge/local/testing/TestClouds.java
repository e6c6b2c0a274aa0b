package dev.nudge.local.testing;

import dev.nudge.local.LocalCloud;
import dev.nudge.local.LocalCloudOptions;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;

/**
 * Starting local clouds in tests. Every cloud of a test JVM listens on the same port, one at a
 * time: handlers keep their SDK clients in static holders (one per container, as in Lambda), so
 * the endpoint they first saw must stay the endpoint.
 */
public final class TestClouds {
  private static final int PORT = LocalCloud.inProcessPort();

  private TestClouds() {}

  public static Path fixture(String name) {
    try {
      return Path.of(TestClouds.class.getResource("/templates/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path repoTemplate() {
    return Path.of(System.getProperty("nudge.repo.root", "../.."), "template.yaml").toAbsolutePath().normalize();
  }

  public static LocalCloud start(Path template, double timeScale) {
    RecordingHandler.forgetReceived();
    return LocalCloud.start(new LocalCloudOptions(template, null, PORT, timeScale, Map.of()));
  }

  public static LocalCloud startPersisted(Path template, Path data) {
    return LocalCloud.start(new LocalCloudOptions(template, data, PORT, 1.0, Map.of()));
  }

  /** Configures an SDK client builder for {@code cloud}'s endpoint. */
  public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, LocalCloud cloud) {
    return builder.endpointOverride(cloud.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** Waits up to {@code timeout} for {@code condition}; false if it never held. */
  public static boolean eventually(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
