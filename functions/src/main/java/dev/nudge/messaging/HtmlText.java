package dev.nudge.messaging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain-text part generated from an e-mail's HTML when the template has none. Hand-written:
 * e-mail HTML is simple (paragraphs, links, tables, line breaks) and a DOM parser such as jsoup
 * would add half a megabyte of classes to every cold start for this one conversion.
 */
public final class HtmlText {
  /** Also the hidden preheader: mail clients show it in the inbox list, the text part has it as the opening line. */
  private static final Pattern DROP = Pattern.compile(
      "(?is)<(head|style|script|title)[^>]*>.*?</\\1\\s*>|<!--.*?-->|<div[^>]*display:\\s*none[^>]*>.*?</div>");
  private static final Pattern LINK = Pattern.compile("(?is)<a\\s[^>]*?href\\s*=\\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\\s*>");
  private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>|</?(p|div|tr|table|h[1-6]|li|ul|ol|blockquote)(\\s[^>]*)?>");
  private static final Pattern CELL_END = Pattern.compile("(?i)</t[dh]\\s*>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
  private static final Pattern ENTITY = Pattern.compile("&(#\\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos|nbsp|middot|times|copy|ndash|mdash|hellip|euro);");

  private HtmlText() {}

  public static String from(String html) {
    String s = DROP.matcher(html).replaceAll("");
    Matcher links = LINK.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (links.find()) {
      String label = TAG.matcher(links.group(2)).replaceAll("").trim();
      String url = links.group(1);
      String replacement = label.isEmpty() || label.equals(url) ? url : label + " (" + url + ")";
      links.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    links.appendTail(sb);
    s = CELL_END.matcher(sb).replaceAll(" ");
    s = BREAK.matcher(s).replaceAll("\n");
    s = TAG.matcher(s).replaceAll("");
    s = decode(s);
    StringBuilder out = new StringBuilder();
    int blank = 0;
    for (String line : s.split("\n", -1)) {
      String trimmed = line.replaceAll("[ \\t\\u00a0]+", " ").trim();
      if (trimmed.isEmpty()) {
        blank++;
        continue;
      }
      if (out.length() > 0) {
        out.append(blank > 0 ? "\n\n" : "\n");
      }
      out.append(trimmed);
      blank = 0;
    }
    return out.append('\n').toString();
  }

  private static String decode(String s) {
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String r = switch (e) {
        case "amp" -> "&";
        case "lt" -> "<";
        case "gt" -> ">";
        case "quot" -> "\"";
        case "apos" -> "'";
        case "nbsp" -> " ";
        case "middot" -> "·";
        case "times" -> "×";
        case "copy" -> "©";
        case "ndash" -> "–";
        case "mdash" -> "—";
        case "hellip" -> "…";
        case "euro" -> "€";
        default -> new String(Character.toChars(e.startsWith("#x")
            ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1))));
      };
      m.appendReplacement(out, Matcher.quoteReplacement(r));
    }
    m.appendTail(out);
    return out.toString();
  }
}
