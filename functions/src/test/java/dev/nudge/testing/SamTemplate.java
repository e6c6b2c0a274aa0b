package dev.nudge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * template.yaml as the tests see it. Jackson's YAML reader drops CloudFormation's short-form tags
 * (!Ref X reads as "X"), which is all the tests need: logical ids, key schemas and routes.
 */
public final class SamTemplate {
  private final JsonNode root;

  private SamTemplate(JsonNode root) {
    this.root = root;
  }

  public static Path repoRoot() {
    String root = System.getProperty("nudge.repo.root");
    if (root == null) {
      throw new IllegalStateException("system property nudge.repo.root is not set (surefire sets it)");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  public static SamTemplate load() {
    try {
      return new SamTemplate(new ObjectMapper(new YAMLFactory())
          .readTree(Files.readString(repoRoot().resolve("template.yaml"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode resources() {
    return root.path("Resources");
  }

  public JsonNode resource(String logicalId) {
    JsonNode resource = resources().path(logicalId);
    if (resource.isMissingNode()) {
      throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
    }
    return resource;
  }

  /** One HttpApi event of a function: the route API Gateway sends to its handler. */
  public record Route(String method, String path, String function, String handler, boolean iamAuth) {
    public String routeKey() {
      return method + " " + path;
    }
  }

  public List<Route> httpRoutes() {
    List<Route> routes = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources().fields(); it.hasNext(); ) {
      var entry = it.next();
      JsonNode resource = entry.getValue();
      if (!"AWS::Serverless::Function".equals(resource.path("Type").asText())) {
        continue;
      }
      JsonNode props = resource.path("Properties");
      for (JsonNode event : props.path("Events")) {
        if (!"HttpApi".equals(event.path("Type").asText())) {
          continue;
        }
        JsonNode p = event.path("Properties");
        routes.add(new Route(p.path("Method").asText().toUpperCase(), p.path("Path").asText(),
            entry.getKey(), props.path("Handler").asText(),
            "AWS_IAM".equals(p.path("Auth").path("Authorizer").asText())));
      }
    }
    return routes;
  }
}
