package dev.nudge.local.states.data;

import static dev.nudge.local.states.data.Json.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/**
 * A throughput harness for the data layer (not a test: timings vary by machine). Run with
 * <pre>
 * mvn -B -q -o test-compile -pl infrastructure/local \
 *   &amp;&amp; mvn -B -q -o dependency:build-classpath -pl infrastructure/local -Dmdep.outputFile=/tmp/cp.txt \
 *   &amp;&amp; java -cp infrastructure/local/target/test-classes:infrastructure/local/target/classes:$(cat /tmp/cp.txt) \
 *        dev.nudge.local.states.data.DataLayerBenchmark
 * </pre>
 */
public final class DataLayerBenchmark {

  private static volatile Object sink;

  private DataLayerBenchmark() {}

  public static void main(String[] args) {
    JsonNode input = json("{'contact': {'id': 'c-1', 'email': 'x@example.com', 'tags': ['a', 'b', 'c']},"
        + " 'journey': {'step': 3, 'sentAt': '2026-01-01T10:00:00Z'}, 'items': [{'v': 1}, {'v': 2}, {'v': 3}]}");
    JsonNode context = json("{'Execution': {'Id': 'arn:exec', 'Name': 'run'}, 'State': {'Name': 'S'}}");
    ObjectNode template = (ObjectNode) json("{'FunctionName': 'send', 'Payload': {'contactId.$': '$.contact.id',"
        + " 'step.$': '$.journey.step', 'exec.$': '$$.Execution.Id', 'static': true}}");
    template.with("Payload").put("subject.$", "States.Format('Step {} for {}', $.journey.step, $.contact.id)");
    ChoiceRule rule = ChoiceRule.parse(json("{'And': [{'Variable': '$.journey.step', 'NumericGreaterThan': 2},"
        + " {'Variable': '$.contact.tags[0]', 'StringEquals': 'a'},"
        + " {'Variable': '$.journey.sentAt', 'TimestampLessThan': '2026-02-01T00:00:00Z'}]}"));

    run("JsonPaths.read definite", () -> JsonPaths.read("$.contact.tags[1]", input, context));
    run("JsonPaths.read filter", () -> JsonPaths.read("$.items[?(@.v > 1)].v", input, context));
    run("JsonPaths.applyResultPath", () -> JsonPaths.applyResultPath("$.result.last", input, json("1"), false));
    run("PayloadTemplates.evaluate (5 fields)", () -> PayloadTemplates.evaluate(template, input, context));
    run("Intrinsics.call Format", () -> Intrinsics.call("States.Format('{}-{}', $.contact.id, $.journey.step)", input, context));
    run("ChoiceRule.matches (And of 3)", () -> rule.matches(input, context));
  }

  private static void run(String name, Supplier<Object> operation) {
    for (int i = 0; i < 200_000; i++) {
      sink = operation.get(); // warm-up for the JIT
    }
    int n = 1_000_000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink = operation.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%-40s %,12.0f ops/s%n", name, n / seconds);
  }
}
