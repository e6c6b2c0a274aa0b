package dev.nudge.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * An event as stored: {@code eventId} is the caller's id (the idempotency key), {@code source}
 * names the caller ("server:&lt;key id&gt;", "browser", "consent").
 */
public record TrackedEvent(
    String contactId,
    String eventId,
    String type,
    ObjectNode properties,
    Instant occurredAt,
    Instant receivedAt,
    String source) {}
