package dev.nudge.testing;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Embedded DynamoDB Local, in memory, on a free loopback port: tests talk to it through the real
 * SDK and wire protocol. One server per JVM; each test creates its own tables.
 */
public final class LocalDynamoDb {
  private static DynamoDBProxyServer server;
  private static URI endpoint;

  private LocalDynamoDb() {}

  public static synchronized URI endpoint() {
    if (server == null) {
      int port = freePort();
      try {
        server = ServerRunner.createServerFromCommandLineArgs(
            new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
      } catch (Exception e) {
        throw new IllegalStateException("DynamoDB Local did not start", e);
      }
      endpoint = URI.create("http://127.0.0.1:" + port);
      Runtime.getRuntime().addShutdownHook(new Thread(LocalDynamoDb::stop));
    }
    return endpoint;
  }

  public static DynamoDbClient client() {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public static software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streamsClient() {
    return software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static void stop() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // JVM is exiting anyway
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
