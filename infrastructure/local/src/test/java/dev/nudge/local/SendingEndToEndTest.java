package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sending side of the feedback loop on the real template, with the outbox on disk: a real
 * subscription (identify with consent, no event tracked by hand) starts the welcome series; its
 * e-mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) in the .eml; a mailbox
 * provider's one-click POST to that URL unsubscribes the contact and ends the series.
 */
class SendingEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LINK = Pattern.compile("<(https?://[^>]+)>");
  private static Path data;
  private static LocalCloud cloud;
  private static NudgeApi api;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("nudge-sending");
    cloud = TestClouds.startPersisted(TestClouds.repoTemplate(), data);
    api = new NudgeApi(cloud);
    api.publishBundled("welcome-series");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cloud != null) {
      cloud.close();
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static List<Outbox.Message> emailsTo(String contact) {
    return cloud.outbox().all().stream().filter(m -> m.channel().equals("email") && m.to().contains(contact + "@example.com"))
        .toList();
  }

  private static String header(String eml, String name) {
    String unfolded = eml.substring(0, eml.indexOf("\r\n\r\n") > 0 ? eml.indexOf("\r\n\r\n") : eml.indexOf("\n\n"))
        .replaceAll("\r?\n[ \t]+", " ");
    for (String line : unfolded.split("\r?\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + name + " header in the .eml");
  }

  private static long exited() throws Exception {
    JsonNode stats = JSON.readTree(api.admin("GET", "/v1/workflows/welcome-series/stats", "", "application/json").body());
    long total = 0;
    for (JsonNode version : stats.path("versions")) {
      total += version.path("journeys").path("exited").asLong();
    }
    return total;
  }

  @Test
  void aRealSubscriptionStartsTheWelcomeSeriesAndOneClickUnsubscribeFromItsHeaderEndsIt() throws Exception {
    HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"reader\",\"email\":\"reader@example.com\","
        + "\"attributes\":{\"firstName\":\"Ada\"},\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
    assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo("reader").size() == 1))
        .as("the welcome e-mail, from contact.subscribed written by identify").isTrue();

    String eml = Files.readString(data.resolve("outbox").resolve(emailsTo("reader").get(0).file()), StandardCharsets.UTF_8);
    assertThat(header(eml, "List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");
    Matcher link = LINK.matcher(header(eml, "List-Unsubscribe"));
    assertThat(link.find()).as(header(eml, "List-Unsubscribe")).isTrue();
    URI unsubscribe = URI.create(link.group(1));
    assertThat(unsubscribe.getPath()).startsWith("/v1/unsubscribe/");
    assertThat(unsubscribe.toString()).as("links in local e-mails lead to this local cloud").startsWith(cloud.endpoint().toString());

    // What Gmail or Yahoo send when the reader presses their Unsubscribe button (RFC 8058).
    HttpResponse<String> oneClick = HttpClient.newHttpClient().send(HttpRequest.newBuilder(unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(oneClick.statusCode()).as(oneClick.body()).isEqualTo(200);

    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> {
      try {
        return exited() == 1;
      } catch (Exception e) {
        return false;
      }
    })).as("the welcome series exits on contact.unsubscribed").isTrue();
    JsonNode contact = JSON.readTree(api.admin("GET", "/v1/contacts/reader", "", "application/json").body());
    assertThat(contact.toString()).contains("unsubscribed");
  }

  @Test
  void aDoubleOptInSubscriptionGetsItsConfirmationAndConfirmingStartsTheWelcomeSeries() throws Exception {
    HttpResponse<String> identified = api.signed("/v1/identify", "{\"contactId\":\"careful\",\"email\":\"careful@example.com\","
        + "\"attributes\":{\"firstName\":\"Grace\"},\"consent\":{\"email\":{\"status\":\"subscribed\",\"doubleOptIn\":true}}}");
    assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo("careful").size() == 1))
        .as("the confirmation e-mail, sent by Nudge itself").isTrue();
    Outbox.Message confirmation = emailsTo("careful").get(0);
    assertThat(confirmation.subject()).startsWith("Please confirm your subscription");
    Matcher link = Pattern.compile("href=\"(https?://[^\"]+/v1/confirm/[^\"]+)\"").matcher(confirmation.html());
    assertThat(link.find()).as(confirmation.html()).isTrue();

    assertThat(link.group(1)).as("the confirmation link leads to this local cloud").startsWith(cloud.endpoint().toString());
    HttpResponse<String> confirmed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(link.group(1))).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);

    assertThat(TestClouds.eventually(Duration.ofSeconds(30), () -> emailsTo("careful").size() == 2))
        .as("the welcome e-mail, from contact.subscribed written on confirmation").isTrue();
    assertThat(emailsTo("careful").stream().map(Outbox.Message::subject).toList())
        .anySatisfy(subject -> assertThat(subject).contains("Welcome"));
  }
}
