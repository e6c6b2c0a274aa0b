package dev.nudge.contacts.imports;

/**
 * Why one line of an import was not imported: its line number in the file (1 is the header), the
 * field as identify names it ({@code email}, {@code consent.email.source}, {@code attributes.plan}) or
 * the column for a column of its own (Pinpoint's {@code ChannelType}), and the reason.
 */
public record RowError(long line, String field, String message) {}
