package dev.nudge.local.scenarios;

import dev.nudge.local.LocalCloud;
import dev.nudge.platform.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs scenario files ({@code <workflow>.test.yaml}): {@code ./nudge test [PATH...]}, or
 * {@code java ... dev.nudge.local.scenarios.ScenarioMain PATH...}. A path is a file or a directory
 * (every {@code *.test.yaml} under it); none means the bundled workflows directory. Exit codes: 0
 * every scenario passed, 1 a scenario failed, 2 a file could not be read or is invalid (then
 * nothing runs).
 *
 * <p>The local cloud's template is {@code -Dnudge.template=FILE}, else the first
 * {@code template.yaml} found walking up from the scenario file, else
 * {@code <nudge.repo.root>/template.yaml}, else {@code ./template.yaml}.
 */
public final class ScenarioMain {
  public static final int PASSED = 0;
  public static final int FAILED = 1;
  public static final int INVALID = 2;
  static final String BUNDLED = "functions/src/main/resources/workflows";

  private ScenarioMain() {}

  public static void main(String[] args) {
    List<Path> paths = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        System.out.println("usage: ScenarioMain [PATH...]   (files or directories of *.test.yaml; default: "
            + BUNDLED + ")\nexit codes: 0 all passed, 1 a scenario failed, 2 a file is unreadable or invalid");
        System.exit(PASSED);
      }
      paths.add(Path.of(arg));
    }
    int code = run(paths, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs every scenario of {@code paths}; the stable entry point of {@code ./nudge test}. */
  public static int run(List<Path> paths, PrintStream out, PrintStream err) {
    long began = System.nanoTime();
    List<Path> roots = paths.isEmpty() ? List.of(repoRoot().resolve(BUNDLED)) : paths;
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.exists(root)) {
        err.println(root + ": no such file or directory");
        return INVALID;
      }
      try {
        files.addAll(ScenarioFiles.find(root));
      } catch (IOException e) {
        err.println(root + ": cannot be read: " + e);
        return INVALID;
      }
    }
    if (files.isEmpty()) {
      err.println("no *" + ScenarioFiles.SUFFIX + " files under " + roots);
      return INVALID;
    }
    List<ScenarioFile> parsed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      try {
        parsed.add(ScenarioFiles.read(file));
      } catch (ScenarioFiles.FormatException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.println(problems.size() + " problem(s) in the scenario files: nothing was run");
      return INVALID;
    }
    int passed = 0;
    int failed = 0;
    // The functions log JSON lines on stdout (CloudWatch Logs' shape) and DynamoDB Local prints its
    // configuration there at each start: not what a test run's reader wants. `out` keeps its stream.
    PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
    PrintStream logs = Log.redirect(sink);
    PrintStream stdout = System.out;
    System.setOut(sink);
    try {
      for (ScenarioFile file : parsed) {
        ScenarioRunner runner = new ScenarioRunner(template(file.path()), LocalCloud.inProcessPort());
        for (ScenarioFile.Scenario scenario : file.scenarios()) {
          ScenarioRunner.Result result = runner.run(file, scenario);
          String seconds = String.format(Locale.ROOT, "%.1f s", result.took().toMillis() / 1000.0);
          String name = file.path().getFileName() + " › " + scenario.name();
          if (result.passed()) {
            passed++;
            out.println("✓ " + name + " (" + seconds + ")");
          } else {
            failed++;
            out.println("✗ " + name + " (" + seconds + ")");
            out.print(result.report());
          }
          out.flush();
        }
      }
    } finally {
      System.setOut(stdout);
      Log.redirect(logs);
    }
    out.printf(Locale.ROOT, "%d scenario(s) in %d file(s): %d passed, %d failed (%.1f s)%n", passed + failed,
        parsed.size(), passed, failed, (System.nanoTime() - began) / 1e9);
    return failed == 0 ? PASSED : FAILED;
  }

  static Path template(Path scenarioFile) {
    String property = System.getProperty("nudge.template");
    if (property != null) {
      return Path.of(property).toAbsolutePath();
    }
    for (Path dir = scenarioFile.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("template.yaml"))) {
        return dir.resolve("template.yaml");
      }
    }
    return repoRoot().resolve("template.yaml").toAbsolutePath();
  }

  private static Path repoRoot() {
    return Path.of(System.getProperty("nudge.repo.root", ".")).toAbsolutePath().normalize();
  }
}
