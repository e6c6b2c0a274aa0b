package dev.nudge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.LocalCloud;
import dev.nudge.local.testing.TestClouds;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's quick start, command by command, as a new user runs it: the `./nudge` lines
 * between its quick-start markers, read from README.md itself. `./nudge local` is parsed by the
 * real command and replaced by a fresh in-memory local cloud on this JVM's random test port
 * (the real one would block until stopped); every other line runs in-process, exactly as typed,
 * against it.
 */
class QuickStartTest {
  private LocalCloud cloud;

  @AfterEach
  void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void theReadmesFiveCommandsPublishACampaignAndPutAMessageInTheOutbox() throws IOException {
    List<List<String>> commands = quickStart();
    assertThat(commands).as("the README promises five commands").hasSize(5);
    assertThat(commands.get(0).subList(0, 1)).as("the quick start begins with ./nudge local").containsExactly("local");
    new CommandLine(new LocalCommand()).parseArgs(commands.get(0).subList(1, commands.get(0).size()).toArray(String[]::new));

    cloud = TestClouds.start(TestClouds.repoTemplate(), 1.0);
    Cli cli = new Cli(cloud.endpoint());
    List<String> printed = new ArrayList<>();
    for (List<String> command : commands.subList(1, commands.size())) {
      Cli.Result result = cli.run(command.toArray(String[]::new));
      assertThat(result.code()).as("./nudge " + String.join(" ", command) + "\n" + result).isZero();
      printed.add(result.out());
    }

    assertThat(cloud.outbox().all()).as("the outbox after the quick start").isNotEmpty();
    String recipient = String.join(", ", cloud.outbox().all().get(0).to());
    assertThat(String.join("\n", printed)).as("what the quick start showed").contains(recipient);
  }

  /** The `./nudge` lines of README.md between {@code <!-- quick-start} and {@code <!-- /quick-start -->}, as argument lists. */
  static List<List<String>> quickStart() throws IOException {
    String readme = Files.readString(Cli.REPO.resolve("README.md"));
    int start = readme.indexOf("<!-- quick-start");
    int end = readme.indexOf("<!-- /quick-start -->");
    assertThat(start).as("README.md has a <!-- quick-start marker").isNotNegative();
    assertThat(end).as("README.md has a <!-- /quick-start --> marker after it").isGreaterThan(start);
    List<List<String>> commands = new ArrayList<>();
    for (String line : readme.substring(start, end).lines().toList()) {
      String text = line.strip();
      if (text.startsWith("./nudge ")) {
        List<String> words = words(text);
        commands.add(words.subList(1, words.size()));
      }
    }
    return commands;
  }

  /** A shell line's words: blanks separate, single and double quotes group (no variables, no escapes in the README). */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    assertThat((int) quote).as("unclosed quote in: " + line).isZero();
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
