package dev.nudge.contacts;

import java.time.Instant;

/** How often a contact did one type of event, and when first and last (by occurred-at). */
public record EventStats(String type, long count, Instant firstAt, Instant lastAt) {}
