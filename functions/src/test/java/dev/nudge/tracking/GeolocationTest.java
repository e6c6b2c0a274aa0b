package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Location;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A contact's location: from identify's {@code location}, or a browser's CloudFront viewer headers. */
class GeolocationTest {
  private static final Map<String, String> CLOUDFRONT_MADRID = Map.of(
      "cloudfront-viewer-country", "ES",
      "cloudfront-viewer-country-region", "MD",
      "cloudfront-viewer-country-region-name", "Madrid",
      "cloudfront-viewer-city", "Madrid",
      "cloudfront-viewer-latitude", "40.41680",
      "cloudfront-viewer-longitude", "-3.70380");

  private final TrackingStack stack = new TrackingStack();

  private Location location(String id) {
    return stack.contacts.find(id).orElseThrow().location();
  }

  private JsonNode contactApi(String id) {
    ObjectNode event = TrackingStack.event("contacts-admin-get.json", "GET /v1/contacts/{id}", null);
    event.put("rawPath", "/v1/contacts/" + id);
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/contacts/" + id);
    event.putObject("pathParameters").put("id", id);
    Response response = TrackingStack.invoke(stack.admin, event);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().path("contact");
  }

  @Test
  void identifyStoresTheLocationAndTheContactApiReturnsIt() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"ana\",\"location\":{\"country\":\"es\","
        + "\"region\":\"Madrid\",\"city\":\"Madrid\",\"lat\":40.4168,\"lon\":-3.7038}}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(location("ana")).isEqualTo(new Location("ES", "Madrid", "Madrid", 40.4168, -3.7038));
    JsonNode returned = contactApi("ana").path("location");
    assertThat(returned.path("country").asText()).isEqualTo("ES");
    assertThat(returned.path("city").asText()).isEqualTo("Madrid");
    assertThat(returned.path("lat").asDouble()).isEqualTo(40.4168);
    assertThat(returned.path("lon").asDouble()).isEqualTo(-3.7038);
  }

  @Test
  void aLaterLocationReplacesTheWholeOldOne() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"mover\",\"location\":{\"country\":\"ES\",\"city\":\"Madrid\","
        + "\"lat\":40.4168,\"lon\":-3.7038}}");

    stack.signed("POST /v1/identify", "{\"contactId\":\"mover\",\"location\":{\"country\":\"PT\",\"city\":\"Porto\"}}");

    assertThat(location("mover")).isEqualTo(new Location("PT", null, "Porto", null, null));
  }

  @Test
  void anIdentifyWithoutALocationKeepsTheStoredOne() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"stays\",\"location\":{\"country\":\"ES\"}}");

    stack.signed("POST /v1/identify", "{\"contactId\":\"stays\",\"attributes\":{\"plan\":\"pro\"}}");

    assertThat(location("stays")).isEqualTo(new Location("ES", null, null, null, null));
  }

  @Test
  void aContactWithoutALocationHasANullLocationInTheApi() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"nowhere\"}");

    assertThat(location("nowhere")).isNull();
    assertThat(contactApi("nowhere").get("location").isNull()).isTrue();
  }

  @ParameterizedTest(name = "{0} is refused naming {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"lat\":91,\"lon\":0}                 | location.lat",
      "{\"lat\":40.4,\"lon\":-180.5}          | location.lon",
      "{\"lat\":\"40.4\",\"lon\":-3.7}        | location.lat",
      "{\"lat\":40.4}                         | location.lon",
      "{\"lon\":-3.7}                         | location.lat",
      "{\"country\":\"XX\"}                   | location.country",
      "{\"country\":\"Spain\"}                | location.country",
      "{\"city\":\"\"}                        | location.city",
      "{\"zip\":\"28001\"}                    | location.zip",
      "{}                                     | location",
      "\"Madrid\"                             | location"})
  void aBadLocationIsRefusedNamingTheFieldAndNothingIsStored(String location, String field) {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"bad\",\"location\":" + location + "}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo(field);
    assertThat(stack.contacts.find("bad")).isEmpty();
  }

  @Test
  void aCityLongerThan128CharactersIsRefused() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"long\",\"location\":{\"city\":\""
        + "x".repeat(129) + "\"}}");

    assertThat(response.errorField()).isEqualTo("location.city");
    assertThat(stack.contacts.find("long")).isEmpty();
  }

  @Test
  void cloudFrontViewerHeadersFillTheLocationOfABrowserIdentify() {
    ObjectNode event = TrackingStack.event("identify-browser.json", "POST /v1/identify",
        "{\"anonymousId\":\"visitor-1\"}");
    CLOUDFRONT_MADRID.forEach(((ObjectNode) event.get("headers"))::put);

    Response response = TrackingStack.invoke(stack.track, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(location(response.json().path("contactId").asText()))
        .isEqualTo(new Location("ES", "Madrid", "Madrid", 40.4168, -3.7038));
  }

  @Test
  void aBrowsersStatedLocationWinsOverTheViewerHeaders() {
    ObjectNode event = TrackingStack.event("identify-browser.json", "POST /v1/identify",
        "{\"anonymousId\":\"visitor-2\",\"location\":{\"country\":\"PT\",\"city\":\"Lisboa\"}}");
    CLOUDFRONT_MADRID.forEach(((ObjectNode) event.get("headers"))::put);

    Response response = TrackingStack.invoke(stack.track, event);

    assertThat(location(response.json().path("contactId").asText()))
        .isEqualTo(new Location("PT", null, "Lisboa", null, null));
  }

  @Test
  void unparseableViewerHeadersAreDroppedNotRefused() {
    ObjectNode event = TrackingStack.event("identify-browser.json", "POST /v1/identify",
        "{\"anonymousId\":\"visitor-3\"}");
    ((ObjectNode) event.get("headers")).put("cloudfront-viewer-country", "ZZ")
        .put("cloudfront-viewer-city", "Toledo")
        .put("cloudfront-viewer-latitude", "not-a-number")
        .put("cloudfront-viewer-longitude", "-4.0273");

    Response response = TrackingStack.invoke(stack.track, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(location(response.json().path("contactId").asText()))
        .isEqualTo(new Location(null, null, "Toledo", null, null));
  }

  @Test
  void aBrowsersFirstEventCreatesItsContactWhereCloudFrontSawItAndLaterEventsLeaveItAlone() {
    ObjectNode first = TrackingStack.event("identify-browser.json", "POST /v1/track",
        "{\"id\":\"pv-1\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-4\"}");
    CLOUDFRONT_MADRID.forEach(((ObjectNode) first.get("headers"))::put);
    Response response = TrackingStack.invoke(stack.track, first);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    String id = response.json().path("contactId").asText();

    ObjectNode later = TrackingStack.event("identify-browser.json", "POST /v1/track",
        "{\"id\":\"pv-2\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-4\"}");
    ((ObjectNode) later.get("headers")).put("cloudfront-viewer-country", "FR").put("cloudfront-viewer-city", "Paris");
    TrackingStack.invoke(stack.track, later);

    assertThat(location(id)).isEqualTo(new Location("ES", "Madrid", "Madrid", 40.4168, -3.7038));
  }

  @Test
  void anAnonymousVisitorsLocationFollowsThemIntoAKnownContactThatHasNone() {
    ObjectNode visit = TrackingStack.event("identify-browser.json", "POST /v1/track",
        "{\"id\":\"pv-9\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-9\"}");
    CLOUDFRONT_MADRID.forEach(((ObjectNode) visit.get("headers"))::put);
    TrackingStack.invoke(stack.track, visit);
    stack.signed("POST /v1/identify", "{\"contactId\":\"known-9\"}");

    stack.signed("POST /v1/identify", "{\"contactId\":\"known-9\",\"anonymousId\":\"visitor-9\"}");

    assertThat(location("known-9")).isEqualTo(new Location("ES", "Madrid", "Madrid", 40.4168, -3.7038));
  }

  @Test
  void viewerHeadersAreIgnoredForAServerSignedIdentify() {
    String body = "{\"contactId\":\"backend-user\"}";
    ObjectNode event = TrackingStack.event("track-signed.json", "POST /v1/identify", body);
    String timestamp = Long.toString(stack.clock.instant().getEpochSecond());
    ObjectNode headers = (ObjectNode) event.get("headers");
    headers.put("x-nudge-key-id", TrackingStack.KEY_ID);
    headers.put("x-nudge-timestamp", timestamp);
    headers.put("x-nudge-signature", "v1=" + HexFormat.of().formatHex(
        RequestAuthenticator.sign(TrackingStack.KEY_SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8))));
    CLOUDFRONT_MADRID.forEach(headers::put);

    Response response = TrackingStack.invoke(stack.track, event);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(location("backend-user")).isNull();
  }

  @Test
  void erasureRemovesTheLocationWithTheProfile() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"forget-me\",\"location\":{\"country\":\"ES\",\"lat\":40.4,"
        + "\"lon\":-3.7}}");
    ObjectNode event = TrackingStack.event("contacts-admin-get.json", "DELETE /v1/contacts/{id}", null);
    event.put("rawPath", "/v1/contacts/forget-me");
    ((ObjectNode) event.get("requestContext").get("http")).put("path", "/v1/contacts/forget-me");
    event.putObject("pathParameters").put("id", "forget-me");

    Response response = TrackingStack.invoke(stack.admin, event);

    assertThat(response.status()).as(response.body()).isBetween(200, 204);
    assertThat(stack.contacts.find("forget-me")).isEmpty();
  }
}
