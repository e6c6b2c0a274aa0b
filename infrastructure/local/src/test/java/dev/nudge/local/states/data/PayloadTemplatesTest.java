package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PayloadTemplatesTest {

  private static final JsonNode CONTEXT = json(
      "{'DayOfWeek': 'TUESDAY', 'Execution': {'Id': 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',"
          + " 'Name': 'run-1'}, 'Map': {'Item': {'Index': 2, 'Value': {'id': 'c'}}}}");

  // ASL specification, "Parameters" example: static values, ".$" paths, $$ and States.Format.
  @Test
  void specificationParametersExample() {
    JsonNode template = json("{'flagged': true, 'parts': {'first.$': '$.vals[0]', 'last3.$': '$.vals[-3:]'},"
        + " 'weekday.$': '$$.DayOfWeek'}");
    ((ObjectNode) template)
        .put("formattedOutput.$", "States.Format('Today is {}', $$.DayOfWeek)");
    JsonNode input = json("{'flagged': 7, 'vals': [0, 10, 20, 30, 40, 50]}");
    assertThat(PayloadTemplates.evaluate(template, input, CONTEXT)).isEqualTo(json(
        "{'flagged': true, 'parts': {'first': 0, 'last3': [30, 40, 50]}, 'weekday': 'TUESDAY',"
            + " 'formattedOutput': 'Today is TUESDAY'}"));
  }

  // Developer guide, "Parameters": the comment/MyDetails example.
  @Test
  void developerGuideParametersSelectNodesFromTheInput() {
    JsonNode template = json("{'comment': 'Selecting what I care about.', 'MyDetails': {"
        + "'size.$': '$.product.details.size', 'exists.$': '$.product.availability', 'StaticValue': 'foo'}}");
    JsonNode input = json("{'comment': 'Example for Parameters.', 'product': {'details': {'color': 'blue',"
        + " 'size': 'small', 'material': 'cotton'}, 'availability': 'in stock', 'sku': '2317', 'cost': '$23'}}");
    assertThat(PayloadTemplates.evaluate(template, input, CONTEXT)).isEqualTo(json(
        "{'comment': 'Selecting what I care about.', 'MyDetails': {'size': 'small', 'exists': 'in stock',"
            + " 'StaticValue': 'foo'}}"));
  }

  // Developer guide, "ResultSelector": selecting from a task's result.
  @Test
  void resultSelectorPicksFieldsOfTheResult() {
    JsonNode template = json("{'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType'}");
    JsonNode result = json("{'resourceType': 'elasticmapreduce', 'resource': 'createCluster.sync',"
        + " 'output': {'SdkHttpMetadata': {'HttpStatusCode': 200}, 'ClusterId': 'AKIAIOSFODNN7EXAMPLE'}}");
    assertThat(PayloadTemplates.evaluate(template, result, CONTEXT))
        .isEqualTo(json("{'ClusterId': 'AKIAIOSFODNN7EXAMPLE', 'ResourceType': 'elasticmapreduce'}"));
  }

  @Test
  void contextObjectFieldsAreReadWithDoubleDollar() {
    JsonNode template = json("{'execId.$': '$$.Execution.Id', 'index.$': '$$.Map.Item.Index'}");
    assertThat(PayloadTemplates.evaluate(template, json("{}"), CONTEXT)).isEqualTo(
        json("{'execId': 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1', 'index': 2}"));
  }

  @Test
  void dollarAloneCopiesTheWholeInput() {
    assertThat(PayloadTemplates.evaluate(json("{'all.$': '$'}"), json("{'a': 1}"), CONTEXT))
        .isEqualTo(json("{'all': {'a': 1}}"));
  }

  @Test
  void intrinsicFunctionValuesAreEvaluated() {
    assertThat(PayloadTemplates.evaluate(json("{'BuildId.$': 'States.Array($.Id)'}"), json("{'Id': 123456}"), CONTEXT))
        .isEqualTo(json("{'BuildId': [123456]}"));
  }

  @Test
  void templatesInsideArraysAreEvaluated() {
    JsonNode template = json("{'list': [{'v.$': '$.a'}, 'static', [{'w.$': '$.b'}]]}");
    assertThat(PayloadTemplates.evaluate(template, json("{'a': 1, 'b': 2}"), CONTEXT))
        .isEqualTo(json("{'list': [{'v': 1}, 'static', [{'w': 2}]]}"));
  }

  @Test
  void staticValuesAreCopiedVerbatimEvenWhenTheyLookLikePaths() {
    JsonNode template = json("{'path': '$.a', 'call': 'States.UUID()', 'n': 1.5, 'nothing': null}");
    assertThat(PayloadTemplates.evaluate(template, json("{'a': 1}"), CONTEXT)).isEqualTo(template);
  }

  @Test
  void scalarTemplateIsReturnedAsIs() {
    assertThat(PayloadTemplates.evaluate(json("'text'"), json("{}"), CONTEXT)).isEqualTo(json("'text'"));
  }

  @Test
  void evaluatingDoesNotChangeTheTemplateOrTheInput() {
    JsonNode template = json("{'a.$': '$.x'}");
    JsonNode input = json("{'x': {'y': 1}}");
    PayloadTemplates.evaluate(template, input, CONTEXT);
    assertThat(template).isEqualTo(json("{'a.$': '$.x'}"));
    assertThat(input).isEqualTo(json("{'x': {'y': 1}}"));
  }

  // The cause AWS reports (seen in execution histories): "The JSONPath '$.JobName' specified for
  // the field 'JobName.$' could not be found in the input '{}'".
  @Test
  void missingPathRaisesStatesRuntimeNamingTheFieldAndInput() {
    assertThatThrownBy(() -> PayloadTemplates.evaluate(json("{'JobName.$': '$.JobName'}"), json("{}"), CONTEXT))
        .isInstanceOfSatisfying(StatesException.class, e -> {
          assertThat(e.error()).isEqualTo("States.Runtime");
          assertThat(e.cause()).isEqualTo(
              "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'");
        });
  }

  @Test
  void failingIntrinsicRaisesIntrinsicFailure() {
    assertThatThrownBy(() -> PayloadTemplates.evaluate(json("{'x.$': 'States.ArrayLength($.s)'}"), json("{'s': 'a'}"), CONTEXT))
        .isInstanceOfSatisfying(StatesException.class, e -> assertThat(e.error()).isEqualTo("States.IntrinsicFailure"));
  }

  @Test
  void dynamicValueThatIsNeitherPathNorCallIsAnError() {
    assertThatThrownBy(() -> PayloadTemplates.evaluate(json("{'x.$': 'hello'}"), json("{}"), CONTEXT))
        .isInstanceOf(StatesException.class);
  }
}
