package dev.nudge.contacts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Contact ids Nudge derives itself. Callers' ids never contain ':' (the validators refuse it), so
 * derived ids cannot collide with them. Deriving the id of a contact first seen by e-mail or phone
 * from that address makes its creation a conditional put on a known key: two concurrent first
 * requests for one address create one contact, with no read-then-write race.
 */
public final class ContactIds {
  private ContactIds() {}

  public static String anonymous(String anonymousId) {
    return "anon:" + anonymousId;
  }

  public static boolean isAnonymous(String contactId) {
    return contactId.startsWith("anon:");
  }

  public static String forEmail(String normalisedEmail) {
    return "em:" + digest("email:" + normalisedEmail);
  }

  public static String forPhone(String e164) {
    return "ph:" + digest("phone:" + e164);
  }

  private static String digest(String value) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
