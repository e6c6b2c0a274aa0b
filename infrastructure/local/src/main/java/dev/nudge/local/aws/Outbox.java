package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every e-mail and SMS the application "sent". With a data folder: one {@code .eml} (or
 * {@code .sms.json}) file per message under {@code outbox/} and {@code outbox/index.json}
 * listing them; in memory otherwise.
 *
 * <p>The index is kept as a snapshot ({@code index.json}) plus a journal ({@code index.jsonl}, one
 * appended line per message or event, so a kill -9 loses nothing written); the snapshot is
 * rewritten, and the journal emptied, once the journal is as long as the snapshot, and at start.
 * Rewriting the whole index on every message made a send cost O(messages so far): a 10,000-contact
 * broadcast would have written hundreds of gigabytes.
 */
public final class Outbox {
  /**
   * One message. {@code html}/{@code text} are what the recipient sees; {@code events} the
   * feedback simulated so far ("Open", "Click"...).
   */
  public record Message(
      String id, String channel, String from, List<String> to, String subject, String text, String html,
      String configurationSet, Map<String, List<String>> tags, String sentAt, String file, List<String> events,
      JsonNode attributes) {

    ObjectNode toJson() {
      ObjectNode node = Json.object().put("id", id).put("channel", channel).put("from", from)
          .put("subject", subject).put("configurationSet", configurationSet).put("sentAt", sentAt)
          .put("file", file).put("text", text).put("html", html);
      ArrayNode recipients = node.putArray("to");
      to.forEach(recipients::add);
      ObjectNode tagNode = node.putObject("tags");
      tags.forEach((k, v) -> {
        ArrayNode values = tagNode.putArray(k);
        v.forEach(values::add);
      });
      ArrayNode eventNode = node.putArray("events");
      events.forEach(eventNode::add);
      node.set("attributes", attributes == null ? Json.object() : attributes);
      return node;
    }

    static Message fromJson(JsonNode node) {
      List<String> to = new ArrayList<>();
      node.path("to").forEach(n -> to.add(n.asText()));
      Map<String, List<String>> tags = new LinkedHashMap<>();
      node.path("tags").fields().forEachRemaining(e -> {
        List<String> values = new ArrayList<>();
        e.getValue().forEach(v -> values.add(v.asText()));
        tags.put(e.getKey(), values);
      });
      List<String> events = new ArrayList<>();
      node.path("events").forEach(n -> events.add(n.asText()));
      return new Message(node.path("id").asText(), node.path("channel").asText(), node.path("from").asText(null),
          to, node.path("subject").asText(null), node.path("text").asText(null), node.path("html").asText(null),
          node.path("configurationSet").asText(null), tags, node.path("sentAt").asText(),
          node.path("file").asText(null), events, node.path("attributes"));
    }

    Message withEvent(String event) {
      List<String> more = new ArrayList<>(events);
      more.add(event);
      return new Message(id, channel, from, to, subject, text, html, configurationSet, tags, sentAt, file,
          List.copyOf(more), attributes);
    }
  }

  private final Path dir;
  private final Map<String, Message> messages = new LinkedHashMap<>();
  /** Lines in the journal since the last snapshot. */
  private int journaled;

  /** @param dir the outbox folder, or null to keep messages in memory */
  public Outbox(Path dir) {
    this.dir = dir;
    if (dir != null) {
      try {
        Files.createDirectories(dir);
        Path index = dir.resolve("index.json");
        if (Files.exists(index)) {
          Json.parse(Files.readAllBytes(index)).path("messages").forEach(m -> {
            Message message = Message.fromJson(m);
            messages.put(message.id(), message);
          });
        }
        Path journal = dir.resolve("index.jsonl");
        if (Files.exists(journal)) {
          for (String line : Files.readAllLines(journal, java.nio.charset.StandardCharsets.UTF_8)) {
            JsonNode entry;
            try {
              entry = Json.parse(line);
            } catch (IllegalArgumentException torn) {
              continue; // the last line of a process killed while appending it
            }
            if (entry.has("message")) {
              Message message = Message.fromJson(entry.get("message"));
              messages.put(message.id(), message);
            } else if (entry.has("event") && messages.containsKey(entry.path("id").asText())) {
              messages.put(entry.path("id").asText(), messages.get(entry.path("id").asText()).withEvent(entry.get("event").asText()));
            }
          }
          writeSnapshot();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open outbox " + dir, e);
      }
    }
  }

  /** Stores {@code message}; {@code raw} (the .eml or SMS JSON) goes to its own file. */
  public synchronized Message add(Message message, byte[] raw, String extension) {
    Message stored = message;
    if (dir != null) {
      String file = message.id() + extension;
      try {
        Files.write(dir.resolve(file), raw);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      stored = new Message(message.id(), message.channel(), message.from(), message.to(), message.subject(),
          message.text(), message.html(), message.configurationSet(), message.tags(), message.sentAt(), file,
          message.events(), message.attributes());
    }
    messages.put(stored.id(), stored);
    journal(Json.object().set("message", stored.toJson()));
    return stored;
  }

  public synchronized Optional<Message> get(String id) {
    return Optional.ofNullable(messages.get(id));
  }

  public synchronized Message recordEvent(String id, String event) {
    Message message = messages.get(id);
    if (message == null) {
      throw new IllegalArgumentException("no message " + id + " in the outbox");
    }
    Message updated = message.withEvent(event);
    messages.put(id, updated);
    journal(Json.object().put("id", id).put("event", event));
    return updated;
  }

  /** Newest first. */
  public synchronized List<Message> all() {
    List<Message> list = new ArrayList<>(messages.values());
    java.util.Collections.reverse(list);
    return list;
  }

  private void journal(ObjectNode entry) {
    if (dir == null) {
      return;
    }
    try {
      Files.write(dir.resolve("index.jsonl"), (entry.toString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (++journaled >= messages.size() - journaled) {
      writeSnapshot();
    }
  }

  /** index.json with every message, then an empty journal (amortised: the journal grows as long as the snapshot first). */
  private void writeSnapshot() {
    ObjectNode index = Json.object();
    ArrayNode list = index.putArray("messages");
    messages.values().forEach(m -> list.add(m.toJson()));
    try {
      Path tmp = dir.resolve("index.json.tmp");
      Files.write(tmp, Json.pretty(index).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      Files.move(tmp, dir.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(dir.resolve("index.jsonl"));
      journaled = 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
