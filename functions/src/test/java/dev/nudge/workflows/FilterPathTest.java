package dev.nudge.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** Filter paths reach the contact's per-event-type counters, whose keys contain dots. */
class FilterPathTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode contact(String json) throws Exception {
    return JSON.readTree(json);
  }

  private static Filter where(String yaml) throws Exception {
    return WorkflowParser.parseFilter(YAML.readTree(yaml));
  }

  @Test
  void aCounterOfADottedEventTypeIsReachedByItsDottedPath() throws Exception {
    JsonNode first = contact("{\"events\":{\"order.completed\":{\"count\":1},\"page.viewed\":{\"count\":7}}}");
    JsonNode second = contact("{\"events\":{\"order.completed\":{\"count\":2}}}");

    Filter firstPurchase = where("events.order.completed.count: 1");

    assertThat(firstPurchase.matches(first)).isTrue();
    assertThat(firstPurchase.matches(second)).isFalse();
  }

  @Test
  void aContactWithoutTheEventHasNoCounterToCompare() throws Exception {
    assertThat(where("events.order.completed.count: { gte: 1 }").matches(contact("{\"events\":{}}"))).isFalse();
  }

  @Test
  void plainNestedPathsStillResolvePartByPart() throws Exception {
    assertThat(Filter.resolve(contact("{\"properties\":{\"cart\":{\"total\":42}}}"), "properties.cart.total"))
        .hasValueSatisfying(v -> assertThat(v.asInt()).isEqualTo(42));
    assertThat(Filter.resolve(contact("{\"properties\":{\"cart\":{\"total\":42}}}"), "properties.cart.missing")).isEmpty();
  }
}
