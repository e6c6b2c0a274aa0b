package dev.nudge.local.states;

import static dev.nudge.local.states.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.states.StatesModel.ExecutionDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Choice state in an execution (the operators themselves are specified in ChoiceRuleTest). The machine is
 * the Developer Guide's "Choice workflow state" example: first match wins, Default otherwise.
 */
class ChoiceStateTest {
  private static final String MACHINE = """
      {"StartAt":"ChoiceStateX","States":{"ChoiceStateX":{"Type":"Choice","Choices":[
          {"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},
          {"And":[{"Variable":"$.value","IsPresent":true},{"Variable":"$.value","IsNumeric":true},
                  {"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"},
          {"Variable":"$.rating","NumericGreaterThanPath":"$.auditThreshold","Next":"StartAudit"}],
        "Default":"DefaultState"},
        "Public":{"Type":"Pass","Result":"public","End":true},
        "ValueInTwenties":{"Type":"Pass","Result":"twenties","End":true},
        "StartAudit":{"Type":"Pass","Result":"audit","End":true},
        "DefaultState":{"Type":"Fail","Error":"DefaultStateError","Cause":"No Matches!"}}}""";
  private final Harness h = new Harness();
  private String machine;

  @AfterEach
  void close() {
    h.close();
  }

  private ExecutionDescription run(String input) {
    if (machine == null) machine = h.create("choice", MACHINE);
    return h.engine.describeExecution(h.start(machine, input));
  }

  @Test
  void takesTheFirstMatchingRule() {
    assertThat(run("{\"type\":\"Public\",\"value\":25}").output()).isEqualTo("\"public\"");
  }

  @Test
  void evaluatesAnAndRule() {
    assertThat(run("{\"type\":\"Private\",\"value\":25}").output()).isEqualTo("\"twenties\"");
  }

  @Test
  void comparesWithAPathVariant() {
    assertThat(run("{\"type\":\"Private\",\"rating\":60,\"auditThreshold\":50}").output()).isEqualTo("\"audit\"");
  }

  @Test
  void fallsBackToDefault() {
    ExecutionDescription d = run("{\"type\":\"Private\",\"value\":3,\"rating\":10,\"auditThreshold\":50}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("DefaultStateError");
  }

  /** Developer Guide, Choice: a Variable that selects nothing is a States.Runtime error (hence IsPresent). */
  @Test
  void aMissingVariableIsStatesRuntime() {
    ExecutionDescription d = run("{\"type\":\"Private\",\"value\":3}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.Runtime");
  }

  @Test
  void withoutDefaultNoMatchIsStatesNoChoiceMatched() {
    ExecutionDescription d = h.run("""
        {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","BooleanEquals":true,"Next":"Y"}]},
          "Y":{"Type":"Succeed"}}}""", "{\"a\":false}");
    assertThat(d.status()).isEqualTo("FAILED");
    assertThat(d.error()).isEqualTo("States.NoChoiceMatched");
  }

  @Test
  void choiceOutputIsItsInputAfterInputPathAndOutputPath() {
    ExecutionDescription d = h.run("""
        {"StartAt":"C","States":{"C":{"Type":"Choice","InputPath":"$.inner","OutputPath":"$.x",
          "Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"Y"}]},"Y":{"Type":"Pass","End":true}}}""",
        "{\"inner\":{\"x\":1},\"outer\":true}");
    assertThat(json(d.output())).isEqualTo(json("1"));
  }

  @Test
  void rejectsAChoiceRuleWithoutNextAtCreation() {
    try {
      h.create("bad", """
          {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","BooleanEquals":true}],"Default":"Y"},
            "Y":{"Type":"Succeed"}}}""");
      throw new AssertionError("accepted");
    } catch (StatesApiException e) {
      assertThat(e.errorType()).isEqualTo("InvalidDefinition");
      assertThat(e.getMessage()).contains("/States/C/Choices[0]");
    }
  }
}
