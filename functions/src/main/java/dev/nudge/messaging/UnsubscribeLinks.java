package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The unsubscribe link of a contact's e-mail, and the headers that let mailbox providers show
 * their own unsubscribe button: {@code List-Unsubscribe} (the signed HTTPS link, and a mailto when
 * the stack has one) and {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click} (RFC 8058),
 * which Gmail and Yahoo require of bulk senders. The link is the ConsentFunction's
 * {@code /v1/unsubscribe/{token}}: GET shows a page, POST unsubscribes.
 */
public final class UnsubscribeLinks {
  private final ConsentTokens tokens;
  private final Supplier<String> baseUrl;
  private final String mailto;

  /** {@code mailto}: an address that unsubscribes whoever writes to it, or null. */
  /** {@code baseUrl}: read when a link is made (the API's URL lives in a cached SSM parameter). */
  public UnsubscribeLinks(ConsentTokens tokens, Supplier<String> baseUrl, String mailto) {
    this.tokens = tokens;
    this.baseUrl = baseUrl;
    this.mailto = mailto == null || mailto.isBlank() ? null : mailto;
  }

  public String url(String contactId, Channel channel) {
    return baseUrl.get().replaceAll("/+$", "") + "/v1/unsubscribe/" + tokens.unsubscribe(contactId, channel);
  }

  /** The two headers for an e-mail whose unsubscribe link is {@code url}. */
  public Map<String, String> headers(String url) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("List-Unsubscribe", "<" + url + ">" + (mailto == null ? "" : ", <mailto:" + mailto + "?subject=unsubscribe>"));
    headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    return headers;
  }
}
