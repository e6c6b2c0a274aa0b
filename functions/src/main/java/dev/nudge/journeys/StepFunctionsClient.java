package dev.nudge.journeys;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/** One Step Functions client per container, built like the others in dev.nudge.platform.AwsClients. */
public final class StepFunctionsClient {
  private StepFunctionsClient() {}

  public static SfnClient get() {
    return Holder.CLIENT;
  }

  private static final class Holder {
    static final SfnClient CLIENT = SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
