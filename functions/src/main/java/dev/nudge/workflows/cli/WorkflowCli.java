package dev.nudge.workflows.cli;

import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.InvalidWorkflowException;
import dev.nudge.workflows.Problem;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowPublisher;
import dev.nudge.workflows.Workflows;
import dev.nudge.workflows.asl.AslCompiler;
import dev.nudge.workflows.asl.TransitionReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Workflows in git, published from CI:
 * <pre>
 *   validate FILE   every problem, one per line; exit 1 if any
 *   compile FILE    the Amazon States Language definition on stdout
 *   report FILE     state transitions per journey path (Markdown)
 *   publish FILE    create/update the state machine, publish a version, move alias "live"
 *                   (needs NUDGE_WORKFLOW_ROLE_ARN and NUDGE_STEP_FUNCTION_ARN, and AWS credentials)
 *   import pinpoint FILE   a Pinpoint journey (aws pinpoint get-journey JSON) as a workflow on stdout,
 *                   what did not convert exactly on stderr (docs/pinpoint.md)
 * </pre>
 * Exit codes: 0 done, 1 invalid workflow or failed publish, 2 usage error.
 */
public final class WorkflowCli {
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Supplier<SfnClient> sfn;
  private final Workflows workflows = new Workflows(new BundledTemplates());

  public WorkflowCli(PrintStream out, PrintStream err, Map<String, String> env, Supplier<SfnClient> sfn) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.sfn = sfn;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    int code = new WorkflowCli(out, err, System.getenv(),
        () -> SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()).run(args);
    System.exit(code);
  }

  public int run(String... args) {
    if (args.length >= 1 && args[0].equals("import")) {
      return importJourney(args);
    }
    if (args.length != 2 || !args[0].matches("validate|compile|report|publish")) {
      err.println("usage: WorkflowCli validate|compile|report|publish FILE");
      return 2;
    }
    String text;
    try {
      text = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      err.println("no such file: " + args[1]);
      return 2;
    } catch (IOException e) {
      err.println("cannot read " + args[1] + ": " + e.getMessage());
      return 2;
    }
    Workflow workflow;
    try {
      workflow = workflows.load(text);
    } catch (InvalidWorkflowException e) {
      for (Problem p : e.problems()) {
        err.println(args[1] + ": " + p);
      }
      err.println(e.problems().size() + " problem(s)");
      return 1;
    }
    switch (args[0]) {
      case "validate" -> out.println(args[1] + ": valid (" + workflow.steps().size() + " steps)");
      case "compile" -> out.print(AslCompiler.toJson(AslCompiler.compile(workflow)));
      case "report" -> out.print(TransitionReport.markdown(workflow.id(), TransitionReport.paths(AslCompiler.compile(workflow))));
      default -> {
        return publish(workflow, args[1]);
      }
    }
    return 0;
  }

  /** {@code import pinpoint FILE}: exit 0 when converted (findings are warnings), 2 when the file cannot be read. */
  private int importJourney(String... args) {
    if (args.length != 3 || !args[1].equals("pinpoint")) {
      err.println("usage: WorkflowCli import pinpoint FILE   (FILE: the JSON of aws pinpoint get-journey)");
      return 2;
    }
    String text;
    try {
      text = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      err.println("no such file: " + args[2]);
      return 2;
    } catch (IOException e) {
      err.println("cannot read " + args[2] + ": " + e.getMessage());
      return 2;
    }
    dev.nudge.workflows.pinpoint.PinpointJourneyImport.Result result;
    try {
      result = dev.nudge.workflows.pinpoint.PinpointJourneyImport.convert(text, new BundledTemplates());
    } catch (dev.nudge.workflows.pinpoint.PinpointImportException e) {
      err.println(args[2] + ": not a readable Pinpoint journey: " + e.getMessage());
      return 2;
    }
    out.print(result.yaml());
    for (dev.nudge.workflows.pinpoint.Finding f : result.findings()) {
      err.println(args[2] + ": " + f);
    }
    err.println(result.stepIds().size() + " activities converted, " + result.findings().size()
        + " thing(s) not converted exactly (listed above)");
    // A converted workflow always validates; if one does not, that is a converter bug worth a failing exit.
    return result.workflow() == null ? 1 : 0;
  }

  private int publish(Workflow workflow, String file) {
    String role = env.get("NUDGE_WORKFLOW_ROLE_ARN");
    String function = env.get("NUDGE_STEP_FUNCTION_ARN");
    if (role == null || function == null) {
      err.println("publish needs NUDGE_WORKFLOW_ROLE_ARN (the state machines' role) and NUDGE_STEP_FUNCTION_ARN "
          + "(the step-actions function); both are outputs of the Nudge stack");
      return 2;
    }
    try (SfnClient client = sfn.get()) {
      WorkflowPublisher.Published published = new WorkflowPublisher(client, role, function)
          .publish(workflow, "published from " + Path.of(file).getFileName());
      out.println((published.created() ? "created " : "updated ") + published.stateMachineArn());
      out.println("version " + published.versionArn());
      out.println("alias " + published.aliasArn());
      return 0;
    } catch (RuntimeException e) {
      err.println("publish failed: " + e.getMessage());
      return 1;
    }
  }
}
