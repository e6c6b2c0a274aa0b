package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/** ResultPath, after the developer guide's "ResultPath" page and the ASL specification. */
class ResultPathTest {

  private static final JsonNode LAMBDA_INPUT = json(
      "{'comment': 'This is a test of the input and output of a Task state.',"
          + " 'details': 'Default example', 'who': 'AWS Step Functions'}");
  private static final JsonNode HELLO = TextNode.valueOf("Hello, AWS Step Functions!");

  @Test
  void absentResultPathReplacesTheInputWithTheResult() {
    assertThat(JsonPaths.applyResultPath(null, LAMBDA_INPUT, HELLO, false)).isEqualTo(HELLO);
  }

  @Test
  void dollarReplacesTheInputWithTheResult() {
    assertThat(JsonPaths.applyResultPath("$", LAMBDA_INPUT, HELLO, false)).isEqualTo(HELLO);
  }

  @Test
  void newFieldIncludesTheResultWithTheInput() {
    assertThat(JsonPaths.applyResultPath("$.taskresult", LAMBDA_INPUT, HELLO, false)).isEqualTo(json(
        "{'comment': 'This is a test of the input and output of a Task state.',"
            + " 'details': 'Default example', 'who': 'AWS Step Functions',"
            + " 'taskresult': 'Hello, AWS Step Functions!'}"));
  }

  @Test
  void childPathInsertsTheResultIntoAnExistingObject() {
    JsonNode input = json("{'comment': 'An input comment.',"
        + " 'strings': {'string1': 'foo', 'string2': 'bar', 'string3': 'baz'}, 'who': 'AWS Step Functions'}");
    assertThat(JsonPaths.applyResultPath("$.strings.lambdaresult", input, HELLO, false)).isEqualTo(json(
        "{'comment': 'An input comment.', 'strings': {'string1': 'foo', 'string2': 'bar', 'string3': 'baz',"
            + " 'lambdaresult': 'Hello, AWS Step Functions!'}, 'who': 'AWS Step Functions'}"));
  }

  @Test
  void existingFieldIsOverwrittenByTheResult() {
    assertThat(JsonPaths.applyResultPath("$.comment", LAMBDA_INPUT, HELLO, false)).isEqualTo(json(
        "{'comment': 'Hello, AWS Step Functions!', 'details': 'Default example', 'who': 'AWS Step Functions'}"));
  }

  // Developer guide, "Include Error and Input in a Catch".
  @Test
  void catchResultPathKeepsTheInputBesideTheError() {
    assertThat(JsonPaths.applyResultPath("$.error", json("{'foo': 'bar'}"), json("{'Error': 'Error here'}"), false))
        .isEqualTo(json("{'foo': 'bar', 'error': {'Error': 'Error here'}}"));
  }

  @Test
  void nullResultPathDiscardsTheResultAndPassesTheInput() {
    assertThat(JsonPaths.applyResultPath(null, LAMBDA_INPUT, HELLO, true)).isEqualTo(LAMBDA_INPUT);
  }

  // ASL specification, "ResultPath": {"master": {"detail": [1, 2, 3]}} with result 6.
  @Test
  void specExampleOverwritesTheDetailField() {
    assertThat(JsonPaths.applyResultPath("$.master.detail", json("{'master': {'detail': [1, 2, 3]}}"),
        json("6"), false)).isEqualTo(json("{'master': {'detail': 6}}"));
  }

  @Test
  void specExampleCreatesIntermediateObjects() {
    assertThat(JsonPaths.applyResultPath("$.master.result.sum", json("{'master': {'detail': [1, 2, 3]}}"),
        json("6"), false)).isEqualTo(json("{'master': {'detail': [1, 2, 3], 'result': {'sum': 6}}}"));
  }

  // Developer guide, "Input and Output Processing": InputPath $.numbers, ResultPath $.sum, task returns 7.
  @Test
  void sumExampleAddsTheResultBesideTheNumbers() {
    JsonNode input = json("{'title': 'Numbers to add', 'numbers': {'val1': 3, 'val2': 4}}");
    assertThat(JsonPaths.applyResultPath("$.sum", input, json("7"), false))
        .isEqualTo(json("{'title': 'Numbers to add', 'numbers': {'val1': 3, 'val2': 4}, 'sum': 7}"));
  }

  @Test
  void bracketStepsWriteLikeDotSteps() {
    assertThat(JsonPaths.applyResultPath("$['a']['b c']", json("{}"), json("1"), false))
        .isEqualTo(json("{'a': {'b c': 1}}"));
  }

  @Test
  void arrayIndexOverwritesAnExistingElement() {
    assertThat(JsonPaths.applyResultPath("$.list[1]", json("{'list': [1, 2, 3]}"), json("'x'"), false))
        .isEqualTo(json("{'list': [1, 'x', 3]}"));
  }

  @Test
  void theInputIsNotModified() {
    JsonNode input = json("{'a': 1}");
    JsonPaths.applyResultPath("$.b", input, json("2"), false);
    assertThat(input).isEqualTo(json("{'a': 1}"));
  }

  @Test
  void writingIntoAScalarFieldFailsWithResultPathMatchFailure() {
    assertThatThrownBy(() -> JsonPaths.applyResultPath("$.a.b", json("{'a': 1}"), json("2"), false))
        .isInstanceOfSatisfying(StatesException.class, e -> {
          assertThat(e.error()).isEqualTo("States.ResultPathMatchFailure");
          assertThat(e.cause()).isEqualTo("Unable to apply step \"b\" to input {\"a\":1}");
        });
  }

  // An array input (e.g. a raw SQS batch) cannot take a field.
  @Test
  void writingAFieldIntoAnArrayInputFailsWithResultPathMatchFailure() {
    assertThatThrownBy(() -> JsonPaths.applyResultPath("$.result", json("[1, 2]"), json("2"), false))
        .isInstanceOfSatisfying(StatesException.class,
            e -> assertThat(e.error()).isEqualTo("States.ResultPathMatchFailure"));
  }

  @Test
  void writingAFieldIntoAStringInputFailsWithResultPathMatchFailure() {
    assertThatThrownBy(() -> JsonPaths.applyResultPath("$.a", json("'text'"), json("2"), false))
        .isInstanceOfSatisfying(StatesException.class,
            e -> assertThat(e.error()).isEqualTo("States.ResultPathMatchFailure"));
  }

  @Test
  void writingPastTheEndOfAnArrayFailsWithResultPathMatchFailure() {
    assertThatThrownBy(() -> JsonPaths.applyResultPath("$.list[3]", json("{'list': [1, 2, 3]}"), json("2"), false))
        .isInstanceOfSatisfying(StatesException.class,
            e -> assertThat(e.error()).isEqualTo("States.ResultPathMatchFailure"));
  }
}
