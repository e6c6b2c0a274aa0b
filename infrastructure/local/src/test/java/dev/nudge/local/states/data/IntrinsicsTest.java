package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static dev.nudge.local.states.data.Json.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Each intrinsic function, with the examples of the developer guide's "Intrinsic functions for
 * JSONPath states" page unless a test says otherwise.
 */
class IntrinsicsTest {

  private static final JsonNode CONTEXT = json("{'Execution': {'Name': 'run-1'}, 'DayOfWeek': 'TUESDAY'}");

  private static JsonNode call(String expression, JsonNode input) {
    return Intrinsics.call(expression, input, CONTEXT);
  }

  private static void assertIntrinsicFailure(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatesException.class,
        e -> assertThat(e.error()).isEqualTo("States.IntrinsicFailure"));
  }

  // ---- States.Format

  @Test
  void formatFillsPlaceholdersFromAPath() {
    JsonNode input = json("{'name': 'Arnav', 'template': 'Hello, my name is {}.'}");
    assertThat(call("States.Format('Hello, my name is {}.', $.name)", input))
        .isEqualTo(TextNode.valueOf("Hello, my name is Arnav."));
  }

  @Test
  void formatTakesItsTemplateFromAPath() {
    JsonNode input = json("{'name': 'Arnav', 'template': 'Hello, my name is {}.'}");
    assertThat(call("States.Format($.template, $.name)", input))
        .isEqualTo(TextNode.valueOf("Hello, my name is Arnav."));
  }

  @Test
  void formatReadsTheContextObject() {
    assertThat(call("States.Format('Today is {}', $$.DayOfWeek)", json("{}")))
        .isEqualTo(TextNode.valueOf("Today is TUESDAY"));
  }

  @Test
  void formatRendersNumbersBooleansAndNullAsJson() {
    assertThat(call("States.Format('{} {} {} {}', 42, 1.5, true, null)", json("{}")))
        .isEqualTo(TextNode.valueOf("42 1.5 true null"));
  }

  // Developer guide, "Reserved characters in intrinsic functions": \' \{ \} \\ are escapes.
  @Test
  void formatEscapesQuotesBracesAndBackslashes() {
    assertThat(call("States.Format('It\\'s \\{literal\\} {} \\\\ done', 'x')", json("{}")))
        .isEqualTo(TextNode.valueOf("It's {literal} x \\ done"));
  }

  @Test
  void escapedBracesAreNotAPlaceholder() {
    assertThat(call("States.Format('\\{\\}')", json("{}"))).isEqualTo(TextNode.valueOf("{}"));
  }

  @Test
  void openEscapeIsAnIntrinsicFailure() {
    assertIntrinsicFailure(() -> call("States.Format('bad \\n escape')", json("{}")));
  }

  @Test
  void formatWithMorePlaceholdersThanValuesFails() {
    assertIntrinsicFailure(() -> call("States.Format('{} and {}', 'one')", json("{}")));
  }

  @Test
  void formatWithMoreValuesThanPlaceholdersFails() {
    assertIntrinsicFailure(() -> call("States.Format('{}', 'one', 'two')", json("{}")));
  }

  @Test
  void formatTemplateFromAPathMustBeAString() {
    assertIntrinsicFailure(() -> call("States.Format($.n)", json("{'n': 1}")));
  }

  // LocalStack's parity snapshots of AWS: objects render as {k=v}, arrays as [a, b].
  @Test
  void formatRendersObjectsAndArraysAsAwsDoes() {
    assertThat(call("States.Format('{} {}', $.o, $.a)", json("{'o': {'Arg1': 1, 'Arg2': []}, 'a': ['x', 2]}")))
        .isEqualTo(TextNode.valueOf("{Arg1=1, Arg2=[]} [x, 2]"));
  }

  // The developer guide's nine-deep example, less its third '{}' (the guide's template has three
  // placeholders for two values, which AWS itself would reject).
  @Test
  void nestedCallsComposeAsInTheDeveloperGuide() {
    JsonNode input = json("{'ImageRecipe': {'Arn': 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe/1.0.0'}}");
    String expression = "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
        + "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit("
        + "States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assertThat(call(expression, input)).isEqualTo(TextNode.valueOf("1.0"));
  }

  // ---- JSON manipulation

  @Test
  void stringToJsonParsesAnEscapedJsonString() {
    JsonNode input = raw("{\"escapedJsonString\": \"{\\\"foo\\\": \\\"bar\\\"}\"}");
    assertThat(call("States.StringToJson($.escapedJsonString)", input)).isEqualTo(json("{'foo': 'bar'}"));
  }

  @Test
  void stringToJsonOfInvalidJsonFails() {
    assertIntrinsicFailure(() -> call("States.StringToJson($.s)", json("{'s': '{not json'}")));
  }

  @Test
  void stringToJsonOfANonStringFails() {
    assertIntrinsicFailure(() -> call("States.StringToJson($.s)", json("{'s': {'a': 1}}")));
  }

  @Test
  void jsonToStringSerializesTheSelectedNode() {
    assertThat(call("States.JsonToString($.unescapedJson)", json("{'unescapedJson': {'foo': 'bar'}}")))
        .isEqualTo(TextNode.valueOf("{\"foo\":\"bar\"}"));
  }

  @Test
  void jsonMergeIsShallowAndTheSecondObjectWins() {
    JsonNode input = json("{'json1': {'a': {'a1': 1, 'a2': 2}, 'b': 2}, 'json2': {'a': {'a3': 1, 'a4': 2}, 'c': 3}}");
    assertThat(call("States.JsonMerge($.json1, $.json2, false)", input))
        .isEqualTo(json("{'a': {'a3': 1, 'a4': 2}, 'b': 2, 'c': 3}"));
  }

  @Test
  void jsonMergeRejectsDeepMerging() {
    assertIntrinsicFailure(() -> call("States.JsonMerge($.a, $.b, true)", json("{'a': {}, 'b': {}}")));
  }

  @Test
  void jsonMergeRejectsNonObjects() {
    assertIntrinsicFailure(() -> call("States.JsonMerge($.a, $.b, false)", json("{'a': [], 'b': {}}")));
  }

  // ---- Arrays

  @Test
  void arrayCollectsItsArguments() {
    assertThat(call("States.Array($.Id)", json("{'Id': 123456}"))).isEqualTo(json("[123456]"));
  }

  @Test
  void arrayMixesLiteralsPathsAndCalls() {
    assertThat(call("States.Array('a', 1, true, null, $.x, States.Array())", json("{'x': {'y': 2}}")))
        .isEqualTo(json("['a', 1, true, null, {'y': 2}, []]"));
  }

  @Test
  void arrayPartitionSplitsIntoChunks() {
    assertThat(call("States.ArrayPartition($.inputArray, 4)", json("{'inputArray': [1, 2, 3, 4, 5, 6, 7, 8, 9]}")))
        .isEqualTo(json("[[1, 2, 3, 4], [5, 6, 7, 8], [9]]"));
  }

  @Test
  void arrayPartitionRejectsAZeroChunkSize() {
    assertIntrinsicFailure(() -> call("States.ArrayPartition($.a, 0)", json("{'a': [1]}")));
  }

  @Test
  void arrayContainsFindsAValue() {
    JsonNode input = json("{'inputArray': [1, 2, 3, 4, 5, 6, 7, 8, 9], 'lookingFor': 5}");
    assertThat(call("States.ArrayContains($.inputArray, $.lookingFor)", input)).isEqualTo(json("true"));
  }

  @Test
  void arrayContainsReportsAnAbsentValue() {
    assertThat(call("States.ArrayContains($.a, 'z')", json("{'a': ['x', 'y']}"))).isEqualTo(json("false"));
  }

  @Test
  void arrayContainsComparesObjectsByValue() {
    assertThat(call("States.ArrayContains($.a, $.b)", json("{'a': [{'k': 1, 'j': 2}], 'b': {'j': 2, 'k': 1}}")))
        .isEqualTo(json("true"));
  }

  @Test
  void arrayRangeCountsByTheStep() {
    assertThat(call("States.ArrayRange(1, 9, 2)", json("{}"))).isEqualTo(json("[1, 3, 5, 7, 9]"));
  }

  @Test
  void arrayRangeCountsDownWithANegativeStep() {
    assertThat(call("States.ArrayRange(5, 1, -2)", json("{}"))).isEqualTo(json("[5, 3, 1]"));
  }

  @Test
  void arrayRangeRejectsAZeroStep() {
    assertIntrinsicFailure(() -> call("States.ArrayRange(1, 9, 0)", json("{}")));
  }

  @Test
  void arrayRangeRejectsMoreThanAThousandItems() {
    assertIntrinsicFailure(() -> call("States.ArrayRange(1, 1001, 1)", json("{}")));
  }

  @Test
  void arrayRangeAllowsExactlyAThousandItems() {
    assertThat(call("States.ArrayRange(1, 1000, 1)", json("{}")).size()).isEqualTo(1000);
  }

  @Test
  void arrayRangeRejectsNonIntegers() {
    assertIntrinsicFailure(() -> call("States.ArrayRange(1.5, 9, 1)", json("{}")));
  }

  @Test
  void arrayGetItemReturnsTheElementAtTheIndex() {
    JsonNode input = json("{'inputArray': [1, 2, 3, 4, 5, 6, 7, 8, 9], 'index': 5}");
    assertThat(call("States.ArrayGetItem($.inputArray, $.index)", input)).isEqualTo(json("6"));
  }

  @Test
  void arrayGetItemPastTheEndFails() {
    assertIntrinsicFailure(() -> call("States.ArrayGetItem($.a, 3)", json("{'a': [1, 2, 3]}")));
  }

  @Test
  void arrayLengthCountsTheElements() {
    assertThat(call("States.ArrayLength($.inputArray)", json("{'inputArray': [1, 2, 3, 4, 5, 6, 7, 8, 9]}")))
        .isEqualTo(json("9"));
  }

  @Test
  void arrayLengthOfANonArrayFails() {
    assertIntrinsicFailure(() -> call("States.ArrayLength($.s)", json("{'s': 'abc'}")));
  }

  @Test
  void arrayUniqueRemovesDuplicatesKeepingFirstOccurrences() {
    assertThat(call("States.ArrayUnique($.inputArray)", json("{'inputArray': [1, 2, 3, 3, 3, 3, 3, 3, 4]}")))
        .isEqualTo(json("[1, 2, 3, 4]"));
  }

  // ---- Encoding, hashing

  @Test
  void base64EncodeEncodesUtf8() {
    assertThat(call("States.Base64Encode($.input)", json("{'input': 'Data to encode'}")))
        .isEqualTo(TextNode.valueOf("RGF0YSB0byBlbmNvZGU="));
  }

  @Test
  void base64DecodeDecodesToText() {
    assertThat(call("States.Base64Decode($.base64)", json("{'base64': 'RGF0YSB0byBlbmNvZGU='}")))
        .isEqualTo(TextNode.valueOf("Data to encode"));
  }

  @Test
  void base64DecodeOfInvalidBase64Fails() {
    assertIntrinsicFailure(() -> call("States.Base64Decode('%%%')", json("{}")));
  }

  @Test
  void base64EncodeRejectsMoreThanTenThousandCharacters() {
    JsonNode input = json("{'s': '" + "a".repeat(10_001) + "'}");
    assertIntrinsicFailure(() -> call("States.Base64Encode($.s)", input));
  }

  @Test
  void hashComputesSha1InHex() {
    JsonNode input = json("{'Data': 'input data', 'Algorithm': 'SHA-1'}");
    assertThat(call("States.Hash($.Data, $.Algorithm)", input))
        .isEqualTo(TextNode.valueOf("aaff4a450a104cd177d28d18d74485e8cae074b7"));
  }

  @Test
  void hashSupportsMd5AndTheShaFamily() {
    assertThat(call("States.Hash('', 'MD5')", json("{}"))).isEqualTo(TextNode.valueOf("d41d8cd98f00b204e9800998ecf8427e"));
    assertThat(call("States.Hash('', 'SHA-256')", json("{}")))
        .isEqualTo(TextNode.valueOf("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assertThat(call("States.Hash('', 'SHA-384')", json("{}")).textValue()).hasSize(96);
    assertThat(call("States.Hash('', 'SHA-512')", json("{}")).textValue()).hasSize(128);
  }

  @Test
  void hashRejectsAnUnknownAlgorithm() {
    assertIntrinsicFailure(() -> call("States.Hash('x', 'SHA-3')", json("{}")));
  }

  // ---- Math

  @Test
  void mathAddAddsTwoIntegers() {
    assertThat(call("States.MathAdd($.value1, $.step)", json("{'value1': 111, 'step': -1}"))).isEqualTo(json("110"));
  }

  @Test
  void mathAddRoundsNonIntegers() {
    assertThat(call("States.MathAdd(1.6, 1)", json("{}")).asLong()).isEqualTo(3);
  }

  @Test
  void mathAddRejectsValuesOutsideTheIntegerRange() {
    assertIntrinsicFailure(() -> call("States.MathAdd(2147483648, 1)", json("{}")));
  }

  @Test
  void mathAddRejectsStrings() {
    assertIntrinsicFailure(() -> call("States.MathAdd('1', 1)", json("{}")));
  }

  @Test
  void mathRandomStaysWithinStartInclusiveAndEndExclusive() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      long value = call("States.MathRandom($.start, $.end)", json("{'start': 1, 'end': 4}")).asLong();
      assertThat(value).isBetween(1L, 3L);
      seen.add(value);
    }
    assertThat(seen).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void mathRandomWithASeedIsDeterministic() {
    JsonNode first = call("States.MathRandom(1, 999, 1234)", json("{}"));
    for (int i = 0; i < 10; i++) {
      assertThat(call("States.MathRandom(1, 999, 1234)", json("{}"))).isEqualTo(first);
    }
  }

  @Test
  void mathRandomRejectsAnEmptyRange() {
    assertIntrinsicFailure(() -> call("States.MathRandom(5, 5)", json("{}")));
  }

  // ---- Strings, ids

  @Test
  void stringSplitSplitsOnTheDelimiter() {
    assertThat(call("States.StringSplit($.inputString, $.splitter)", json("{'inputString': '1,2,3,4,5', 'splitter': ','}")))
        .isEqualTo(json("['1', '2', '3', '4', '5']"));
  }

  @Test
  void stringSplitTreatsEachDelimiterCharacterAsASeparator() {
    JsonNode input = json("{'inputString': 'This.is+a,test=string', 'splitter': '.+,='}");
    assertThat(call("States.StringSplit($.inputString, $.splitter)", input))
        .isEqualTo(json("['This', 'is', 'a', 'test', 'string']"));
  }

  @Test
  void uuidIsARandomVersion4Uuid() {
    String first = call("States.UUID()", json("{}")).textValue();
    String second = call("States.UUID()", json("{}")).textValue();
    assertThat(UUID.fromString(first).version()).isEqualTo(4);
    assertThat(first).isNotEqualTo(second);
  }

  // ---- Syntax and failures

  @Test
  void unknownFunctionIsAnIntrinsicFailure() {
    assertIntrinsicFailure(() -> call("States.Compare($.a, $.b)", json("{'a': 1, 'b': 2}")));
  }

  @Test
  void wrongArgumentCountIsAnIntrinsicFailure() {
    assertIntrinsicFailure(() -> call("States.ArrayLength($.a, $.b)", json("{'a': [], 'b': []}")));
  }

  @Test
  void unterminatedCallIsAnIntrinsicFailure() {
    assertIntrinsicFailure(() -> call("States.Array(1, 2", json("{}")));
  }

  @Test
  void missingPathArgumentIsAStatesRuntimeError() {
    assertThatThrownBy(() -> call("States.Array($.missing)", json("{}")))
        .isInstanceOfSatisfying(StatesException.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
  }

  @Test
  void pathArgumentsMayContainFiltersWithCommasAndParentheses() {
    JsonNode input = json("{'items': [{'k': 'a,b', 'v': 1}, {'k': 'c', 'v': 2}]}");
    assertThat(call("States.Array($.items[?(@.k == 'a,b')].v, 'x')", input)).isEqualTo(json("[[1], 'x']"));
  }

  @Test
  void whitespaceBetweenArgumentsIsIgnored() {
    assertThat(call("States.Array( 1 ,  'two' )", json("{}"))).isEqualTo(json("[1, 'two']"));
  }
}
