package dev.nudge.platform;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Optional attributes read from a DynamoDB item: absent is null, not an error. */
public final class Items {
  private Items() {}

  public static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  /** An ISO-8601 instant stored as text ({@link Times#format}). */
  public static Instant instant(Map<String, AttributeValue> item, String name) {
    String v = text(item, name);
    return v == null ? null : Times.parse(v);
  }
}
