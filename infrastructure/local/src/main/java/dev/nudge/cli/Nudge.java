package dev.nudge.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code ./nudge}: the one command. Each subcommand is a class of this package; they get the
 * {@link CliContext} through their constructor (see {@link #commandLine}), so tests run them
 * in-process against an in-memory local cloud exactly as a user types them.
 */
@Command(name = "nudge", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
    versionProvider = Nudge.Version.class,
    header = "Nudge: serverless marketing automation. Run it locally, validate, test and publish workflows.",
    subcommands = {
        CommandLine.HelpCommand.class,
        LocalCommand.class,
        BenchCommand.class,
        ValidateCommand.class,
        CompileCommand.class,
        TestCommand.class,
        PublishCommand.class,
        TemplatesCommand.class,
        ScoringCommand.class,
        StatsCommand.class,
        IdentifyCommand.class,
        TrackCommand.class,
        OutboxCommand.class,
        ContactsCommand.class,
        ImportCommand.class,
    },
    footer = {"", "Run `nudge COMMAND --help` for a command's options. Commands that call Nudge's API talk to the local "
        + "cloud (`./nudge local`: http://127.0.0.1:8787, or NUDGE_URL) unless given --stack NAME (a deployment on AWS)."})
public final class Nudge implements Callable<Integer> {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  /** The exit codes, listed in every command's help. */
  static final Map<String, String> EXIT_CODES = exitCodes();

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    // The AWS SDK logs through SLF4J; without a provider SLF4J warns on stderr of every command.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    // The `nudge` script runs Java from the repository root (the local cloud reads template.yaml
    // there) and passes the directory the user typed the command in.
    Path cwd = Path.of(System.getProperty("nudge.cwd", ""));
    int code = run(new CliContext(out, err, System.getenv(), cwd), args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; returns its exit code. */
  public static int run(CliContext context, String... args) {
    return commandLine(context).execute(args);
  }

  /** The command tree wired to {@code context}: its streams, environment and working directory. */
  public static CommandLine commandLine(CliContext context) {
    CommandLine cli = new CommandLine(new Nudge(), new Factory(context));
    cli.setOut(new PrintWriter(context.out(), true));
    cli.setErr(new PrintWriter(context.err(), true));
    cli.registerConverter(Path.class, context::resolve);
    cli.registerConverter(Duration.class, Nudge::duration);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println(failed.getCommandName() + ": " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
      failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, failed, parseResult) -> {
      if (e instanceof CliException c) {
        failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + c.getMessage());
        return c.exitCode();
      }
      failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e);
      return FAILED;
    });
    exitCodesInHelp(cli);
    return cli;
  }

  private static void exitCodesInHelp(CommandLine cli) {
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
    cli.getSubcommands().values().forEach(sub -> {
      // The scope that gives every command --help also hands down the top command's footer.
      sub.getCommandSpec().usageMessage().footer(new String[0]);
      exitCodesInHelp(sub);
    });
  }

  private static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("0", "done");
    codes.put("1", "the operation failed: invalid workflow or file, failed scenario, refused by the API, no cloud reachable");
    codes.put("2", "usage error: unknown command or option, missing or unreadable file, bad value");
    return codes;
  }

  /**
   * The repository: the `nudge` script passes it (nudge.home); tests run from a module and name it
   * nudge.repo.root. The bundled workflows and the template the local cloud runs are there.
   */
  static Path home() {
    return Path.of(System.getProperty("nudge.home", System.getProperty("nudge.repo.root", ""))).toAbsolutePath().normalize();
  }

  /** {@code 30s}, {@code 5m}, {@code 2h}, {@code 3d} or an ISO-8601 duration ({@code PT30S}). */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (30s, 5m, 2h, 3d or PT30S)");
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** Gives each command class with a {@code (CliContext)} constructor the context (constructor injection). */
  private record Factory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> constructor = type.getDeclaredConstructor(CliContext.class);
        constructor.setAccessible(true);
        return constructor.newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Nudge.class.getPackage().getImplementationVersion();
      return new String[] {"nudge " + (version == null ? "0.1.0-SNAPSHOT" : version)};
    }
  }
}
