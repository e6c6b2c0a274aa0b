package dev.nudge.journeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Execution names derived from (workflow, contact, trigger): the same trigger always yields the
 * same name, so Step Functions refuses a second execution for a replayed event. Names allow at
 * most 80 characters from a restricted set while contact and event ids are caller-chosen, so the
 * triple is hashed (SHA-256, 128 bits kept: collisions are not a practical concern).
 */
public final class ExecutionNames {
  private ExecutionNames() {}

  public static String of(String workflowId, String contactId, String triggerId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // Lengths prefix each part so ("a", "bc") and ("ab", "c") differ.
      for (String part : new String[] {workflowId, contactId, triggerId}) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
      }
      String hash = HexFormat.of().formatHex(sha.digest(), 0, 16);
      // The workflow id (at most 60 of [a-z0-9-]) keeps names readable in the console.
      String prefix = workflowId.length() > 47 ? workflowId.substring(0, 47) : workflowId;
      return prefix + "-" + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
