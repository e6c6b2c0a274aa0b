package dev.nudge.cli;

/** A command's failure with the exit code to end with and a message for the terminal (no stack trace). */
public final class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** Exit 1: the operation failed (invalid input files, refused by the API, unreachable cloud). */
  public static CliException failed(String message) {
    return new CliException(Nudge.FAILED, message);
  }

  /** Exit 2: the command was used wrongly (a missing file, a bad option value). */
  public static CliException usage(String message) {
    return new CliException(Nudge.USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
