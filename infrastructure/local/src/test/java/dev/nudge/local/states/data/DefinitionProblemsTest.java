package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DefinitionProblemsTest {

  // ---- paths

  @Test
  void validPathsHaveNoProblems() {
    assertThat(DefinitionProblems.path("/States/A/InputPath", "$")).isEmpty();
    assertThat(DefinitionProblems.path("/States/A/InputPath", "$.a[0:2]")).isEmpty();
    assertThat(DefinitionProblems.path("/States/A/ItemsPath", "$.items[?(@.ok == true)]")).isEmpty();
    assertThat(DefinitionProblems.path("/States/A/InputPath", "$$.Execution.Input")).isEmpty();
  }

  @Test
  void pathNotStartingWithDollarIsReportedWithFieldAndLocation() {
    assertThat(DefinitionProblems.path("/States/A/InputPath", "foo")).containsExactly(
        "SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath");
  }

  @Test
  void unparseablePathIsReported() {
    assertThat(DefinitionProblems.path("/States/A/OutputPath", "$.a[")).hasSize(1);
  }

  // ---- reference paths

  @Test
  void referencePathAcceptsDotsAndBrackets() {
    assertThat(DefinitionProblems.referencePath("/States/A/ResultPath", "$.a['b'][0]")).isEmpty();
    assertThat(DefinitionProblems.referencePath("/States/W/SecondsPath", "$$.Execution.Input.wait")).isEmpty();
  }

  @Test
  void referencePathRejectsWildcardsWithAwsMessage() {
    assertThat(DefinitionProblems.referencePath("/States/A/ResultPath", "$.a[*]")).containsExactly(
        "SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid ReferencePath"
            + " at /States/A/ResultPath");
  }

  @Test
  void resultPathCannotWriteIntoTheContextObject() {
    assertThat(DefinitionProblems.referencePath("/States/A/ResultPath", "$$.Execution")).hasSize(1);
  }

  // ---- payload templates

  @Test
  void validTemplateHasNoProblems() {
    JsonNode template = json("{'a.$': '$.x', 'b': {'c.$': '$$.Execution.Id'}, 'd': [{'e.$': 'States.UUID()'}],"
        + " 'static': '$.not.evaluated'}");
    assertThat(DefinitionProblems.payloadTemplate("/States/A/Parameters", template)).isEmpty();
  }

  @Test
  void dynamicValueThatIsNeitherPathNorCallIsReportedAtItsField() {
    assertThat(DefinitionProblems.payloadTemplate("/States/A/Parameters", json("{'b': {'x.$': 'hello'}}")))
        .singleElement().asString()
        .startsWith("SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid"
            + " intrinsic function call")
        .endsWith(" at /States/A/Parameters/b/x.$");
  }

  @Test
  void nonStringDynamicValueIsReported() {
    assertThat(DefinitionProblems.payloadTemplate("/States/A/Parameters", json("{'x.$': 1}"))).hasSize(1);
  }

  @Test
  void invalidPathInTemplateIsReported() {
    assertThat(DefinitionProblems.payloadTemplate("/States/A/Parameters", json("{'x.$': '$.a['}"))).hasSize(1);
  }

  @Test
  void unknownIntrinsicInTemplateIsReportedWithItsName() {
    assertThat(DefinitionProblems.payloadTemplate("/States/A/ResultSelector", json("{'x.$': 'States.Nope(1)'}")))
        .singleElement().asString().contains("States.Nope");
  }

  @Test
  void malformedIntrinsicSyntaxIsReported() {
    ObjectNode template = (ObjectNode) json("{}");
    template.put("x.$", "States.Format('unterminated)");
    assertThat(DefinitionProblems.payloadTemplate("/States/A/Parameters", template)).hasSize(1);
  }

  @Test
  void keyAndDollarKeyForTheSameFieldAreReported() {
    assertThat(DefinitionProblems.payloadTemplate("/States/A/Parameters", json("{'a': 1, 'a.$': '$.a'}")))
        .hasSize(1);
  }

  @Test
  void intrinsicFunctionValidatorChecksArity() {
    assertThat(DefinitionProblems.intrinsicFunction("/States/A/Parameters/x.$", "States.ArrayRange(1, 2)"))
        .singleElement().asString().contains("States.ArrayRange takes 3 argument(s)");
  }

  // ---- choice rules

  @Test
  void validTopLevelRuleHasNoProblems() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.value', 'NumericEquals': 0, 'Next': 'ValueIsZero'}"), true)).isEmpty();
  }

  @Test
  void topLevelRuleWithoutNextIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.value', 'NumericEquals': 0}"), true)).containsExactly(
        "SCHEMA_VALIDATION_FAILED: The field 'Next' is required but was missing at /States/C/Choices/0");
  }

  // Developer guide: "the Next field can appear only in a top-level Choice Rule".
  @Test
  void nextInsideANestedRuleIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'And': [{'Variable': '$.a', 'IsNull': true, 'Next': 'X'}], 'Next': 'Y'}"), true))
        .singleElement().asString().contains("'Next'").endsWith("/States/C/Choices/0/And/0/Next");
  }

  @Test
  void comparisonWithoutVariableIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0", json("{'StringEquals': 'x', 'Next': 'Y'}"), true))
        .containsExactly("SCHEMA_VALIDATION_FAILED: The field 'Variable' is required but was missing at /States/C/Choices/0");
  }

  @Test
  void twoOperatorsInOneRuleAreReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.a', 'StringEquals': 'x', 'NumericEquals': 1, 'Next': 'Y'}"), true))
        .singleElement().asString().contains("exactly one");
  }

  @Test
  void ruleWithoutOperatorIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0", json("{'Variable': '$.a', 'Next': 'Y'}"), true))
        .hasSize(1);
  }

  @Test
  void unknownFieldIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.a', 'StringContains': 'x', 'Next': 'Y'}"), true)).contains(
        "SCHEMA_VALIDATION_FAILED: The field 'StringContains' is not supported by Step Functions"
            + " at /States/C/Choices/0/StringContains");
  }

  @Test
  void operatorValueOfTheWrongTypeIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.a', 'NumericEquals': '1', 'Next': 'Y'}"), true)).containsExactly(
        "SCHEMA_VALIDATION_FAILED: The value for the field 'NumericEquals' must be a NUMBER"
            + " at /States/C/Choices/0/NumericEquals");
  }

  @Test
  void invalidTimestampLiteralIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.a', 'TimestampEquals': 'yesterday', 'Next': 'Y'}"), true)).hasSize(1);
  }

  @Test
  void pathVariantNeedsAReferencePath() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0",
        json("{'Variable': '$.a', 'StringEqualsPath': '$.b[*]', 'Next': 'Y'}"), true)).hasSize(1);
  }

  @Test
  void emptyAndIsReported() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0", json("{'And': [], 'Next': 'Y'}"), true))
        .hasSize(1);
  }

  @Test
  void problemsInsideNestedRulesAreReportedAtTheirLocation() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/1",
        json("{'Not': {'Variable': '$.a', 'BooleanEquals': 'yes'}, 'Next': 'Y'}"), true)).containsExactly(
        "SCHEMA_VALIDATION_FAILED: The value for the field 'BooleanEquals' must be a BOOLEAN"
            + " at /States/C/Choices/1/Not/BooleanEquals");
  }

  @Test
  void nestedRuleMayNotHaveNextWhenCheckedOnItsOwn() {
    assertThat(DefinitionProblems.choiceRule("/States/C/Choices/0/Not",
        json("{'Variable': '$.a', 'IsNull': true, 'Next': 'X'}"), false)).hasSize(1);
  }
}
