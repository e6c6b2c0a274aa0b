package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough MIME to write the .eml SES would send for Simple content and to read the headers
 * and bodies back out of a raw message for the local page. Hand-written: no mail library is on
 * the classpath, and the local cloud needs no more than this.
 */
final class Mime {
  record Bodies(String text, String html) {}

  private Mime() {}

  static String simple(String id, String from, JsonNode destination, JsonNode replyTo, String subject,
      String text, String html, JsonNode extraHeaders, Instant date) {
    StringBuilder m = new StringBuilder();
    m.append("From: ").append(from).append("\r\n");
    append(m, "To", destination.path("ToAddresses"));
    append(m, "Cc", destination.path("CcAddresses"));
    append(m, "Reply-To", replyTo);
    m.append("Subject: ").append(encodeWord(subject)).append("\r\n");
    m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC))).append("\r\n");
    m.append("Message-ID: <").append(id).append("@email.amazonses.com>\r\n");
    for (JsonNode header : extraHeaders) {
      m.append(header.path("Name").asText()).append(": ").append(header.path("Value").asText()).append("\r\n");
    }
    m.append("MIME-Version: 1.0\r\n");
    String boundary = "=_nudge_" + id;
    if (text != null && html != null) {
      m.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n\r\n");
      m.append("--").append(boundary).append("\r\n");
      part(m, "text/plain", text);
      m.append("--").append(boundary).append("\r\n");
      part(m, "text/html", html);
      m.append("--").append(boundary).append("--\r\n");
    } else {
      part(m, html != null ? "text/html" : "text/plain", html != null ? html : text);
    }
    return m.toString();
  }

  private static void append(StringBuilder m, String name, JsonNode addresses) {
    if (addresses.isArray() && !addresses.isEmpty()) {
      List<String> list = new ArrayList<>();
      addresses.forEach(a -> list.add(a.asText()));
      m.append(name).append(": ").append(String.join(", ", list)).append("\r\n");
    }
  }

  private static void part(StringBuilder m, String type, String content) {
    m.append("Content-Type: ").append(type).append("; charset=UTF-8\r\n");
    m.append("Content-Transfer-Encoding: base64\r\n\r\n");
    String encoded = Base64.getMimeEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
    m.append(encoded).append("\r\n");
  }

  private static String encodeWord(String text) {
    boolean ascii = text.chars().allMatch(c -> c >= 32 && c < 127);
    return ascii ? text : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  /** Top-level headers, names lower-cased, folded lines joined. */
  static Map<String, String> headers(String message) {
    Map<String, String> headers = new LinkedHashMap<>();
    String head = message.split("\r?\n\r?\n", 2)[0];
    String last = null;
    for (String line : head.split("\r?\n")) {
      if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
        headers.put(last, headers.get(last) + " " + line.trim());
      } else if (line.contains(":")) {
        last = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        headers.put(last, line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return headers;
  }

  /** The text and html bodies of a message (single part or one level of multipart). */
  static Bodies bodies(String message) {
    Map<String, String> headers = headers(message);
    String[] split = message.split("\r?\n\r?\n", 2);
    String body = split.length > 1 ? split[1] : "";
    String type = headers.getOrDefault("content-type", "text/plain").toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/")) {
      int b = type.indexOf("boundary=");
      String boundary = headers.get("content-type").substring(b + 9).replace("\"", "").split(";")[0].trim();
      String text = null;
      String html = null;
      for (String part : body.split("--" + java.util.regex.Pattern.quote(boundary))) {
        String trimmed = part.replaceFirst("^\r?\n", "");
        if (trimmed.startsWith("--") || trimmed.isBlank()) {
          continue;
        }
        Bodies inner = bodies(trimmed);
        text = text == null ? inner.text() : text;
        html = html == null ? inner.html() : html;
      }
      return new Bodies(text, html);
    }
    String decoded = "base64".equalsIgnoreCase(headers.getOrDefault("content-transfer-encoding", ""))
        ? new String(Base64.getMimeDecoder().decode(body.trim()), StandardCharsets.UTF_8) : body;
    return type.startsWith("text/html") ? new Bodies(null, decoded) : new Bodies(decoded, null);
  }
}
