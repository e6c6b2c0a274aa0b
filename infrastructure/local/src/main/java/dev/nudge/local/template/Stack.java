package dev.nudge.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A template resolved for one local stack: every intrinsic function evaluated, conditions
 * applied (resources whose condition is false are absent) and SAM Globals merged into functions.
 *
 * @param globals the resolved SAM Globals (implicit resources such as ServerlessHttpApi use them)
 * @param baseDir the template's folder, against which CodeUri and DefinitionUri are resolved
 */
public record Stack(
    String stackName,
    String region,
    String accountId,
    Path baseDir,
    Map<String, JsonNode> parameters,
    Map<String, Resource> resources,
    Map<String, JsonNode> outputs,
    JsonNode globals) {

  public List<Resource> ofType(String... types) {
    Set<String> wanted = Set.of(types);
    return resources.values().stream().filter(r -> wanted.contains(r.type())).toList();
  }

  public Resource resource(String logicalId) {
    Resource resource = resources.get(logicalId);
    if (resource == null) {
      throw new TemplateException("no resource " + logicalId + " in the template");
    }
    return resource;
  }

  public String arn(String service, String resource) {
    return "arn:aws:" + service + ":" + region + ":" + accountId + ":" + resource;
  }
}
