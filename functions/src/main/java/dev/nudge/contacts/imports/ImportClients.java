package dev.nudge.contacts.imports;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client, one per container, built on first use. */
final class ImportClients {
  private ImportClients() {}

  static S3Client s3() {
    return S3Holder.CLIENT;
  }

  private static final class S3Holder {
    // Path-style when an endpoint is configured (the local cloud at 127.0.0.1): virtual-hosted
    // bucket names cannot resolve there. In AWS no endpoint is set and S3's default applies.
    static final S3Client CLIENT = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .forcePathStyle(System.getProperty("aws.endpointUrl") != null || System.getenv("AWS_ENDPOINT_URL") != null)
        .build();
  }
}
