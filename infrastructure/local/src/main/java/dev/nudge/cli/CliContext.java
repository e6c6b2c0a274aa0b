package dev.nudge.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch outside itself, injected so tests run commands in-process: where to
 * print, the environment ({@code NUDGE_URL}...), and the directory relative paths are read from
 * (the `nudge` script runs Java from the repository root but passes the caller's directory).
 *
 * @param cwd the caller's working directory; FILE arguments resolve against it
 */
public record CliContext(PrintStream out, PrintStream err, Map<String, String> env, Path cwd) {
  public CliContext {
    env = Map.copyOf(env);
    cwd = cwd.toAbsolutePath().normalize();
  }

  /** Resolves a path the user typed against their working directory. */
  public Path resolve(String path) {
    return cwd.resolve(path).normalize();
  }

  /** The path as the user would like to read it: relative to their directory when it is under it. */
  public String show(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.startsWith(cwd) && !absolute.equals(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
  }
}
