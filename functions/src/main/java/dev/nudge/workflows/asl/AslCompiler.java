package dev.nudge.workflows.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.workflows.Step;
import dev.nudge.workflows.StepGraph;
import dev.nudge.workflows.Workflow;
import dev.nudge.workflows.WorkflowWriter;
import java.util.List;
import java.util.Set;

/**
 * Compiles a valid workflow to Amazon States Language, one or two states per step (a send under a
 * send window adds a third that is entered only when the send is deferred).
 *
 * <p>Every action is a Task invoking the one step-actions Lambda, whose ARN is the definition
 * substitution {@code ${StepFunctionArn}}. The payload carries the action in definition syntax,
 * the contact, and the idempotency key: execution id, state name and the time the state was
 * entered (a retry keeps the entered time; a loop back to the step gets a new one, so a loop may
 * legitimately send again while a retry never does).
 *
 * <p>The output is deterministic (insertion-ordered objects, fixed pretty-printing) so golden
 * files pin it.
 */
public final class AslCompiler {
  public static final String FUNCTION_ARN = "${StepFunctionArn}";
  public static final String ENTER = "Enter";
  public static final String COMPLETE = "Complete";
  public static final String RECORD_FAILURE = "RecordFailure";
  public static final String FAILED = "Failed";
  /** State names the compiler adds; step ids are lowercase, so they never collide. */
  public static final Set<String> JOURNEY_STATES = Set.of(ENTER, COMPLETE, RECORD_FAILURE, FAILED);
  /**
   * Transient Lambda errors worth retrying: AWS's recommended list, throttling, and
   * {@code Lambda.Unknown} (the container died mid-invocation: out of memory, a runtime exit, a
   * timeout), which the fault suite showed failing journeys a retry would have finished. Retrying
   * is safe because every step action is idempotent (the send ledger's claim, conditional writes,
   * the statistics markers).
   */
  public static final List<String> TRANSIENT_LAMBDA_ERRORS = List.of(
      "Lambda.TooManyRequestsException", "Lambda.ServiceException", "Lambda.AWSLambdaException",
      "Lambda.SdkClientException", "Lambda.Unknown");
  /** The step-actions function throws this (Java reports the class name as the error) when a webhook call fails. */
  public static final String WEBHOOK_FAILED = "dev.nudge.journeys.WebhookFailedException";
  /** The step-actions function throws this when SES or SNS throttled a send (nothing was sent). */
  public static final String SEND_THROTTLED = "dev.nudge.messaging.SendThrottledException";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Workflow workflow;
  /** The Nudge version being published, carried in every step payload; null for a draft's preview. */
  private final Integer version;
  private final ObjectNode states = F.objectNode();

  private AslCompiler(Workflow workflow, Integer version) {
    this.workflow = workflow;
    this.version = version;
  }

  /** The workflow must be valid (see {@link dev.nudge.workflows.WorkflowValidator}). */
  public static ObjectNode compile(Workflow workflow) {
    return new AslCompiler(workflow, null).definition();
  }

  /**
   * As deployed for a publish: every step payload carries {@code version}, so each send is tagged
   * with the workflow version it belongs to and statistics can be read per version (the context
   * object names the execution, not the version an alias resolved to).
   */
  public static ObjectNode compile(Workflow workflow, int version) {
    return new AslCompiler(workflow, version).definition();
  }

  /** Pretty-printed with two-space indents and a final newline: the golden-file form. */
  public static String toJson(ObjectNode definition) {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return MAPPER.writer(printer).writeValueAsString(definition) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode definition() {
    ObjectNode root = F.objectNode();
    root.put("Comment", "Nudge workflow " + workflow.id() + ": " + workflow.name());
    root.put("StartAt", ENTER);
    enter();
    List<Step> steps = workflow.steps();
    for (int i = 0; i < steps.size(); i++) {
      step(steps.get(i), i);
    }
    complete();
    failure();
    root.set("States", states);
    return root;
  }

  private void enter() {
    ObjectNode payload = payload("enter", null);
    payload.put("stateMachineId.$", "$$.StateMachine.Id");
    payload.put("trigger.$", "$.trigger");
    ObjectNode task = task(payload);
    task.putObject("ResultSelector").put("bucket.$", "$.Payload.bucket");
    task.put("ResultPath", "$.journey");
    task.put("Next", workflow.steps().get(0).id());
    states.set(ENTER, task);
  }

  private void step(Step step, int index) {
    List<StepGraph.Edge> edges = StepGraph.successors(workflow, index);
    String id = step.id();
    Step.Action action = step.action();
    if (action instanceof Step.Message) {
      message(step, target(edges.get(0)));
    } else if (action instanceof Step.WaitDuration w) {
      ObjectNode wait = F.objectNode();
      wait.put("Type", "Wait");
      wait.put("Seconds", w.duration().toSeconds());
      wait.put("Next", target(edges.get(0)));
      states.set(id, wait);
    } else if (action instanceof Step.Wait) {
      ObjectNode payload = payload("timer", step);
      payload.set("settings", settings());
      ObjectNode task = task(payload);
      task.putObject("ResultSelector").put("at.$", "$.Payload.at");
      task.put("ResultPath", "$.timer");
      task.put("Next", id + ".wait");
      states.set(id, task);
      ObjectNode wait = F.objectNode();
      wait.put("Type", "Wait");
      wait.put("TimestampPath", "$.timer.at");
      wait.put("Next", target(edges.get(0)));
      states.set(id + ".wait", wait);
    } else if (action instanceof Step.WaitFor w) {
      ObjectNode payload = payload("waitFor", step);
      payload.put("taskToken.$", "$$.Task.Token");
      ObjectNode task = F.objectNode();
      task.put("Type", "Task");
      task.put("Resource", "arn:aws:states:::lambda:invoke.waitForTaskToken");
      ObjectNode parameters = task.putObject("Parameters");
      parameters.put("FunctionName", FUNCTION_ARN);
      parameters.set("Payload", payload);
      task.put("TimeoutSeconds", w.timeout().toSeconds());
      task.put("ResultPath", "$.received");
      task.set("Retry", retry(List.of()));
      ArrayNode catches = F.arrayNode();
      ObjectNode timeout = catches.addObject();
      timeout.putArray("ErrorEquals").add("States.Timeout");
      timeout.putNull("ResultPath");
      timeout.put("Next", target(edges.get(1)));
      catches.add(failureCatch());
      task.set("Catch", catches);
      task.put("Next", target(edges.get(0)));
      states.set(id, task);
    } else if (action instanceof Step.Branch b) {
      ObjectNode task = task(payload("branch", step));
      task.putObject("ResultSelector").put("case.$", "$.Payload.case");
      task.put("ResultPath", "$.branch");
      task.put("Next", id + ".choose");
      states.set(id, task);
      ObjectNode choice = F.objectNode();
      choice.put("Type", "Choice");
      ArrayNode choices = choice.putArray("Choices");
      for (int i = 0; i < b.cases().size(); i++) {
        choices.addObject().put("Variable", "$.branch.case").put("NumericEquals", i).put("Next", target(edges.get(i)));
      }
      choice.put("Default", target(edges.get(edges.size() - 1)));
      states.set(id + ".choose", choice);
    } else if (action instanceof Step.Split s) {
      // The bucket (0-99) was computed once by Enter from contact and workflow ids: the same
      // contact always takes the same arm, even if the journey is replayed.
      ObjectNode choice = F.objectNode();
      choice.put("Type", "Choice");
      ArrayNode choices = choice.putArray("Choices");
      int upTo = 0;
      for (int i = 0; i < s.arms().size() - 1; i++) {
        upTo += s.arms().get(i).percent();
        choices.addObject().put("Variable", "$.journey.bucket").put("NumericLessThan", upTo).put("Next", target(edges.get(i)));
      }
      choice.put("Default", target(edges.get(edges.size() - 1)));
      states.set(id, choice);
    } else if (action instanceof Step.Exit) {
      ObjectNode task = task(payload("exit", step));
      task.putNull("ResultPath");
      task.put("End", true);
      states.set(id, task);
    } else {
      String kind = action.keyword();
      ObjectNode payload = payload(kind, step);
      if (action instanceof Step.Webhook) {
        payload.put("trigger.$", "$.trigger");
      }
      ObjectNode task = task(payload);
      if (action instanceof Step.Webhook w) {
        task.put("TimeoutSeconds", w.timeout().toSeconds() + 30);
        task.set("Retry", retry(List.of(webhookRetrier(w))));
      }
      task.putNull("ResultPath");
      task.put("Next", target(edges.get(0)));
      states.set(id, task);
    }
  }

  /**
   * Without a send window: one Task. With one: the Task sends when the window is open, or
   * answers {@code deferred} with the instant it opens; the Choice then waits for it and the Task
   * runs again (with a new entered time, and the ledger still preventing a double send).
   */
  private void message(Step step, String next) {
    String id = step.id();
    ObjectNode payload = payload("send", step);
    // Templates may quote the trigger event (the cart's items, the order number).
    payload.put("trigger.$", "$.trigger");
    boolean windowed = workflow.settings().sendWindow() != null;
    payload.set("settings", settings());
    ObjectNode task = task(payload);
    if (!windowed) {
      task.putNull("ResultPath");
      task.put("Next", next);
      states.set(id, task);
      return;
    }
    ObjectNode selector = task.putObject("ResultSelector");
    selector.put("status.$", "$.Payload.status");
    selector.put("resumeAt.$", "$.Payload.resumeAt");
    task.put("ResultPath", "$.send");
    task.put("Next", id + ".window");
    states.set(id, task);
    ObjectNode choice = F.objectNode();
    choice.put("Type", "Choice");
    choice.putArray("Choices").addObject()
        .put("Variable", "$.send.status").put("StringEquals", "deferred").put("Next", id + ".wait");
    choice.put("Default", next);
    states.set(id + ".window", choice);
    ObjectNode wait = F.objectNode();
    wait.put("Type", "Wait");
    wait.put("TimestampPath", "$.send.resumeAt");
    wait.put("Next", id);
    states.set(id + ".wait", wait);
  }

  private void complete() {
    ObjectNode payload = payload("complete", null);
    payload.set("settings", settings());
    ObjectNode task = task(payload);
    task.putNull("ResultPath");
    task.put("End", true);
    states.set(COMPLETE, task);
  }

  /** Records why the journey failed on its journey record, then fails with the original cause. */
  private void failure() {
    ObjectNode payload = payload("fail", null);
    payload.put("error.$", "$.error");
    ObjectNode task = F.objectNode();
    task.put("Type", "Task");
    task.put("Resource", "arn:aws:states:::lambda:invoke");
    ObjectNode parameters = task.putObject("Parameters");
    parameters.put("FunctionName", FUNCTION_ARN);
    parameters.set("Payload", payload);
    task.putNull("ResultPath");
    task.set("Retry", retry(List.of()));
    ArrayNode catches = task.putArray("Catch");
    ObjectNode c = catches.addObject();
    c.putArray("ErrorEquals").add("States.ALL");
    c.put("ResultPath", "$.recordError");
    c.put("Next", FAILED);
    task.put("Next", FAILED);
    states.set(RECORD_FAILURE, task);
    ObjectNode fail = F.objectNode();
    fail.put("Type", "Fail");
    fail.put("Comment", "A step failed after its retries; $.error holds the step's error and cause.");
    fail.put("ErrorPath", "$.error.Error");
    fail.put("CausePath", "$.error.Cause");
    states.set(FAILED, fail);
  }

  private ObjectNode payload(String action, Step step) {
    ObjectNode payload = F.objectNode();
    payload.put("action", action);
    payload.put("workflow", workflow.id());
    if (version != null) {
      payload.put("version", Integer.toString(version));
    }
    if (step != null) {
      payload.set("step", WorkflowWriter.action(step));
    }
    payload.put("contact.$", "$.contact");
    payload.put("executionId.$", "$$.Execution.Id");
    payload.put("stateName.$", "$$.State.Name");
    payload.put("stateEnteredTime.$", "$$.State.EnteredTime");
    return payload;
  }

  private ObjectNode settings() {
    return WorkflowWriter.settings(workflow.settings());
  }

  /** A Task invoking the step-actions function, with the standard Retry and failure Catch. */
  private ObjectNode task(ObjectNode payload) {
    ObjectNode task = F.objectNode();
    task.put("Type", "Task");
    task.put("Resource", "arn:aws:states:::lambda:invoke");
    ObjectNode parameters = task.putObject("Parameters");
    parameters.put("FunctionName", FUNCTION_ARN);
    parameters.set("Payload", payload);
    task.set("Retry", retry(List.of()));
    task.set("Catch", F.arrayNode().add(failureCatch()));
    return task;
  }

  private static ArrayNode retry(List<ObjectNode> extra) {
    ArrayNode retry = F.arrayNode();
    ObjectNode transient_ = retry.addObject();
    ArrayNode errors = transient_.putArray("ErrorEquals");
    TRANSIENT_LAMBDA_ERRORS.forEach(errors::add);
    transient_.put("IntervalSeconds", 2);
    transient_.put("MaxAttempts", 6);
    transient_.put("BackoffRate", 2.0);
    transient_.put("MaxDelaySeconds", 60);
    transient_.put("JitterStrategy", "FULL");
    // Only sends throw it: SES/SNS asked to slow down. Longer, patient back-off than Lambda's own errors.
    ObjectNode throttled = retry.addObject();
    throttled.putArray("ErrorEquals").add(SEND_THROTTLED);
    throttled.put("IntervalSeconds", 5);
    throttled.put("MaxAttempts", 10);
    throttled.put("BackoffRate", 2.0);
    throttled.put("MaxDelaySeconds", 300);
    throttled.put("JitterStrategy", "FULL");
    extra.forEach(retry::add);
    return retry;
  }

  private static ObjectNode webhookRetrier(Step.Webhook webhook) {
    ObjectNode retrier = F.objectNode();
    retrier.putArray("ErrorEquals").add(WEBHOOK_FAILED);
    retrier.put("IntervalSeconds", 30);
    retrier.put("MaxAttempts", webhook.retries());
    retrier.put("BackoffRate", 2.0);
    return retrier;
  }

  private static ObjectNode failureCatch() {
    ObjectNode c = F.objectNode();
    c.putArray("ErrorEquals").add("States.ALL");
    c.put("ResultPath", "$.error");
    c.put("Next", RECORD_FAILURE);
    return c;
  }

  private static String target(StepGraph.Edge edge) {
    return edge.target().equals(Step.END) ? COMPLETE : edge.target();
  }
}
