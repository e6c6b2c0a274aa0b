package dev.nudge.journeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The split bucket (0–99) of a contact in a workflow: the same every time, spread evenly. */
public final class Buckets {
  private Buckets() {}

  public static int of(String workflowId, String contactId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((workflowId + "\n" + contactId).getBytes(StandardCharsets.UTF_8));
      long value = ((hash[0] & 0xFFL) << 24) | ((hash[1] & 0xFFL) << 16) | ((hash[2] & 0xFFL) << 8) | (hash[3] & 0xFFL);
      return (int) (value % 100);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
