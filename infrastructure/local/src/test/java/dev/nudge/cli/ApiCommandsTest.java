package dev.nudge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.NudgeApi;
import dev.nudge.local.testing.TestClouds;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that call Nudge's API, against one real in-memory local cloud started from the
 * repository's template (each test uses its own workflow, template and contact ids).
 */
class ApiCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCloud cloud;
  private static Cli cli;
  private static NudgeApi api;

  @TempDir
  Path temp;

  @BeforeAll
  static void start() throws IOException {
    cloud = TestClouds.start(TestClouds.repoTemplate(), 1.0);
    cli = new Cli(cloud.endpoint());
    api = new NudgeApi(cloud);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  private static String workflow(String id, String template) {
    return "id: " + id + "\ntrigger: { event: " + id + ".started }\nsteps:\n  - id: hello\n    email: { template: " + template + " }\n";
  }

  private static boolean sentTo(String address) {
    return cloud.outbox().all().stream().map(Outbox.Message::to).anyMatch(to -> to.contains(address));
  }

  @Nested
  class Publish {
    @Test
    void publishesEachFileOfADirectoryWithProgressThenLeavesThemUnchanged() throws IOException {
      Files.writeString(temp.resolve("cli-one.yaml"), workflow("cli-one", "welcome-1"));
      Files.writeString(temp.resolve("cli-two.yaml"), workflow("cli-two", "welcome-2"));
      Files.writeString(temp.resolve("cli-two.test.yaml"), "scenarios: []\n");

      Cli.Result first = cli.run("publish", temp.toString());
      Cli.Result again = cli.run("publish", temp.toString());

      assertThat(first.code()).as(first.toString()).isZero();
      assertThat(first.out()).containsPattern("\\[1/2\\] \\S*cli-one.yaml → cli-one: published version 1")
          .containsPattern("\\[2/2\\] \\S*cli-two.yaml → cli-two: published version 1").contains("2 of 2 workflows")
          .doesNotContain("cli-two.test.yaml");
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).contains("cli-one: unchanged (version 1)").contains("cli-two: unchanged (version 1)");
    }

    @Test
    void aChangedFileIsPublishedAsTheNextVersion() throws IOException {
      Path file = Files.writeString(temp.resolve("cli-change.yaml"), workflow("cli-change", "welcome-1"));
      cli.run("publish", file.toString());
      Files.writeString(file, workflow("cli-change", "welcome-2"));

      Cli.Result result = cli.run("publish", file.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("cli-change: published version 2");
    }

    @Test
    void aWorkflowTheApiRefusesIsNotPublishedAndExitsOne() throws IOException, InterruptedException {
      Path file = Files.writeString(temp.resolve("cli-bad.yaml"), workflow("cli-bad", "no-such-template"));

      Cli.Result result = cli.run("publish", file.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.out()).contains("cli-bad: FAILED").contains("not published").contains("no-such-template");
      assertThat(api.admin("GET", "/v1/workflows/cli-bad", "", "application/json").body()).contains("\"liveVersion\":0");
    }

    @Test
    void aFileWithoutAnIdIsAUsageErrorAndNothingIsSent() throws IOException {
      Path file = Files.writeString(temp.resolve("cli-noid.yaml"), "trigger: { event: a.b }\nsteps: []\n");

      Cli.Result result = cli.run("publish", file.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).contains("no workflow id");
    }

    @Test
    void urlAndStackTogetherAreAUsageError() {
      Cli.Result result = cli.run("publish", Cli.WORKFLOWS.toString(), "--url", "http://127.0.0.1:1", "--stack", "nudge");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("--url or --stack, not both");
    }

    @Test
    void noCloudListeningIsAFailureThatSaysHowToStartOne() {
      Cli.Result result = cli.run("publish", Cli.WORKFLOWS.resolve("birthday.yaml").toString(), "--url", "http://127.0.0.1:9");

      assertThat(result.code()).isEqualTo(1);
      assertThat(result.out() + result.err()).contains("./nudge local");
    }
  }

  @Nested
  class Templates {
    @Test
    void pushedFilesArePulledBackTheSame() throws IOException {
      Path email = Files.createDirectories(temp.resolve("push/email"));
      String template = "defaultLocale: en\nlocales:\n  en:\n    subject: Hello {{ contact.firstName }}\n    html: <p>Hi</p>\n";
      Files.writeString(email.resolve("cli-hello.yaml"), template);
      Files.writeString(temp.resolve("push/cli-text.yaml"), "channel: sms\nlocales:\n  en:\n    body: Hi. Reply STOP to opt out.\n");

      Cli.Result pushed = cli.run("templates", "push", temp.resolve("push").toString());
      Cli.Result pulled = cli.run("templates", "pull", "cli-hello", "cli-text", "-o", temp.resolve("pull").toString());

      assertThat(pushed.code()).as(pushed.toString()).isZero();
      assertThat(pushed.out()).contains("cli-hello: created version 1").contains("cli-text: created version 1");
      assertThat(pulled.code()).as(pulled.toString()).isZero();
      assertThat(Files.readString(temp.resolve("pull/email/cli-hello.yaml"))).contains("channel: email")
          .contains("Hello {{ contact.firstName }}");
      assertThat(Files.readString(temp.resolve("pull/sms/cli-text.yaml"))).contains("body: Hi. Reply STOP to opt out.");
      Cli.Result repushed = cli.run("templates", "push", temp.resolve("pull").toString());
      assertThat(repushed.out()).as(repushed.toString()).contains("cli-hello: unchanged (version 1)")
          .contains("cli-text: unchanged (version 1)");
    }

    @Test
    void aTemplateTheApiRefusesExitsOneNamingTheField() throws IOException {
      Path file = Files.writeString(temp.resolve("cli-broken.yaml"),
          "channel: email\nlocales:\n  en:\n    subject: \"{% if %}\"\n    html: <p>x</p>\n");

      Cli.Result result = cli.run("templates", "push", file.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.out()).contains("cli-broken: FAILED").contains("locales.en.subject");
    }

    @Test
    void aFileWithoutAChannelIsAUsageError() throws IOException {
      Path file = Files.writeString(temp.resolve("cli-nochannel.yaml"), "locales:\n  en:\n    body: Hi\n");

      Cli.Result result = cli.run("templates", "push", file.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).contains("no channel");
    }

    @Test
    void pullingAllWritesTheBundledTemplatesToo() {
      Cli.Result result = cli.run("templates", "pull", "-o", temp.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(temp.resolve("email/welcome-1.yaml")).exists();
      assertThat(temp.resolve("sms/cart-sms.yaml")).exists();
    }

    @Test
    void templatesWithoutPushOrPullIsAUsageError() {
      assertThat(cli.run("templates").code()).isEqualTo(2);
    }
  }

  @Nested
  class Scoring {
    @Test
    void publishesRules() throws IOException, InterruptedException {
      Path file = Files.writeString(temp.resolve("scoring.yaml"),
          "thresholds:\n  - { name: MQL, score: 50 }\nrules:\n  - { id: cli-pricing, event: page.viewed, points: 5 }\n");

      Cli.Result result = cli.run("scoring", "publish", file.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("1 rule(s), thresholds MQL at 50");
      assertThat(api.admin("GET", "/v1/scoring", "", "application/json").body()).contains("cli-pricing");
    }

    @Test
    void invalidRulesExitOneWithTheirPaths() throws IOException {
      Path file = Files.writeString(temp.resolve("bad-scoring.yaml"), "rules:\n  - { id: zero, event: page.viewed, points: 0 }\n");

      Cli.Result result = cli.run("scoring", "publish", file.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.err()).contains("/rules/0/points");
    }

    @Test
    void aMissingFileIsAUsageError() {
      assertThat(cli.run("scoring", "publish", "no-such-rules.yaml").code()).isEqualTo(2);
    }
  }

  @Nested
  class ContactsAndStats {
    @Test
    void anIdentifiedSubscriberWalksThePublishedWorkflowAndTheStatsShowIt() throws IOException {
      Path file = Files.writeString(temp.resolve("cli-welcome.yaml"),
          "id: cli-welcome\ntrigger: { event: cli.signed-up }\naudience: { consent: email }\n"
              + "steps:\n  - id: hello\n    email: { template: welcome-1 }\n");
      assertThat(cli.run("publish", file.toString()).code()).isZero();

      Cli.Result identify = cli.run("identify", "cli-ana", "--email", "cli-ana@example.com", "--consent", "email",
          "-a", "firstName=Ana", "--locale", "es-ES");
      Cli.Result track = cli.run("track", "cli.signed-up", "--contact", "cli-ana", "-p", "plan=pro", "--id", "cli-signup-1");
      Cli.Result outbox = cli.run("outbox", "--to", "cli-ana@example.com", "--wait", "30s");
      Cli.Result stats = cli.run("stats", "cli-welcome");

      assertThat(identify.code()).as(identify.toString()).isZero();
      assertThat(identify.out()).contains("contact cli-ana created").contains("email: subscribed");
      assertThat(track.out()).as(track.toString()).contains("cli.signed-up cli-signup-1 for cli-ana: created");
      assertThat(outbox.code()).as(outbox.toString()).isZero();
      assertThat(outbox.out()).contains("cli-ana@example.com").contains("Te damos la bienvenida");
      assertThat(TestClouds.eventually(Duration.ofSeconds(10), () -> cli.run("stats", "cli-welcome").out().contains("1 started")))
          .as(stats.toString()).isTrue();
      assertThat(cli.run("stats", "cli-welcome").out()).containsPattern("hello\\s+email\\s+1\\s+1");
    }

    @Test
    void theSameEventIdTwiceIsADuplicate() {
      cli.run("track", "cli.noted", "--contact", "cli-dup", "--id", "cli-dup-1");

      Cli.Result again = cli.run("track", "cli.noted", "--contact", "cli-dup", "--id", "cli-dup-1");

      assertThat(again.code()).isZero();
      assertThat(again.out()).contains(": duplicate");
    }

    @Test
    void aPropertyValueThatIsJsonIsSentAsJson() throws IOException, InterruptedException {
      cli.run("track", "cli.cart", "--contact", "cli-json", "--id", "cli-json-1", "-p", "items=[{\"sku\":\"A1\"}]",
          "-p", "total=59.9", "-p", "note=hello", "-p", "day=2026-01-05");
      // A contact named by its own id gets its profile from the events stream: let it settle.
      cloud.awaitIdle(java.time.Duration.ofMinutes(1));

      HttpResponse<String> contact = api.admin("GET", "/v1/contacts/cli-json", "", "application/json");
      JsonNode properties = JSON.readTree(contact.body()).path("timeline").path(0).path("properties");
      assertThat(properties.path("items").path(0).path("sku").asText()).isEqualTo("A1");
      assertThat(properties.path("total").isNumber()).isTrue();
      assertThat(properties.path("total").asDouble()).isEqualTo(59.9);
      assertThat(properties.path("note").isTextual()).isTrue();
      assertThat(properties.path("day").asText()).isEqualTo("2026-01-05");
    }

    @Test
    void trackWithoutAContactIsAUsageError() {
      Cli.Result result = cli.run("track", "cli.noted");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("--contact");
    }

    @Test
    void anIdentifyTheApiRefusesExitsOneNamingTheField() {
      Cli.Result result = cli.run("identify", "cli-bad-mail", "--email", "not-an-address");

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.err()).contains("400").contains("email");
    }

    @Test
    void statsOfAWorkflowWithNoJourneysSaysSo() throws IOException {
      Path file = Files.writeString(temp.resolve("cli-quiet.yaml"), workflow("cli-quiet", "welcome-1"));
      cli.run("publish", file.toString());

      Cli.Result result = cli.run("stats", "cli-quiet");

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("cli-quiet").contains("no journey has started");
    }

    @Test
    void statsOfAnUnknownWorkflowExitsOne() {
      Cli.Result result = cli.run("stats", "cli-never-published");

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.err()).contains("404");
    }

    @Test
    void statsFromWithoutToIsAUsageError() {
      Cli.Result result = cli.run("stats", "cli-welcome", "--from", "2026-12-01");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("--from and --to go together");
    }

    @Test
    void outboxWaitThatIsNotADurationIsAUsageError() {
      Cli.Result result = cli.run("outbox", "--wait", "soon");

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("not a duration");
    }

    @Test
    void outboxWaitingForAMessageThatNeverComesExitsOne() {
      Cli.Result result = cli.run("outbox", "--to", "cli-nobody@example.com", "--wait", "1s");

      assertThat(result.code()).isEqualTo(1);
      assertThat(result.out()).contains("no messages to cli-nobody@example.com");
      assertThat(sentTo("cli-nobody@example.com")).isFalse();
    }
  }

  @Nested
  class ContactsImport {
    @Test
    void importsAFileWithProgressAndTheSameFileAgainChangesNothing() throws IOException, InterruptedException {
      Path csv = Files.writeString(temp.resolve("cli-contacts.csv"), "contactId,email,firstName,consent.email\n"
          + "cli-imp-1,cli-imp-1@example.com,Ana,subscribed\ncli-imp-2,cli-imp-2@example.com,Luis,\n");

      Cli.Result result = cli.run("contacts", "import", csv.toString(), "--consent-source", "cli-test", "--list", "cli-imported");
      Cli.Result again = cli.run("contacts", "import", csv.toString(), "--consent-source", "cli-test", "--list", "cli-imported");

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.err()).contains("[2/2 rows] imported 2");
      assertThat(result.out()).contains("completed, 2 rows: 2 imported, 0 unchanged, 0 failed");
      JsonNode ana = JSON.readTree(api.admin("GET", "/v1/contacts/cli-imp-1", "", "application/json").body()).path("contact");
      assertThat(ana.path("consent").path("email").path("status").asText()).isEqualTo("subscribed");
      assertThat(ana.path("lists").toString()).contains("cli-imported");
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).contains("2 rows: 2 imported");
    }

    @Test
    void aBadRowIsReportedByLineAndFieldAndExitsOne() throws IOException {
      Path csv = Files.writeString(temp.resolve("cli-bad-contacts.csv"), "contactId,email\ncli-imp-3,cli-imp-3@example.com\n"
          + "cli-imp-4,not-an-address\n");

      Cli.Result result = cli.run("contacts", "import", csv.toString());

      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      assertThat(result.err()).contains("cli-bad-contacts.csv:3: email: ");
      assertThat(result.out()).contains("1 imported, 0 unchanged, 1 failed");
    }

    @Test
    void aFileThatIsNotCsvIsAUsageError() throws IOException {
      Path json = Files.writeString(temp.resolve("contacts.json"), "[]");

      Cli.Result result = cli.run("contacts", "import", json.toString());

      assertThat(result.code()).isEqualTo(2);
      assertThat(result.err()).contains("reads .csv files");
    }
  }
}
