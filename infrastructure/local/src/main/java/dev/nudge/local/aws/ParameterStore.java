package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import java.time.Clock;

/** SSM GetParameter(s) and Secrets Manager GetSecretValue over {@link LocalConfig}. */
public final class ParameterStore {
  private final LocalConfig config;
  private final Clock clock;
  private final String region;
  private final String accountId;

  public ParameterStore(LocalConfig config, Clock clock, String region, String accountId) {
    this.config = config;
    this.clock = clock;
    this.region = region;
    this.accountId = accountId;
  }

  public JsonNode ssm(String operation, JsonNode request) {
    return switch (operation) {
      case "GetParameter" -> {
        String name = required(request, "Name");
        yield Json.object().set("Parameter", parameter(name));
      }
      case "GetParameters" -> {
        ObjectNode response = Json.object();
        ArrayNode found = response.putArray("Parameters");
        ArrayNode invalid = response.putArray("InvalidParameters");
        request.path("Names").forEach(n -> {
          if (config.parameter(n.asText()).isPresent()) {
            found.add(parameter(n.asText()));
          } else {
            invalid.add(n.asText());
          }
        });
        yield response;
      }
      default -> throw new AwsError(400, "UnknownOperationException",
          "The local cloud does not implement SSM operation " + operation);
    };
  }

  private ObjectNode parameter(String name) {
    String value = config.parameter(name).orElseThrow(() -> new AwsError(400, "ParameterNotFound",
        "Parameter " + name + " not found (the local cloud serves " + (config.file() == null ? "generated values" : config.file()) + ")"));
    return Json.object().put("Name", name).put("Type", "SecureString").put("Value", value).put("Version", 1)
        .put("LastModifiedDate", clock.instant().getEpochSecond()).put("DataType", "text")
        .put("ARN", "arn:aws:ssm:" + region + ":" + accountId + ":parameter" + (name.startsWith("/") ? name : "/" + name));
  }

  public JsonNode secrets(String operation, JsonNode request) {
    if (!operation.equals("GetSecretValue")) {
      throw new AwsError(400, "UnknownOperationException",
          "The local cloud does not implement Secrets Manager operation " + operation);
    }
    String id = required(request, "SecretId");
    String name = id.startsWith("arn:") ? id.substring(id.indexOf(":secret:") + 8) : id;
    String value = config.secret(name).orElseThrow(() -> new AwsError(400, "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret."));
    return Json.object().put("ARN", "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name)
        .put("Name", name).put("VersionId", "local").put("SecretString", value)
        .put("CreatedDate", clock.instant().getEpochSecond())
        .set("VersionStages", Json.array().add("AWSCURRENT"));
  }

  private static String required(JsonNode request, String field) {
    if (!request.hasNonNull(field)) {
      throw new AwsError(400, "ValidationException", "1 validation error detected: Value null at '"
          + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: Member must not be null");
    }
    return request.get(field).asText();
  }
}
