package dev.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nudge.local.testing.CloudProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's broadcast proof: N contacts in a segment reached exactly once by one {@code schedule}
 * run of a workflow in the local cloud, counted in the outbox, with the cloud killed ({@code kill -9})
 * in the middle of the run and restarted on the same data folder. The cloud runs as its own process
 * (as in KillRestartTest) on a frozen virtual clock that the test moves: past the schedule's occurrence
 * (ScheduledBroadcastsFunction, every 5 minutes, starts the run), then ten seconds at a time so the
 * broadcast state machine's pacing waits pass. Prints the time the run took.
 *
 * <p>Long: skipped unless {@code -Dnudge.broadcast.contacts=N}, e.g.
 * {@code mvn -B -o -pl infrastructure/local -am test -Dtest=BroadcastProofTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dnudge.broadcast.contacts=10000}. {@code -Dnudge.broadcast.jfr=FILE}
 * records the restarted cloud with Java Flight Recorder.
 */
class BroadcastProofTest {
  private static final String CONTACTS_PROPERTY = "nudge.broadcast.contacts";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final String WORKFLOW = "broadcast-proof";
  private static final DateTimeFormatter RUN = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC);

  @TempDir Path data;
  private CloudProcess cloud;

  @AfterEach
  void kill() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void everyMemberOfTheSegmentGetsTheScheduledBroadcastOnceThoughTheCloudIsKilledMidRun() throws Exception {
    assumeTrue(System.getProperty(CONTACTS_PROPERTY) != null, "a long proof: -D" + CONTACTS_PROPERTY + "=N runs it");
    int n = Integer.getInteger(CONTACTS_PROPERTY);
    cloud = new CloudProcess(data);
    cloud.start("first", null);
    HttpResponse<String> segment = cloud.admin("PUT", "/v1/segments/readers",
        "id: readers\nname: Readers\nwhen: { consent: email }\n", "application/yaml");
    assertThat(segment.statusCode()).as(segment.body()).isEqualTo(200);

    long setup = System.nanoTime();
    identifyAll(n);
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (segmentSize() < n && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(segmentSize()).as("members of the segment").isEqualTo(n);
    System.out.println("BROADCAST PROOF " + n + " contacts identified and in the segment in "
        + (System.nanoTime() - setup) / 1_000_000 + " ms");

    Instant occurrence = cloud.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
    String cron = "cron(" + occurrence.atZone(ZoneOffset.UTC).getMinute() + " " + occurrence.atZone(ZoneOffset.UTC).getHour()
        + " * * ? *)";
    cloud.publish(WORKFLOW, """
        id: broadcast-proof
        name: Broadcast proof
        trigger:
          schedule: %s
          segment: readers
        steps:
          - id: news
            email: { template: cart-reminder }
        """.formatted(cron));
    String run = "schedule-" + RUN.format(occurrence);

    // Past the occurrence: the next firing of the 5-minute rule starts the run.
    long began = System.nanoTime();
    cloud.advance("PT16M");
    boolean killed = false;
    int atKill = 0;
    long runDeadline = System.nanoTime() + Duration.ofMinutes(Long.getLong("nudge.broadcast.minutes", 60)).toNanos();
    int emails = 0;
    long lastEmailAt = began;
    while (System.nanoTime() < runDeadline) {
      int now = emailCount();
      if (now > emails) {
        emails = now;
        lastEmailAt = System.nanoTime();
      }
      if (!killed && emails >= n / 3) {
        atKill = emails;
        cloud.kill(); // SIGKILL: no shutdown hook runs
        killed = true;
        System.out.println("BROADCAST PROOF killed with " + atKill + " e-mails out after "
            + (System.nanoTime() - began) / 1_000_000 + " ms");
        cloud.start("restarted", System.getProperty("nudge.broadcast.jfr"));
        continue;
      }
      // Done: the run finished and every member's e-mail is out, or nothing more arrived for 20 s
      // (a send the kill cut is never sent again: see below).
      if ((emails >= n || System.nanoTime() - lastEmailAt > Duration.ofSeconds(20).toNanos())
          && "finished".equals(runRecord(run).path("status").asText())) {
        break;
      }
      cloud.advance("PT10S"); // the pacing waits between pages, on the virtual clock
      Thread.sleep(300);
    }
    long tookMillis = (lastEmailAt - began) / 1_000_000;
    Thread.sleep(3000); // anything still in flight would show up now
    JsonNode record = runRecord(run);
    Map<String, Integer> perRecipient = recipients();
    long outcomeUnknown = counter("skipped-outcome-unknown");
    int sent = perRecipient.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("BROADCAST PROOF contacts=" + n + " e-mails=" + sent + " recipients=" + perRecipient.size()
        + " outcome-unknown=" + outcomeUnknown + " run=" + record + " killed at " + atKill + " e-mails; first page to last e-mail "
        + tookMillis + " ms (" + String.format("%.1f", n * 1000.0 / Math.max(1, tookMillis)) + " contacts/s)");

    assertThat(killed).as("killed in the middle of the run").isTrue();
    assertThat(atKill).as("killed in the middle of the run").isBetween(1, n - 1);
    assertThat(record.path("status").asText()).as("run " + record).isEqualTo("finished");
    // The run's totals cover every member once: the page the kill interrupted runs again after the
    // restart and counts the journeys its first attempt started (active or ended) as reached.
    assertThat(record.path("reached").asLong()).as("contacts the run reached").isEqualTo(n);
    assertThat(record.path("skipped").asLong()).as("skipped").isZero();
    perRecipient.forEach((to, count) -> assertThat(count).as("e-mails to " + to).isEqualTo(1));
    // A send the kill cut between the send ledger's claim and SES is never sent again (at most
    // once) and is counted outcome-unknown (see KillRestartTest): the only allowed gap.
    assertThat(perRecipient.size() + outcomeUnknown).as("every member reached once or counted outcome-unknown")
        .isGreaterThanOrEqualTo(n);
    assertThat(perRecipient).as("only members of the segment").allSatisfy((to, count) -> assertThat(to).startsWith("b-"));
  }

  // ----------------------------------------------------------------------------- the run

  private void identifyAll(int n) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(8);
    AtomicInteger next = new AtomicInteger();
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        calls.add(clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            String id = String.format("b-%05d", i);
            cloud.signed("/v1/identify", "{\"contactId\":\"" + id + "\",\"email\":\"" + id + "@example.com\",\"timezone\":\"UTC\","
                + "\"consent\":{\"email\":{\"status\":\"subscribed\"}}}");
          }
          return null;
        }));
      }
      for (Future<?> call : calls) {
        call.get(30, TimeUnit.MINUTES);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /** E-mails in the outbox: its .eml files in the data folder (the cloud is another process). */
  private int emailCount() throws IOException {
    Path outbox = data.resolve("cloud").resolve("outbox");
    if (!Files.isDirectory(outbox)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(outbox)) {
      return (int) files.filter(p -> p.getFileName().toString().endsWith(".eml")).count();
    }
  }

  /** E-mails per recipient, from the To: header of every .eml. */
  private Map<String, Integer> recipients() throws IOException {
    Map<String, Integer> count = new HashMap<>();
    try (Stream<Path> files = Files.list(data.resolve("cloud").resolve("outbox"))) {
      for (Path eml : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".eml"))::iterator) {
        for (String line : Files.readAllLines(eml, StandardCharsets.UTF_8)) {
          if (line.isEmpty()) {
            break;
          }
          if (line.regionMatches(true, 0, "To:", 0, 3)) {
            count.merge(line.substring(3).trim(), 1, Integer::sum);
            break;
          }
        }
      }
    }
    return count;
  }

  private long segmentSize() {
    try {
      return JSON.readTree(cloud.admin("GET", "/v1/segments/readers?limit=1", "", "application/json").body()).path("size").asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonNode runRecord(String run) throws Exception {
    HttpResponse<String> response = cloud.admin("GET", "/v1/workflows/" + WORKFLOW + "/broadcasts/" + run, "", "application/json");
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode().put("status", "none");
  }

  private long counter(String name) throws Exception {
    HttpResponse<String> response = cloud.admin("GET", "/v1/workflows/" + WORKFLOW + "/stats", "", "application/json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    long total = 0;
    for (JsonNode version : JSON.readTree(response.body()).path("versions")) {
      if (version.path("version").asText().equals("all")) {
        continue;
      }
      for (JsonNode step : version.path("steps")) {
        total += step.path("counters").path(name).asLong();
      }
    }
    return total;
  }

  // ----------------------------------------------------------------------------- the process

}
