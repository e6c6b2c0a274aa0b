package dev.nudge.contacts.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns one CSV row into the body of an identify request, so that a row is validated by the same
 * rules and reported with the same field names as {@code POST /v1/identify}. A problem with a cell
 * the identify body has no field for is thrown as an {@code ApiException} naming the column.
 */
interface RowMapper {
  /** "nudge" or "pinpoint": how the header was read. */
  String format();

  ObjectNode map(List<String> cells, ImportOptions options);

  /** The format a header announces: Pinpoint's endpoint columns, or Nudge's own (docs/pinpoint.md, docs/architecture.md). */
  static RowMapper forHeader(List<String> header) {
    return PinpointEndpoints.isPinpointHeader(header) ? PinpointEndpoints.of(header) : NudgeColumns.of(header);
  }
}
