package dev.nudge.contacts.imports;

/** The header row cannot be imported (an unknown column, no column naming the contact): nothing is imported. */
public final class HeaderException extends RuntimeException {
  private final String column;

  public HeaderException(String column, String message) {
    super(message, null, false, false);
    this.column = column;
  }

  public String column() {
    return column;
  }
}
