package dev.nudge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs `nudge` command lines in-process, as the launcher would (same command tree, exit codes),
 * with the local cloud at {@code url} as the default target and the repository root as the
 * working directory, and keeps what they printed.
 */
final class Cli {
  static final Path REPO = Path.of(System.getProperty("nudge.repo.root", "../..")).toAbsolutePath().normalize();
  static final Path WORKFLOWS = REPO.resolve("functions/src/main/resources/workflows");

  private final Map<String, String> env = new HashMap<>();
  private final Path cwd;

  Cli(URI url) {
    this(url, REPO);
  }

  Cli(URI url, Path cwd) {
    if (url != null) {
      env.put("NUDGE_URL", url.toString());
    }
    this.cwd = cwd;
  }

  /** A CLI with no cloud behind it (offline commands). */
  static Cli offline() {
    return new Cli(null);
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Nudge.run(new CliContext(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), env, cwd), args);
    return new Result(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
