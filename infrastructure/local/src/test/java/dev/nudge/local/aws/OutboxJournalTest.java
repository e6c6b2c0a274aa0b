package dev.nudge.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox on disk: a snapshot plus an appended journal, so a message costs one line, not a rewrite of the index. */
class OutboxJournalTest {
  @TempDir Path dir;

  private static Outbox.Message message(int i) {
    return new Outbox.Message("m-" + i, "email", "shop@example.com", List.of("r" + i + "@example.com"), "Hello " + i,
        "text", "<p>html</p>", null, Map.of(), "2026-12-04T00:00:00Z", null, List.of(), null);
  }

  @Test
  void everyMessageAndEventIsThereAfterAReopenWhetherInTheSnapshotOrOnlyInTheJournal() {
    Outbox outbox = new Outbox(dir);
    for (int i = 0; i < 37; i++) {
      outbox.add(message(i), "raw".getBytes(StandardCharsets.UTF_8), ".eml");
    }
    outbox.recordEvent("m-3", "Open");
    Outbox reopened = new Outbox(dir);
    assertThat(reopened.all()).hasSize(37);
    assertThat(reopened.get("m-36")).isPresent();
    assertThat(reopened.get("m-3").orElseThrow().events()).containsExactly("Open");
  }

  @Test
  void theJournalStaysShorterThanTheIndexSoAMessageIsNotARewriteOfAllOfThem() throws Exception {
    Outbox outbox = new Outbox(dir);
    for (int i = 0; i < 200; i++) {
      outbox.add(message(i), "raw".getBytes(StandardCharsets.UTF_8), ".eml");
    }
    long journalLines = Files.exists(dir.resolve("index.jsonl")) ? Files.readAllLines(dir.resolve("index.jsonl")).size() : 0;
    assertThat(journalLines).isLessThanOrEqualTo(100);
    assertThat(Files.readString(dir.resolve("index.json"))).contains("m-0").doesNotContain("\"m-199\"".repeat(2));
  }

  @Test
  void aLineTornByAKillIsSkippedAndTheRestKept() throws Exception {
    Outbox outbox = new Outbox(dir);
    outbox.add(message(1), "raw".getBytes(StandardCharsets.UTF_8), ".eml");
    outbox.add(message(2), "raw".getBytes(StandardCharsets.UTF_8), ".eml");
    Files.writeString(dir.resolve("index.jsonl"), "{\"message\":{\"id\":\"m-3\",\"chan", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    assertThat(new Outbox(dir).all()).extracting(Outbox.Message::id).containsExactlyInAnyOrder("m-1", "m-2");
  }
}
