package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The developer guide's input and output processing examples, run through the data layer in
 * AWS's order: InputPath, Parameters, (the task), ResultSelector, ResultPath, OutputPath.
 */
class InputOutputExamplesTest {

  private static final JsonNode CONTEXT = json("{'Execution': {'Name': 'run-1'}}");

  /** One state's processing with the given fields (null = absent) around a task. */
  private static JsonNode process(JsonNode rawInput, String inputPath, JsonNode parameters,
      UnaryOperator<JsonNode> task, JsonNode resultSelector, String resultPath, String outputPath) {
    JsonNode effective = JsonPaths.read(inputPath == null ? "$" : inputPath, rawInput, CONTEXT);
    if (parameters != null) {
      effective = PayloadTemplates.evaluate(parameters, effective, CONTEXT);
    }
    JsonNode result = task.apply(effective);
    if (resultSelector != null) {
      result = PayloadTemplates.evaluate(resultSelector, result, CONTEXT);
    }
    JsonNode combined = JsonPaths.applyResultPath(resultPath, rawInput, result, false);
    return JsonPaths.read(outputPath == null ? "$" : outputPath, combined, CONTEXT);
  }

  // "InputPath and Parameters": InputPath "$.dataset2".
  @Test
  void inputPathSelectsDataset2() {
    JsonNode input = json("{'comment': 'Example for InputPath.', 'dataset1': {'val1': 1, 'val2': 2, 'val3': 3},"
        + " 'dataset2': {'val1': 'a', 'val2': 'b', 'val3': 'c'}}");
    assertThat(JsonPaths.read("$.dataset2", input, CONTEXT)).isEqualTo(json("{'val1': 'a', 'val2': 'b', 'val3': 'c'}"));
  }

  // "InputPath, ResultPath and OutputPath Example": the HelloWorld task.
  @Test
  void helloWorldTaskKeepsOnlyTheDataNodeWithTheLambdaResult() {
    JsonNode input = json("{'comment': 'An input comment.', 'data': {'val1': 23, 'val2': 17}, 'extra': 'foo',"
        + " 'lambda': {'who': 'AWS Step Functions'}}");
    JsonNode[] taskInput = new JsonNode[1];
    JsonNode output = process(input, "$.lambda", null, in -> {
      taskInput[0] = in;
      return TextNode.valueOf("Hello, " + in.get("who").textValue() + "!");
    }, null, "$.data.lambdaresult", "$.data");
    assertThat(taskInput[0]).isEqualTo(json("{'who': 'AWS Step Functions'}"));
    assertThat(output).isEqualTo(json("{'val1': 23, 'val2': 17, 'lambdaresult': 'Hello, AWS Step Functions!'}"));
  }

  // "Input and Output Processing": InputPath $.numbers, ResultPath $.sum, OutputPath $.
  @Test
  void numbersToAddKeepsTheInputAndAddsTheSum() {
    JsonNode input = json("{'title': 'Numbers to add', 'numbers': {'val1': 3, 'val2': 4}}");
    JsonNode output = process(input, "$.numbers", null, InputOutputExamplesTest::sum, null, "$.sum", "$");
    assertThat(output).isEqualTo(json("{'title': 'Numbers to add', 'numbers': {'val1': 3, 'val2': 4}, 'sum': 7}"));
  }

  // Same page: OutputPath $.sum makes the state output just 7.
  @Test
  void numbersToAddWithOutputPathSumOutputsSeven() {
    JsonNode input = json("{'numbers': {'val1': 3, 'val2': 4}}");
    JsonNode output = process(input, "$.numbers", null, InputOutputExamplesTest::sum, null, "$.sum", "$.sum");
    assertThat(output).isEqualTo(json("7"));
  }

  // "ResultSelector": the result is reshaped before ResultPath places it in the input.
  @Test
  void resultSelectorThenResultPathNestsTheSelectedResult() {
    JsonNode input = json("{'cluster': 'mine'}");
    JsonNode selector = json("{'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType'}");
    JsonNode output = process(input, null, null,
        in -> json("{'resourceType': 'elasticmapreduce', 'output': {'ClusterId': 'AKIAIOSFODNN7EXAMPLE'}}"),
        selector, "$.EMROutput", null);
    assertThat(output).isEqualTo(json(
        "{'cluster': 'mine', 'EMROutput': {'ClusterId': 'AKIAIOSFODNN7EXAMPLE', 'ResourceType': 'elasticmapreduce'}}"));
  }

  // Parameters see the InputPath-filtered input, ResultPath writes into the raw input.
  @Test
  void parametersApplyToTheFilteredInputWhileResultPathUsesTheRawInput() {
    JsonNode input = json("{'order': {'id': 'o-1', 'total': 12}, 'customer': 'c-9'}");
    JsonNode parameters = json("{'orderId.$': '$.id', 'kind': 'receipt'}");
    JsonNode[] taskInput = new JsonNode[1];
    JsonNode output = process(input, "$.order", parameters, in -> {
      taskInput[0] = in;
      return json("{'sent': true}");
    }, null, "$.receipt", null);
    assertThat(taskInput[0]).isEqualTo(json("{'orderId': 'o-1', 'kind': 'receipt'}"));
    assertThat(output).isEqualTo(json("{'order': {'id': 'o-1', 'total': 12}, 'customer': 'c-9', 'receipt': {'sent': true}}"));
  }

  private static JsonNode sum(JsonNode numbers) {
    return json(String.valueOf(numbers.get("val1").asInt() + numbers.get("val2").asInt()));
  }
}
