package dev.nudge.platform;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * SDK clients, one of each per container (static holders: the first handler constructed builds
 * them; SnapStart snapshots them built). Region, credentials and endpoint come from the SDK's
 * defaults (AWS_REGION, AWS_ENDPOINT_URL / aws.endpointUrl), so the local cloud redirects them with
 * system properties.
 */
public final class AwsClients {
  private AwsClients() {}

  public static DynamoDbClient dynamoDb() {
    return DynamoDbHolder.CLIENT;
  }

  public static SsmClient ssm() {
    return SsmHolder.CLIENT;
  }

  private static final class DynamoDbHolder {
    static final DynamoDbClient CLIENT = DynamoDbClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  private static final class SsmHolder {
    static final SsmClient CLIENT = SsmClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
