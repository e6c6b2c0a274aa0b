package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nudge outbox}: what the local cloud sent (its SES and SMS outbox), as a table. */
@Command(name = "outbox", header = "List the messages the local cloud sent.", sortOptions = false,
    description = "The messages the local cloud sent (e-mail and SMS), oldest first; the local page (/_local/) shows "
        + "them as recipients see them. --wait waits for a first (matching) message, exit 1 if none comes.")
final class OutboxCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(names = "--to", paramLabel = "ADDRESS", description = "Only messages to this address or phone number.")
  String to;

  @Option(names = "--wait", paramLabel = "DURATION", description = "Wait up to this long (30s, 2m, PT1M) for a message.")
  Duration wait;

  @Mixin
  TargetOptions target = new TargetOptions();

  OutboxCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    ApiClient api = target.connect(context);
    long deadline = System.nanoTime() + (wait == null ? 0 : wait.toNanos());
    List<JsonNode> messages = messages(api);
    while (messages.isEmpty() && wait != null && System.nanoTime() < deadline) {
      Thread.sleep(200);
      messages = messages(api);
    }
    if (messages.isEmpty()) {
      context.out().println("no messages" + (to == null ? "" : " to " + to) + " in the outbox of " + api.where()
          + (wait == null ? "" : " after " + wait.toSeconds() + " s"));
      return wait == null ? Nudge.OK : Nudge.FAILED;
    }
    Table table = new Table(List.of("sent at", "channel", "to", "subject / text", "id"));
    for (JsonNode m : messages) {
      List<String> recipients = new ArrayList<>();
      m.path("to").forEach(r -> recipients.add(r.asText()));
      String subject = m.hasNonNull("subject") ? m.get("subject").asText() : m.path("text").asText("");
      table.add(List.of(seconds(m.path("sentAt").asText()), m.path("channel").asText(), String.join(", ", recipients),
          subject.length() > 60 ? subject.substring(0, 59) + "…" : subject, m.path("id").asText()));
    }
    table.print(context.out(), "");
    context.out().println(messages.size() + " message(s); see them at " + api.base() + "/_local/");
    return Nudge.OK;
  }

  private static String seconds(String instant) {
    try {
      return java.time.Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    } catch (java.time.format.DateTimeParseException e) {
      return instant;
    }
  }

  private List<JsonNode> messages(ApiClient api) {
    List<JsonNode> list = new ArrayList<>();
    for (JsonNode m : api.localPage("GET", "/_local/api/outbox", null).check("GET /_local/api/outbox").json()) {
      boolean match = to == null;
      for (JsonNode r : m.path("to")) {
        match |= r.asText().equalsIgnoreCase(to);
      }
      if (match) {
        list.add(m);
      }
    }
    return list;
  }
}
