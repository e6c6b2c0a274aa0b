package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store-opening campaign in the local cloud on the real template: the workflow's audience is the
 * contacts within 25 km of the store, and the trigger event reaches a contact in Madrid and one in
 * Toledo (about 67 km away); only the Madrid one starts a journey.
 */
class GeolocationEndToEndTest {
  private static final String STORE_OPENING = """
      id: store-opening
      name: New store in Madrid
      trigger: { event: store.announced }
      audience:
        where:
          location: { near: { lat: 40.4168, lon: -3.7038, km: 25 } }
      steps:
        - id: invite
          update: { addToLists: [store-invited] }
      """;
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 0.0);
    api = new NudgeApi(cloud);
    api.publish("store-opening", STORE_OPENING);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void aWorkflowNearAStoreStartsAJourneyOnlyForTheNearbyContact() throws Exception {
    identify("madrileno", "{\"country\":\"ES\",\"city\":\"Madrid\",\"lat\":40.4168,\"lon\":-3.7038}");
    identify("toledano", "{\"country\":\"ES\",\"city\":\"Toledo\",\"lat\":39.8628,\"lon\":-4.0273}");
    assertThat(api.contact("madrileno").path("contact").path("location").path("city").asText()).isEqualTo("Madrid");

    announce("toledano");
    announce("madrileno");

    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> api.lists("madrileno").contains("store-invited")))
        .as("the contact within 25 km entered the journey").isTrue();
    assertThat(api.contact("madrileno").path("journeys")).isNotEmpty();
    cloud.engine().awaitQuiescence();
    assertThat(api.timeline("toledano")).contains("store.announced");
    assertThat(api.lists("toledano")).doesNotContain("store-invited");
    assertThat(api.contact("toledano").path("journeys")).isEmpty();
  }

  private static void identify(String contact, String location) throws Exception {
    HttpResponse<String> response = api.signed("/v1/identify", "{\"contactId\":\"" + contact + "\",\"location\":"
        + location + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static void announce(String contact) throws Exception {
    HttpResponse<String> response = api.signed("/v1/track", "{\"id\":\"" + contact + "-announced\","
        + "\"type\":\"store.announced\",\"contactId\":\"" + contact + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
