package dev.nudge.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EventPatternTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static boolean matches(String pattern, String event) throws Exception {
    return EventPattern.of(JSON.readTree(pattern)).matches(JSON.readTree(event));
  }

  @Test
  void matchesExactValuesAndAnyElementOfAnArray() throws Exception {
    assertThat(matches("{\"source\":[\"aws.ses\"]}", "{\"source\":\"aws.ses\"}")).isTrue();
    assertThat(matches("{\"source\":[\"aws.ses\"]}", "{\"source\":\"shop\"}")).isFalse();
    assertThat(matches("{\"detail\":{\"tags\":[\"vip\"]}}", "{\"detail\":{\"tags\":[\"new\",\"vip\"]}}")).isTrue();
  }

  @Test
  void requiresEveryFieldOfThePatternNested() throws Exception {
    String pattern = "{\"source\":[\"shop\"],\"detail\":{\"state\":[\"paid\"]}}";
    assertThat(matches(pattern, "{\"source\":\"shop\",\"detail\":{\"state\":\"paid\"}}")).isTrue();
    assertThat(matches(pattern, "{\"source\":\"shop\",\"detail\":{\"state\":\"open\"}}")).isFalse();
    assertThat(matches(pattern, "{\"source\":\"shop\"}")).isFalse();
  }

  @Test
  void matchesPrefixSuffixAndEqualsIgnoreCase() throws Exception {
    assertThat(matches("{\"d\":[{\"prefix\":\"Email \"}]}", "{\"d\":\"Email Opened\"}")).isTrue();
    assertThat(matches("{\"d\":[{\"prefix\":\"Email \"}]}", "{\"d\":\"SMS Sent\"}")).isFalse();
    assertThat(matches("{\"f\":[{\"suffix\":\".png\"}]}", "{\"f\":\"a.png\"}")).isTrue();
    assertThat(matches("{\"n\":[{\"equals-ignore-case\":\"ANA\"}]}", "{\"n\":\"ana\"}")).isTrue();
  }

  @Test
  void matchesAnythingButValuesAndPrefixes() throws Exception {
    assertThat(matches("{\"c\":[{\"anything-but\":[\"XX\",\"YY\"]}]}", "{\"c\":\"PL\"}")).isTrue();
    assertThat(matches("{\"c\":[{\"anything-but\":[\"XX\",\"YY\"]}]}", "{\"c\":\"YY\"}")).isFalse();
    assertThat(matches("{\"c\":[{\"anything-but\":{\"prefix\":\"test-\"}}]}", "{\"c\":\"test-1\"}")).isFalse();
    assertThat(matches("{\"c\":[{\"anything-but\":{\"prefix\":\"test-\"}}]}", "{\"c\":\"prod\"}")).isTrue();
  }

  @Test
  void matchesNumericRanges() throws Exception {
    String pattern = "{\"t\":[{\"numeric\":[\">\",0,\"<=\",5]}]}";
    assertThat(matches(pattern, "{\"t\":5}")).isTrue();
    assertThat(matches(pattern, "{\"t\":0}")).isFalse();
    assertThat(matches(pattern, "{\"t\":\"3\"}")).isFalse();
  }

  @Test
  void matchesExistsTrueAndFalse() throws Exception {
    assertThat(matches("{\"c\":[{\"exists\":false}]}", "{\"x\":1}")).isTrue();
    assertThat(matches("{\"c\":[{\"exists\":false}]}", "{\"c\":1}")).isFalse();
    assertThat(matches("{\"c\":[{\"exists\":true}]}", "{\"c\":\"v\"}")).isTrue();
  }

  @Test
  void matchesWildcardAndOr() throws Exception {
    assertThat(matches("{\"p\":[{\"wildcard\":\"*/cart/*\"}]}", "{\"p\":\"/eu/cart/1\"}")).isTrue();
    assertThat(matches("{\"$or\":[{\"a\":[1]},{\"b\":[2]}]}", "{\"b\":2}")).isTrue();
    assertThat(matches("{\"$or\":[{\"a\":[1]},{\"b\":[2]}]}", "{\"b\":3}")).isFalse();
  }

  @Test
  void rejectsAPatternWhoseValuesAreNotArrays() {
    assertThatThrownBy(() -> EventPattern.of(JSON.readTree("{\"source\":\"aws.ses\"}")))
        .hasMessageContaining("source");
  }

  @Test
  void rejectsAnUnknownMatcher() {
    assertThatThrownBy(() -> EventPattern.of(JSON.readTree("{\"a\":[{\"regex\":\".*\"}]}")))
        .hasMessageContaining("regex");
  }

  @Test
  void transformsInputWithPathsAndATemplate() throws Exception {
    JsonNode event = JSON.readTree("{\"detail\":{\"id\":\"o-1\",\"items\":[{\"sku\":\"A\"}]}}");
    Target target = new Target("t", "arn", null, null, JSON.readTree(
        "{\"InputPathsMap\":{\"id\":\"$.detail.id\",\"sku\":\"$.detail.items[0].sku\"},"
            + "\"InputTemplate\":\"{\\\"order\\\": <id>, \\\"text\\\": \\\"sku <sku>\\\"}\"}"));
    JsonNode result = target.transform(event);
    assertThat(result.path("order").asText()).isEqualTo("o-1");
    assertThat(result.path("text").asText()).isEqualTo("sku A");
    assertThat(new Target("t", "arn", null, "$.detail", null).transform(event).path("id").asText()).isEqualTo("o-1");
  }
}
