package dev.nudge.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every message Nudge sends carries so that its feedback (SES events) can be attributed:
 * the workflow, its published version, the step, the contact and the journey's execution. SES
 * message tags allow only letters, digits and {@code _ - . @} in values, and contact ids and
 * execution ARNs contain {@code :}, so those two travel base64url-encoded (unpadded, 256
 * characters at most: execution ARNs are far shorter). This is the one contract between the
 * senders and the feedback function.
 *
 * @param version the state machine version number, or null when unknown (e.g. a test send)
 */
public record MessageTags(String workflow, String version, String step, String contactId, String executionId) {
  public static final String WORKFLOW = "workflow";
  public static final String VERSION = "version";
  public static final String STEP = "step";
  public static final String CONTACT = "contact";
  public static final String EXECUTION = "execution";

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.@-]{1,256}");

  public MessageTags {
    if (contactId == null || contactId.isBlank()) {
      throw new IllegalArgumentException("contactId is required");
    }
  }

  /** The SES {@code EmailTags}, name to value; every value within SES's character set. */
  public Map<String, String> toSes() {
    Map<String, String> tags = new LinkedHashMap<>();
    putPlain(tags, WORKFLOW, workflow);
    putPlain(tags, VERSION, version);
    putPlain(tags, STEP, step);
    tags.put(CONTACT, encode(contactId));
    if (executionId != null) {
      tags.put(EXECUTION, encode(executionId));
    }
    return tags;
  }

  /**
   * Reads the tags back from an SES event's {@code mail.tags} (name to list of values). Empty when
   * the message was not sent by Nudge (no or an undecodable contact tag).
   */
  public static Optional<MessageTags> fromSes(Map<String, List<String>> tags) {
    Optional<String> contact = first(tags, CONTACT).flatMap(MessageTags::decode);
    if (contact.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MessageTags(first(tags, WORKFLOW).orElse(null), first(tags, VERSION).orElse(null),
        first(tags, STEP).orElse(null), contact.get(), first(tags, EXECUTION).flatMap(MessageTags::decode).orElse(null)));
  }

  private static void putPlain(Map<String, String> tags, String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    if (!PLAIN.matcher(value).matches()) {
      throw new IllegalArgumentException("tag " + name + " has characters SES refuses: " + value);
    }
    tags.put(name, value);
  }

  private static Optional<String> first(Map<String, List<String>> tags, String name) {
    List<String> values = tags.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
  }

  static String encode(String value) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static Optional<String> decode(String value) {
    try {
      return Optional.of(new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
