package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static dev.nudge.local.states.data.Json.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Choice rules, after the developer guide's "Choice" page and the ASL specification. */
class ChoiceRuleTest {

  private static final JsonNode INPUT = json("{'type': 'Private', 'value': 22, 'text': 'MyStringABD',"
      + " 'flag': true, 'nothing': null, 'when': '2001-01-01T12:00:00Z', 'later': '2001-01-01T13:00:00+00:30',"
      + " 'other': {'text': 'MyStringABD', 'value': 22, 'flag': true, 'when': '2001-01-01T12:00:00Z'},"
      + " 'file': 'log-2024.txt', 'numericString': '22'}");
  private static final JsonNode CONTEXT = json("{'Execution': {'Name': 'run-1'}}");

  private static boolean matches(String rule) {
    return ChoiceRule.parse(json(rule)).matches(INPUT, CONTEXT);
  }

  // ---- the developer guide's example Choice state, input {"type": "Private", "value": 22}

  @Test
  void guideExampleNotPrivateDoesNotMatchPrivate() {
    assertThat(matches("{'Not': {'Variable': '$.type', 'StringEquals': 'Private'}, 'Next': 'Public'}")).isFalse();
  }

  @Test
  void guideExampleValueIsZeroDoesNotMatch22() {
    assertThat(matches("{'Variable': '$.value', 'NumericEquals': 0, 'Next': 'ValueIsZero'}")).isFalse();
  }

  @Test
  void guideExampleValueInTwentiesMatches22() {
    assertThat(matches("{'And': [{'Variable': '$.value', 'NumericGreaterThanEquals': 20},"
        + " {'Variable': '$.value', 'NumericLessThan': 30}], 'Next': 'ValueInTwenties'}")).isTrue();
  }

  // ---- string comparisons (Java compareTo order, per the developer guide)

  @Test
  void stringEquals() {
    assertThat(matches("{'Variable': '$.type', 'StringEquals': 'Private'}")).isTrue();
    assertThat(matches("{'Variable': '$.type', 'StringEquals': 'private'}")).isFalse();
  }

  @Test
  void stringLessThan() {
    assertThat(matches("{'Variable': '$.text', 'StringLessThan': 'MyStringABE'}")).isTrue();
    assertThat(matches("{'Variable': '$.text', 'StringLessThan': 'MyStringABD'}")).isFalse();
  }

  @Test
  void stringGreaterThan() {
    assertThat(matches("{'Variable': '$.text', 'StringGreaterThan': 'MyStringABC'}")).isTrue();
    assertThat(matches("{'Variable': '$.text', 'StringGreaterThan': 'MyStringABD'}")).isFalse();
  }

  @Test
  void stringLessThanEquals() {
    assertThat(matches("{'Variable': '$.text', 'StringLessThanEquals': 'MyStringABD'}")).isTrue();
    assertThat(matches("{'Variable': '$.text', 'StringLessThanEquals': 'MyStringABC'}")).isFalse();
  }

  @Test
  void stringGreaterThanEquals() {
    assertThat(matches("{'Variable': '$.text', 'StringGreaterThanEquals': 'MyStringABD'}")).isTrue();
    assertThat(matches("{'Variable': '$.text', 'StringGreaterThanEquals': 'MyStringABE'}")).isFalse();
  }

  @Test
  void stringComparisonPathVariantsReadTheOtherValueFromTheInput() {
    assertThat(matches("{'Variable': '$.text', 'StringEqualsPath': '$.other.text'}")).isTrue();
    assertThat(matches("{'Variable': '$.type', 'StringLessThanPath': '$.other.text'}")).isFalse();
    assertThat(matches("{'Variable': '$.type', 'StringGreaterThanPath': '$.other.text'}")).isTrue();
    assertThat(matches("{'Variable': '$.text', 'StringLessThanEqualsPath': '$.other.text'}")).isTrue();
    assertThat(matches("{'Variable': '$.text', 'StringGreaterThanEqualsPath': '$.other.text'}")).isTrue();
  }

  @Test
  void stringEqualsOnANumberIsFalseNotAnError() {
    assertThat(matches("{'Variable': '$.value', 'StringEquals': '22'}")).isFalse();
  }

  @Test
  void timestampStringsCanBeComparedAsStrings() {
    assertThat(matches("{'Variable': '$.when', 'StringEquals': '2001-01-01T12:00:00Z'}")).isTrue();
  }

  // ---- StringMatches

  @Test
  void stringMatchesWithAWildcard() {
    assertThat(matches("{'Variable': '$.file', 'StringMatches': 'log-*.txt'}")).isTrue();
    assertThat(matches("{'Variable': '$.file', 'StringMatches': 'log-*.csv'}")).isFalse();
  }

  // ASL specification, "StringMatches": foo*.log matches foo23.log, *.log matches zebra.log,
  // foo*.* matches foobar.zebra.
  @Test
  void stringMatchesSpecificationExamples() {
    assertThat(ChoiceRule.parse(json("{'Variable': '$.s', 'StringMatches': 'foo*.log'}")).matches(json("{'s': 'foo23.log'}"), CONTEXT)).isTrue();
    assertThat(ChoiceRule.parse(json("{'Variable': '$.s', 'StringMatches': '*.log'}")).matches(json("{'s': 'zebra.log'}"), CONTEXT)).isTrue();
    assertThat(ChoiceRule.parse(json("{'Variable': '$.s', 'StringMatches': 'foo*.*'}")).matches(json("{'s': 'foobar.zebra'}"), CONTEXT)).isTrue();
  }

  @Test
  void stringMatchesWildcardMatchesAnEmptyRun() {
    assertThat(matches("{'Variable': '$.type', 'StringMatches': 'Private*'}")).isTrue();
  }

  @Test
  void stringMatchesWithoutWildcardIsEquality() {
    assertThat(matches("{'Variable': '$.type', 'StringMatches': 'Priv'}")).isFalse();
  }

  @Test
  void stringMatchesTreatsRegexCharactersLiterally() {
    assertThat(ChoiceRule.parse(json("{'Variable': '$.s', 'StringMatches': 'a.c'}")).matches(json("{'s': 'abc'}"), CONTEXT))
        .isFalse();
  }

  // Developer guide: an escaped asterisk (\\* in JSON) matches a literal '*'.
  @Test
  void stringMatchesEscapedAsteriskIsLiteral() {
    ChoiceRule rule = ChoiceRule.parse(raw("{\"Variable\": \"$.s\", \"StringMatches\": \"a\\\\*c\"}"));
    assertThat(rule.matches(json("{'s': 'a*c'}"), CONTEXT)).isTrue();
    assertThat(rule.matches(json("{'s': 'abc'}"), CONTEXT)).isFalse();
  }

  @Test
  void stringMatchesEscapedBackslashIsLiteral() {
    ChoiceRule rule = ChoiceRule.parse(raw("{\"Variable\": \"$.s\", \"StringMatches\": \"a\\\\\\\\*\"}"));
    assertThat(rule.matches(raw("{\"s\": \"a\\\\bc\"}"), CONTEXT)).isTrue();
    assertThat(rule.matches(json("{'s': 'abc'}"), CONTEXT)).isFalse();
  }

  // ---- numeric comparisons

  @Test
  void numericEquals() {
    assertThat(matches("{'Variable': '$.value', 'NumericEquals': 22}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericEquals': 22.0}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericEquals': 21}")).isFalse();
  }

  @Test
  void numericLessThan() {
    assertThat(matches("{'Variable': '$.value', 'NumericLessThan': 22.5}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericLessThan': 22}")).isFalse();
  }

  @Test
  void numericGreaterThan() {
    assertThat(matches("{'Variable': '$.value', 'NumericGreaterThan': -1}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericGreaterThan': 22}")).isFalse();
  }

  @Test
  void numericLessThanEquals() {
    assertThat(matches("{'Variable': '$.value', 'NumericLessThanEquals': 22}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericLessThanEquals': 21.99}")).isFalse();
  }

  @Test
  void numericGreaterThanEquals() {
    assertThat(matches("{'Variable': '$.value', 'NumericGreaterThanEquals': 22}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericGreaterThanEquals': 23}")).isFalse();
  }

  @Test
  void numericComparisonPathVariants() {
    assertThat(matches("{'Variable': '$.value', 'NumericEqualsPath': '$.other.value'}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericLessThanPath': '$.other.value'}")).isFalse();
    assertThat(matches("{'Variable': '$.value', 'NumericGreaterThanPath': '$.other.value'}")).isFalse();
    assertThat(matches("{'Variable': '$.value', 'NumericLessThanEqualsPath': '$.other.value'}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'NumericGreaterThanEqualsPath': '$.other.value'}")).isTrue();
  }

  // Developer guide: "Step Functions doesn't attempt to match a numeric field to a string value."
  @Test
  void numericComparisonOfAStringIsFalse() {
    assertThat(matches("{'Variable': '$.numericString', 'NumericEquals': 22}")).isFalse();
  }

  // ---- booleans

  @Test
  void booleanEquals() {
    assertThat(matches("{'Variable': '$.flag', 'BooleanEquals': true}")).isTrue();
    assertThat(matches("{'Variable': '$.flag', 'BooleanEquals': false}")).isFalse();
  }

  @Test
  void booleanEqualsPath() {
    assertThat(matches("{'Variable': '$.flag', 'BooleanEqualsPath': '$.other.flag'}")).isTrue();
  }

  @Test
  void booleanEqualsOfAStringIsFalse() {
    assertThat(matches("{'Variable': '$.type', 'BooleanEquals': true}")).isFalse();
  }

  // ---- timestamps (RFC 3339, compared as instants)

  @Test
  void timestampEquals() {
    assertThat(matches("{'Variable': '$.when', 'TimestampEquals': '2001-01-01T12:00:00Z'}")).isTrue();
    assertThat(matches("{'Variable': '$.when', 'TimestampEquals': '2001-01-01T12:00:01Z'}")).isFalse();
  }

  @Test
  void timestampEqualsComparesInstantsAcrossOffsets() {
    assertThat(matches("{'Variable': '$.later', 'TimestampEquals': '2001-01-01T12:30:00Z'}")).isTrue();
  }

  @Test
  void timestampLessThan() {
    assertThat(matches("{'Variable': '$.when', 'TimestampLessThan': '2001-01-01T12:00:00.001Z'}")).isTrue();
    assertThat(matches("{'Variable': '$.when', 'TimestampLessThan': '2001-01-01T12:00:00Z'}")).isFalse();
  }

  @Test
  void timestampGreaterThan() {
    assertThat(matches("{'Variable': '$.when', 'TimestampGreaterThan': '2000-12-31T23:59:59Z'}")).isTrue();
    assertThat(matches("{'Variable': '$.when', 'TimestampGreaterThan': '2001-01-01T12:00:00Z'}")).isFalse();
  }

  @Test
  void timestampLessThanEquals() {
    assertThat(matches("{'Variable': '$.when', 'TimestampLessThanEquals': '2001-01-01T12:00:00Z'}")).isTrue();
    assertThat(matches("{'Variable': '$.when', 'TimestampLessThanEquals': '2001-01-01T11:59:59Z'}")).isFalse();
  }

  @Test
  void timestampGreaterThanEquals() {
    assertThat(matches("{'Variable': '$.when', 'TimestampGreaterThanEquals': '2001-01-01T12:00:00Z'}")).isTrue();
    assertThat(matches("{'Variable': '$.when', 'TimestampGreaterThanEquals': '2001-01-01T12:00:01Z'}")).isFalse();
  }

  @Test
  void timestampPathVariants() {
    assertThat(matches("{'Variable': '$.when', 'TimestampEqualsPath': '$.other.when'}")).isTrue();
    assertThat(matches("{'Variable': '$.later', 'TimestampGreaterThanPath': '$.other.when'}")).isTrue();
    assertThat(matches("{'Variable': '$.later', 'TimestampLessThanPath': '$.other.when'}")).isFalse();
    assertThat(matches("{'Variable': '$.when', 'TimestampLessThanEqualsPath': '$.other.when'}")).isTrue();
    assertThat(matches("{'Variable': '$.when', 'TimestampGreaterThanEqualsPath': '$.other.when'}")).isTrue();
  }

  @Test
  void timestampComparisonOfANonTimestampIsFalse() {
    assertThat(matches("{'Variable': '$.type', 'TimestampEquals': '2001-01-01T12:00:00Z'}")).isFalse();
  }

  // Developer guide: an uppercase T and an uppercase Z are required.
  @Test
  void lowercaseTOrZIsNotATimestamp() {
    assertThat(ChoiceRule.parse(json("{'Variable': '$.t', 'IsTimestamp': true}"))
        .matches(json("{'t': '2001-01-01t12:00:00z'}"), CONTEXT)).isFalse();
  }

  // ---- type tests

  @Test
  void isNull() {
    assertThat(matches("{'Variable': '$.nothing', 'IsNull': true}")).isTrue();
    assertThat(matches("{'Variable': '$.type', 'IsNull': true}")).isFalse();
    assertThat(matches("{'Variable': '$.type', 'IsNull': false}")).isTrue();
  }

  @Test
  void isPresent() {
    assertThat(matches("{'Variable': '$.type', 'IsPresent': true}")).isTrue();
    assertThat(matches("{'Variable': '$.nothing', 'IsPresent': true}")).isTrue();
    assertThat(matches("{'Variable': '$.absent', 'IsPresent': true}")).isFalse();
    assertThat(matches("{'Variable': '$.absent', 'IsPresent': false}")).isTrue();
  }

  @Test
  void isNumeric() {
    assertThat(matches("{'Variable': '$.value', 'IsNumeric': true}")).isTrue();
    assertThat(matches("{'Variable': '$.numericString', 'IsNumeric': true}")).isFalse();
  }

  @Test
  void isString() {
    assertThat(matches("{'Variable': '$.type', 'IsString': true}")).isTrue();
    assertThat(matches("{'Variable': '$.value', 'IsString': true}")).isFalse();
  }

  @Test
  void isBoolean() {
    assertThat(matches("{'Variable': '$.flag', 'IsBoolean': true}")).isTrue();
    assertThat(matches("{'Variable': '$.type', 'IsBoolean': false}")).isTrue();
  }

  @Test
  void isTimestamp() {
    assertThat(matches("{'Variable': '$.when', 'IsTimestamp': true}")).isTrue();
    assertThat(matches("{'Variable': '$.later', 'IsTimestamp': true}")).isTrue();
    assertThat(matches("{'Variable': '$.type', 'IsTimestamp': true}")).isFalse();
  }

  // ---- boolean combinations

  @Test
  void andNeedsEveryRule() {
    assertThat(matches("{'And': [{'Variable': '$.flag', 'BooleanEquals': true},"
        + " {'Variable': '$.value', 'NumericEquals': 1}]}")).isFalse();
  }

  @Test
  void orNeedsAnyRule() {
    assertThat(matches("{'Or': [{'Variable': '$.flag', 'BooleanEquals': false},"
        + " {'Variable': '$.value', 'NumericEquals': 22}]}")).isTrue();
  }

  @Test
  void notInvertsItsRule() {
    assertThat(matches("{'Not': {'Variable': '$.flag', 'BooleanEquals': false}}")).isTrue();
  }

  @Test
  void combinationsNest() {
    assertThat(matches("{'Or': [{'Not': {'And': [{'Variable': '$.value', 'IsNumeric': true},"
        + " {'Variable': '$.type', 'StringMatches': 'Pri*'}]}}, {'Variable': '$.flag', 'BooleanEquals': false}]}"))
        .isFalse();
  }

  @Test
  void orStopsAtTheFirstMatchSoLaterAbsentVariablesDoNotFail() {
    assertThat(matches("{'Or': [{'Variable': '$.flag', 'BooleanEquals': true},"
        + " {'Variable': '$.absent', 'BooleanEquals': true}]}")).isTrue();
  }

  @Test
  void variableMayReadTheContextObject() {
    assertThat(matches("{'Variable': '$$.Execution.Name', 'StringEquals': 'run-1'}")).isTrue();
  }

  // ---- absent variables: the developer guide's "You must specify the $.type field. If the state
  // input doesn't contain the $.type field, the execution fails".

  @Test
  void absentVariableFailsWithStatesRuntime() {
    assertThatThrownBy(() -> matches("{'Variable': '$.absent', 'StringEquals': 'x'}"))
        .isInstanceOfSatisfying(StatesException.class, e -> {
          assertThat(e.error()).isEqualTo("States.Runtime");
          assertThat(e.cause()).isEqualTo(
              "Invalid path '$.absent': The choice state's condition path references an invalid value.");
        });
  }

  @Test
  void absentVariableFailsEvenForTypeTests() {
    assertThatThrownBy(() -> matches("{'Variable': '$.absent', 'IsNull': true}"))
        .isInstanceOfSatisfying(StatesException.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
  }

  @Test
  void absentComparisonPathFailsWithStatesRuntime() {
    assertThatThrownBy(() -> matches("{'Variable': '$.value', 'NumericEqualsPath': '$.absent'}"))
        .isInstanceOfSatisfying(StatesException.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
  }

  @Test
  void absentVariableInsideNotStillFails() {
    assertThatThrownBy(() -> matches("{'Not': {'Variable': '$.absent', 'StringEquals': 'x'}}"))
        .isInstanceOf(StatesException.class);
  }

  // ---- parsing

  @Test
  void parseBuildsTheRuleTree() {
    ChoiceRule rule = ChoiceRule.parse(json("{'Not': {'Variable': '$.a', 'NumericEquals': 1}, 'Next': 'X'}"));
    assertThat(rule).isEqualTo(new ChoiceRule.Not(new ChoiceRule.Comparison("$.a", "NumericEquals", json("1"))));
  }

  @Test
  void parseRejectsARuleWithTwoOperators() {
    assertThatThrownBy(() -> ChoiceRule.parse(json("{'Variable': '$.a', 'NumericEquals': 1, 'StringEquals': 'x'}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
  }

  @Test
  void parseRejectsNextInsideANestedRule() {
    assertThatThrownBy(() -> ChoiceRule.parse(json("{'Not': {'Variable': '$.a', 'IsNull': true, 'Next': 'X'}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Next");
  }
}
