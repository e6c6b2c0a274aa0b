package dev.nudge.local.template;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a CloudFormation/SAM template (YAML or JSON) into a JSON tree, turning the short-form
 * tags ({@code !Ref X}, {@code !GetAtt A.B}, {@code !Sub ...}) into their long form
 * ({@code {"Ref": "X"}}, {@code {"Fn::GetAtt": ["A","B"]}}). Jackson's YAML mapper drops tags,
 * so the tree is built here from the parser's tokens, where the tag of each value is visible.
 */
public final class YamlTemplateReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final Map<String, String> LONG_FORM = Map.ofEntries(
      Map.entry("Ref", "Ref"),
      Map.entry("Condition", "Condition"),
      Map.entry("GetAtt", "Fn::GetAtt"),
      Map.entry("Sub", "Fn::Sub"),
      Map.entry("Join", "Fn::Join"),
      Map.entry("If", "Fn::If"),
      Map.entry("Equals", "Fn::Equals"),
      Map.entry("Not", "Fn::Not"),
      Map.entry("And", "Fn::And"),
      Map.entry("Or", "Fn::Or"),
      Map.entry("FindInMap", "Fn::FindInMap"),
      Map.entry("Select", "Fn::Select"),
      Map.entry("Split", "Fn::Split"),
      Map.entry("Base64", "Fn::Base64"),
      Map.entry("GetAZs", "Fn::GetAZs"),
      Map.entry("ImportValue", "Fn::ImportValue"),
      Map.entry("Cidr", "Fn::Cidr"),
      Map.entry("Transform", "Fn::Transform"),
      Map.entry("Length", "Fn::Length"),
      Map.entry("ToJsonString", "Fn::ToJsonString"));

  private YamlTemplateReader() {}

  public static JsonNode read(Path file) {
    try {
      return read(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + file, e);
    }
  }

  public static JsonNode read(String text) {
    try (Reader reader = new StringReader(text);
        YAMLParser parser = (YAMLParser) YAML.createParser(reader)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new TemplateException("template is empty");
      }
      return value(parser);
    } catch (IOException e) {
      throw new TemplateException("template is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static JsonNode value(YAMLParser parser) throws IOException {
    String tag = parser.getTypeId();
    JsonNode node = switch (parser.currentToken()) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.set(name, value(parser));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser));
        }
        yield array;
      }
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> numberOf(parser);
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new TemplateException("unexpected YAML token " + parser.currentToken()
          + " at " + parser.currentLocation());
    };
    return tag == null ? node : tagged(tag, node, parser);
  }

  private static JsonNode numberOf(YAMLParser parser) throws IOException {
    return switch (parser.getNumberType()) {
      case INT -> NODES.numberNode(parser.getIntValue());
      case LONG -> NODES.numberNode(parser.getLongValue());
      default -> NODES.numberNode(parser.getBigIntegerValue());
    };
  }

  private static JsonNode tagged(String tag, JsonNode node, YAMLParser parser) {
    if (tag.startsWith("tag:yaml.org,2002:")) {
      return node; // standard YAML tags (!!str...) change nothing we care about
    }
    String function = LONG_FORM.get(tag);
    if (function == null) {
      throw new TemplateException("unknown YAML tag !" + tag + " at " + parser.currentLocation());
    }
    JsonNode argument = node;
    if (function.equals("Fn::GetAtt") && node.isTextual()) {
      // !GetAtt Resource.Attribute.With.Dots: the first dot separates the resource
      String text = node.asText();
      int dot = text.indexOf('.');
      if (dot < 0) {
        throw new TemplateException("!GetAtt " + text + " needs Resource.Attribute");
      }
      argument = NODES.arrayNode().add(text.substring(0, dot)).add(text.substring(dot + 1));
    }
    return NODES.objectNode().set(function, argument);
  }
}
