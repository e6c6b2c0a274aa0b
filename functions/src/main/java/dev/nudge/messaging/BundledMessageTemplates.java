package dev.nudge.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.ApiException;
import dev.nudge.workflows.WorkflowParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The templates shipped in the jar ({@code templates/<channel>/<id>.yaml}, the same form as the
 * API's), the seed data behind the templates table. Read once per process: the jar does not change.
 */
public final class BundledMessageTemplates implements TemplateSource {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final ClassLoader loader;
  private final Map<String, Optional<MessageTemplate>> cache = new ConcurrentHashMap<>();

  public BundledMessageTemplates() {
    this(BundledMessageTemplates.class.getClassLoader());
  }

  public BundledMessageTemplates(ClassLoader loader) {
    this.loader = loader;
  }

  @Override
  public Optional<MessageTemplate> find(Channel channel, String id) {
    if (id == null || !WorkflowParser.ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(channel.wireName() + "/" + id, path -> load(channel, id, path));
  }

  /** Every bundled template, as {@code templates/bundled.txt} names them (channel, then id). */
  public java.util.List<MessageTemplate> all() {
    java.util.List<MessageTemplate> out = new java.util.ArrayList<>();
    try (InputStream in = loader.getResourceAsStream("templates/bundled.txt")) {
      if (in == null) {
        return out;
      }
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String entry = line.strip();
        if (entry.isEmpty() || entry.startsWith("#")) {
          continue;
        }
        int slash = entry.indexOf('/');
        Channel channel = Channel.fromWire(entry.substring(0, slash)).orElseThrow();
        find(channel, entry.substring(slash + 1)).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private Optional<MessageTemplate> load(Channel channel, String id, String path) {
    try (InputStream in = loader.getResourceAsStream("templates/" + path + ".yaml")) {
      if (in == null) {
        return Optional.empty();
      }
      JsonNode node = YAML.readTree(in);
      if (node instanceof ObjectNode object) {
        object.put("channel", channel.wireName());
      }
      return Optional.of(MessageTemplate.fromJson(id, node, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ApiException e) {
      // A broken bundled template is a build bug; BundledTemplatesTest keeps it from shipping.
      throw new IllegalStateException("bundled template " + path + ": " + e.field() + ": " + e.getMessage(), e);
    }
  }
}
