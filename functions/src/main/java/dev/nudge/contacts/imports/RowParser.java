package dev.nudge.contacts.imports;

import dev.nudge.contacts.ContactService.IdentifyCommand;
import dev.nudge.platform.ApiException;
import dev.nudge.tracking.Caller;
import dev.nudge.tracking.IdentifyRequest;
import java.util.List;

/**
 * One file's rows to identify commands: the header picks the format ({@link RowMapper#forHeader}),
 * each row is mapped to an identify body and validated by {@link IdentifyRequest}, so a bad row is
 * refused for the same reasons, with the same field names, as the API would refuse it.
 */
public final class RowParser {
  /** Imports act as a trusted server caller: they may name contacts by id and unsubscribe. */
  private static final Caller IMPORT = new Caller.Server("import");

  /** A row's outcome: a command to apply, or the error that keeps it out. */
  public record ParsedRow(long line, IdentifyCommand command, RowError error) {}

  private final RowMapper mapper;
  private final int columns;
  private final ImportOptions options;

  private RowParser(RowMapper mapper, int columns, ImportOptions options) {
    this.mapper = mapper;
    this.columns = columns;
    this.options = options;
  }

  /** @throws HeaderException when the header cannot be imported */
  public static RowParser forHeader(List<String> header, ImportOptions options) {
    return new RowParser(RowMapper.forHeader(header), header.size(), options);
  }

  public String format() {
    return mapper.format();
  }

  public ParsedRow parse(long line, List<String> cells) {
    if (cells.size() != columns) {
      return new ParsedRow(line, null, new RowError(line, "columns",
          "the row has " + cells.size() + " fields; the header has " + columns));
    }
    try {
      return new ParsedRow(line, IdentifyRequest.parse(mapper.map(cells, options), IMPORT), null);
    } catch (ApiException e) {
      return new ParsedRow(line, null, new RowError(line, e.field(), e.getMessage()));
    }
  }
}
