package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class JsonPathsTest {

  // Developer guide, "Paths" / "Reference Paths": the foo/bar/car example.
  private static final JsonNode REFERENCE_EXAMPLE =
      json("{'foo': 123, 'bar': ['a', 'b', 'c'], 'car': {'cdr': true}}");
  private static final JsonNode CONTEXT =
      json("{'Execution': {'Id': 'arn:exec', 'Name': 'run-1'}, 'State': {'Name': 'First'}}");

  @Test
  void dollarSelectsTheWholeInput() {
    assertThat(JsonPaths.read("$", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(REFERENCE_EXAMPLE);
  }

  @Test
  void readsANumberField() {
    assertThat(JsonPaths.read("$.foo", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(json("123"));
  }

  @Test
  void readsAnArrayField() {
    assertThat(JsonPaths.read("$.bar", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(json("['a', 'b', 'c']"));
  }

  @Test
  void readsANestedField() {
    assertThat(JsonPaths.read("$.car.cdr", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(json("true"));
  }

  @Test
  void readsWithBracketNotation() {
    assertThat(JsonPaths.read("$['car']['cdr']", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(json("true"));
  }

  @Test
  void readsAnArrayIndex() {
    assertThat(JsonPaths.read("$.bar[1]", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(TextNode.valueOf("b"));
  }

  @Test
  void bracketNameMayContainDots() {
    assertThat(JsonPaths.read("$['a.b']", json("{'a.b': 1, 'a': {'b': 2}}"), CONTEXT)).isEqualTo(json("1"));
  }

  @Test
  void negativeIndexCountsFromTheEnd() {
    assertThat(JsonPaths.read("$.bar[-1]", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(TextNode.valueOf("c"));
  }

  @Test
  void readsANullValueAsNull() {
    assertThat(JsonPaths.read("$.a", json("{'a': null}"), CONTEXT)).isEqualTo(NullNode.getInstance());
  }

  @Test
  void doubleDollarReadsTheContextObject() {
    assertThat(JsonPaths.read("$$.Execution.Name", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(TextNode.valueOf("run-1"));
  }

  @Test
  void doubleDollarAloneIsTheWholeContextObject() {
    assertThat(JsonPaths.read("$$", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(CONTEXT);
  }

  // Developer guide, "Input and Output Processing": $.a[0:2] on {"a": [1, 2, 3, 4]} yields [1, 2].
  @Test
  void sliceYieldsASelectionOfValues() {
    assertThat(JsonPaths.read("$.a[0:2]", json("{'a': [1, 2, 3, 4]}"), CONTEXT)).isEqualTo(json("[1, 2]"));
  }

  // ASL specification, "Parameters": "$.vals[-3:]" selects the last three values.
  @Test
  void negativeSliceSelectsFromTheEnd() {
    assertThat(JsonPaths.read("$.vals[-3:]", json("{'vals': [0, 10, 20, 30, 40, 50]}"), CONTEXT))
        .isEqualTo(json("[30, 40, 50]"));
  }

  @Test
  void wildcardCollectsEveryElementsField() {
    JsonNode input = json("{'items': [{'id': 1}, {'id': 2}, {'id': 3}]}");
    assertThat(JsonPaths.read("$.items[*].id", input, CONTEXT)).isEqualTo(json("[1, 2, 3]"));
  }

  @Test
  void filterSelectsMatchingElements() {
    JsonNode input = json("{'items': [{'id': 1, 'ok': true}, {'id': 2, 'ok': false}, {'id': 3, 'ok': true}]}");
    assertThat(JsonPaths.read("$.items[?(@.ok == true)].id", input, CONTEXT)).isEqualTo(json("[1, 3]"));
  }

  @Test
  void filterWithNoMatchYieldsAnEmptyArray() {
    JsonNode input = json("{'items': [{'price': 5}]}");
    assertThat(JsonPaths.read("$.items[?(@.price > 10)]", input, CONTEXT)).isEqualTo(json("[]"));
  }

  // The cause text is AWS's, e.g. "Invalid path '$.foo' : No results for path: $['foo']".
  @Test
  void missingFieldRaisesStatesRuntimeWithAwsCause() {
    assertThatThrownBy(() -> JsonPaths.read("$.missing", REFERENCE_EXAMPLE, CONTEXT))
        .isInstanceOfSatisfying(StatesException.class, e -> {
          assertThat(e.error()).isEqualTo("States.Runtime");
          assertThat(e.cause()).isEqualTo("Invalid path '$.missing' : No results for path: $['missing']");
        });
  }

  @Test
  void missingContextFieldRaisesStatesRuntime() {
    assertThatThrownBy(() -> JsonPaths.read("$$.Task.Token", REFERENCE_EXAMPLE, CONTEXT))
        .isInstanceOfSatisfying(StatesException.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
  }

  @Test
  void fieldOfAScalarRaisesStatesRuntime() {
    assertThatThrownBy(() -> JsonPaths.read("$.foo.bar", REFERENCE_EXAMPLE, CONTEXT))
        .isInstanceOfSatisfying(StatesException.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
  }

  // Jayway (which AWS follows) yields null, not "no results", for an index past the end.
  @Test
  void indexPastTheEndReadsAsNull() {
    assertThat(JsonPaths.read("$.bar[7]", REFERENCE_EXAMPLE, CONTEXT)).isEqualTo(NullNode.getInstance());
  }

  @Test
  void readingDoesNotChangeTheInput() {
    JsonNode input = json("{'a': {'b': 1}}");
    JsonPaths.read("$.a", input, CONTEXT);
    assertThat(input).isEqualTo(json("{'a': {'b': 1}}"));
  }

  @Test
  void dotAndBracketPathsAreReferencePaths() {
    assertThat(JsonPaths.isDefinite("$")).isTrue();
    assertThat(JsonPaths.isDefinite("$.foo")).isTrue();
    assertThat(JsonPaths.isDefinite("$.car.cdr")).isTrue();
    assertThat(JsonPaths.isDefinite("$['car']['cdr']")).isTrue();
    assertThat(JsonPaths.isDefinite("$.bar[0]")).isTrue();
    assertThat(JsonPaths.isDefinite("$$.Execution.Id")).isTrue();
  }

  // Developer guide, "Reference Paths": the operators @ .. , : ? * and functions are not supported.
  @Test
  void wildcardsSlicesFiltersDeepScansAndFunctionsAreNotReferencePaths() {
    assertThat(JsonPaths.isDefinite("$.bar[*]")).isFalse();
    assertThat(JsonPaths.isDefinite("$.*")).isFalse();
    assertThat(JsonPaths.isDefinite("$.bar[0:2]")).isFalse();
    assertThat(JsonPaths.isDefinite("$.bar[0,1]")).isFalse();
    assertThat(JsonPaths.isDefinite("$.items[?(@.ok)]")).isFalse();
    assertThat(JsonPaths.isDefinite("$..foo")).isFalse();
    assertThat(JsonPaths.isDefinite("$.bar.length()")).isFalse();
  }

  @Test
  void pathsNotStartingWithDollarAreNotReferencePaths() {
    assertThat(JsonPaths.isDefinite("foo")).isFalse();
    assertThat(JsonPaths.isDefinite("")).isFalse();
    assertThat(JsonPaths.isDefinite("$.")).isFalse();
    assertThat(JsonPaths.isDefinite("$.foo[")).isFalse();
  }
}
