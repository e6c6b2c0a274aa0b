package dev.nudge.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackLoaderTest {

  private static Path sample() {
    try {
      return Path.of(StackLoaderTest.class.getResource("/templates/sample.yaml").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Stack load(Map<String, String> params) {
    return StackLoader.load(sample(), "nudge", "eu-west-1", "000000000000", params);
  }

  private static JsonNode env(Stack stack) {
    return stack.resource("TrackFunction").properties().path("Environment").path("Variables");
  }

  private static Stack inline(String yaml) {
    return StackLoader.resolve(YamlTemplateReader.read(yaml), "s", "us-east-1", "1", Path.of("."), Map.of());
  }

  @Test
  void resolvesShortFormRefSubAndGetAtt() {
    JsonNode env = env(load(Map.of()));
    assertThat(env.get("SENDER").asText()).isEqualTo("hello@example.com");
    assertThat(env.get("ARN").asText()).isEqualTo("arn:aws:dynamodb:eu-west-1:000000000000:table/nudge-events");
    assertThat(env.get("STREAM").asText()).startsWith("arn:aws:dynamodb:eu-west-1:000000000000:table/nudge-events/stream/");
    assertThat(env.get("REGION_PARTITION").asText()).isEqualTo("eu-west-1:000000000000:aws:amazonaws.com");
  }

  @Test
  void resolvesJoinSelectSplitBase64AndSubWithVariables() {
    JsonNode env = env(load(Map.of()));
    assertThat(env.get("JOINED").asText()).isEqualTo("dev-b-x");
    assertThat(env.get("LONG_SUB").asText()).isEqualTo("d/nudge-events/${Literal}");
    assertThat(env.get("ENCODED").asText()).isEqualTo("aGk=");
  }

  @Test
  void mergesGlobalsWithTheFunctionWinning() {
    JsonNode properties = load(Map.of()).resource("TrackFunction").properties();
    assertThat(properties.get("Timeout").asInt()).isEqualTo(5);
    assertThat(properties.get("MemorySize").asInt()).isEqualTo(1024);
    assertThat(properties.path("Environment").path("Variables").get("EVENTS_TABLE").asText()).isEqualTo("nudge-events");
    assertThat(properties.path("Environment").path("Variables").get("LOG_LEVEL").asText()).isEqualTo("DEBUG");
    assertThat(properties.path("Tags").get("app").asText()).isEqualTo("nudge");
    assertThat(properties.path("Tags").get("fn").asText()).isEqualTo("track");
  }

  @Test
  void dropsResourcesAndValuesWhoseConditionIsFalse() {
    Stack dev = load(Map.of());
    assertThat(dev.resources()).doesNotContainKey("ProdOnlyTable");
    assertThat(env(dev).has("OPTIONAL")).isFalse();
  }

  @Test
  void parameterOverridesChangeConditionsAndMappings() {
    Stack prod = load(Map.of("Stage", "prod"));
    assertThat(prod.resources()).containsKey("ProdOnlyTable");
    assertThat(prod.resource("ProdOnlyTable").physicalName()).isEqualTo("nudge-ProdOnlyTable");
    assertThat(env(prod).get("OPTIONAL").asText()).isEqualTo("set");
    assertThat(env(prod).get("LOG_LEVEL").asText()).isEqualTo("INFO");
    assertThat(env(prod).get("LONG_SUB").asText()).startsWith("p/");
  }

  @Test
  void resolvesOutputsThatReferToImplicitSamResources() {
    assertThat(load(Map.of()).outputs().get("ApiUrl").asText())
        .isEqualTo("https://ServerlessHttpApi.execute-api.eu-west-1.amazonaws.com");
  }

  @Test
  void resolvesRefOfAFunctionsAliasToTheQualifiedArn() {
    Stack stack = inline("""
        Globals: { Function: { AutoPublishAlias: live } }
        Resources:
          Fn: { Type: AWS::Serverless::Function, Properties: { Handler: a.B::handleRequest } }
          T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Ref Fn.Alias } }
        """);
    assertThat(stack.resource("T").properties().get("DisplayName").asText())
        .isEqualTo("arn:aws:lambda:us-east-1:1:function:s-Fn:live");
  }

  @Test
  void rejectsRefOfAnAliasOfAFunctionWithoutAutoPublishAlias() {
    assertThatThrownBy(() -> inline("""
        Resources:
          Fn: { Type: AWS::Serverless::Function, Properties: { Handler: a.B::handleRequest } }
          T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Ref Fn.Alias } }
        """)).isInstanceOf(TemplateException.class).hasMessageContaining("AutoPublishAlias");
  }

  @Test
  void rejectsAnOverrideOutsideAllowedValues() {
    assertThatThrownBy(() -> load(Map.of("Stage", "qa")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("Parameters.Stage").hasMessageContaining("qa");
  }

  @Test
  void rejectsAnOverrideOfAnUndeclaredParameter() {
    assertThatThrownBy(() -> load(Map.of("Nope", "1")))
        .isInstanceOf(TemplateException.class).hasMessageContaining("Nope");
  }

  @Test
  void rejectsAParameterWithoutDefaultOrValue() {
    assertThatThrownBy(() -> inline("""
        Parameters: { Key: { Type: String } }
        Resources:
          T: { Type: AWS::SNS::Topic, Properties: { TopicName: !Ref Key } }
        """)).isInstanceOf(TemplateException.class)
        .hasMessageContaining("Parameters.Key").hasMessageContaining("--param Key=");
  }

  @Test
  void rejectsAnUnknownIntrinsicNamingWhereItIs() {
    assertThatThrownBy(() -> inline("""
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties: { DisplayName: { "Fn::Magic": [1] } }
        """)).isInstanceOf(TemplateException.class)
        .hasMessageContaining("Resources.T.Properties.DisplayName").hasMessageContaining("Fn::Magic");
  }

  @Test
  void rejectsAnUnknownShortFormTag() {
    assertThatThrownBy(() -> inline("""
        Resources:
          T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Magic x } }
        """)).isInstanceOf(TemplateException.class).hasMessageContaining("!Magic");
  }

  @Test
  void rejectsARefToNothing() {
    assertThatThrownBy(() -> inline("""
        Resources:
          T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Ref Missing } }
        """)).isInstanceOf(TemplateException.class)
        .hasMessageContaining("Resources.T.Properties.DisplayName").hasMessageContaining("Missing");
  }

  @Test
  void rejectsARefToAResourceWhoseConditionIsFalse() {
    assertThatThrownBy(() -> inline("""
        Conditions: { Never: !Equals [a, b] }
        Resources:
          Q: { Type: AWS::SQS::Queue, Condition: Never }
          T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt Q.Arn } }
        """)).isInstanceOf(TemplateException.class).hasMessageContaining("Condition is false");
  }

  @Test
  void rejectsAnAttributeTheLocalCloudDoesNotKnow() {
    assertThatThrownBy(() -> inline("""
        Resources:
          Q: { Type: AWS::SQS::Queue }
          T: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt Q.Wobble } }
        """)).isInstanceOf(TemplateException.class).hasMessageContaining("Wobble");
  }

  @Test
  void rejectsAConditionThatIsNotDefined() {
    assertThatThrownBy(() -> inline("""
        Resources:
          T: { Type: AWS::SNS::Topic, Condition: Ghost }
        """)).isInstanceOf(TemplateException.class).hasMessageContaining("Ghost");
  }

  @Test
  void loadsTheProjectsOwnTemplateWhenItExists() {
    Path template = Path.of(System.getProperty("nudge.repo.root", "../.."), "template.yaml");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(template), "no template.yaml yet");
    Stack stack = StackLoader.load(template, "nudge", "us-east-1", "000000000000", Map.of());
    assertThat(stack.ofType("AWS::Serverless::Function")).isNotEmpty();
  }
}
