package dev.nudge.local;

import dev.nudge.local.dynamodb.Tables;
import dev.nudge.local.events.EventBuses;
import dev.nudge.local.lambda.HttpApi;
import dev.nudge.local.lambda.LocalFunction;
import dev.nudge.local.lambda.StreamPoller;
import dev.nudge.local.template.Resource;
import dev.nudge.tracking.RequestAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/** The start-up summary: what was wired, the URLs, and a signed request to try. */
final class Summary {
  private Summary() {}

  static String of(LocalCloud cloud) {
    StringBuilder s = new StringBuilder();
    String url = cloud.endpoint().toString();
    s.append("Nudge local cloud ready in ").append(cloud.startupMillis()).append(" ms (").append(cloud.phasesText()).append(")\n");
    s.append("  data:        ").append(cloud.options().dataDir() == null ? "in memory" : cloud.options().dataDir()).append('\n');
    s.append("  clock:       ").append(cloud.clock().instant()).append(" at ").append(cloud.clock().scale()).append("x\n");
    s.append("  AWS endpoint ").append(url).append("  (AWS_ENDPOINT_URL; region ").append(cloud.stack().region())
        .append(", any credentials)\n");
    s.append("  HTTP API     ").append(url).append('\n');
    s.append("  local page   ").append(url).append("/_local/\n");
    s.append("\nTables\n");
    for (Tables.Table t : cloud.tables()) {
      s.append("  ").append(t.name()).append(t.indexes().isEmpty() ? "" : " indexes " + t.indexes())
          .append(t.streamArn() == null ? "" : " (stream)").append('\n');
    }
    s.append("\nFunctions\n");
    for (LocalFunction f : cloud.functions().all()) {
      s.append("  ").append(f.logicalId()).append("  ").append(f.handlerClass()).append("  timeout ")
          .append(f.timeoutSeconds()).append("s\n");
    }
    s.append("\nRoutes\n");
    for (HttpApi.Route r : cloud.httpApi().routes()) {
      s.append("  ").append(String.format("%-36s", r.routeKey())).append(" → ").append(r.function().logicalId())
          .append(r.iam() ? "  (AWS_IAM: SigV4-signed requests only)" : "").append('\n');
    }
    s.append("\nStream event sources\n");
    for (StreamPoller p : cloud.pollers()) {
      StreamPoller.Config c = p.config();
      s.append("  ").append(c.tableName()).append(" → ").append(c.functionLogicalId()).append(" (batch ")
          .append(c.batchSize()).append(c.parallelizationFactor() > 1 ? ", " + c.parallelizationFactor() + " batches at once" : "")
          .append(", retries ").append(c.maximumRetryAttempts() < 0 ? "until expiry" : c.maximumRetryAttempts())
          .append(c.bisect() ? ", bisect" : "").append(c.reportItemFailures() ? ", item failures" : "")
          .append(c.onFailureDestination() == null ? "" : ", failures recorded to failures/*.jsonl").append(")\n");
    }
    s.append("\nState machines\n");
    if (cloud.engine() == null) {
      s.append("  (engine unavailable: ").append(cloud.engineProblem()).append(")\n");
    }
    cloud.stateMachines().forEach(arn -> s.append("  ").append(arn).append('\n'));
    s.append("\nRules\n");
    for (EventBuses.Rule r : cloud.buses().rules()) {
      s.append("  ").append(r.bus()).append('/').append(r.name()).append(r.scheduleText() == null ? "" : " " + r.scheduleText())
          .append(r.enabled() ? "" : " (disabled)").append(" → ").append(r.targets().size()).append(" target(s)\n");
    }
    if (!cloud.stack().outputs().isEmpty()) {
      s.append("\nOutputs\n");
      cloud.stack().outputs().forEach((name, value) ->
          s.append("  ").append(name).append(" = ").append(value.isValueNode() ? value.asText() : value.toString()).append('\n'));
    }
    s.append("\nNot emulated (no local effect):");
    for (Resource r : cloud.stack().resources().values()) {
      if (Wiring.NO_LOCAL_EFFECT.contains(r.type())) {
        s.append(' ').append(r.logicalId());
      }
    }
    s.append('\n');
    curlExample(cloud).ifPresent(s::append);
    return s.toString();
  }

  /** The webhook signing key and a ready-to-run signed request (scheme: dev.nudge.tracking.RequestAuthenticator). */
  static Optional<String> curlExample(LocalCloud cloud) {
    Optional<HttpApi.Route> track = cloud.httpApi().routes().stream()
        .filter(r -> "/v1/track".equals(r.path())).findFirst();
    Optional<String> keys = cloud.functions().all().stream()
        .map(f -> f.variables().get("SIGNING_KEYS_PARAMETER")).filter(v -> v != null).findFirst()
        .flatMap(name -> cloud.config().parameter(name));
    if (track.isEmpty() || keys.isEmpty()) {
      return Optional.empty();
    }
    var json = Json.parse(keys.get());
    String keyId = json.fieldNames().next();
    long timestamp = cloud.clock().instant().getEpochSecond();
    String secret = json.get(keyId).asText();
    String body = "{\"id\":\"evt-" + timestamp + "\",\"type\":\"page.viewed\",\"contactId\":\"demo-1\",\"properties\":{\"path\":\"/pricing\"}}";
    String signature = sign(secret, Long.toString(timestamp), body);
    return Optional.of("\nWebhook signing key: id '" + keyId + "', secret " + secret
        + "\n  (config: " + (cloud.config().file() == null ? "in memory" : cloud.config().file()) + ")\n"
        + "Try it (the signature is valid for 5 minutes of the local clock):\n"
        + "  curl -i " + cloud.endpoint() + "/v1/track \\\n"
        + "    -H 'content-type: application/json' -H 'x-nudge-key-id: " + keyId + "' \\\n"
        + "    -H 'x-nudge-timestamp: " + timestamp + "' -H 'x-nudge-signature: v1=" + signature + "' \\\n"
        + "    -d '" + body + "'\n"
        + (cloud.clock().scale() == 1.0 ? "" : "  (with --time-scale the local clock runs ahead of `date`: take the timestamp from "
            + "GET " + cloud.endpoint() + "/_local/clock)\n")
        + "Sign your own: ts=$(date +%s); sig=$(printf '%s.%s' \"$ts\" \"$BODY\" | openssl dgst -sha256 -hmac '"
        + secret + "' | sed 's/^.* //')\n");
  }

  /** The hex signature of {@code body}, by the tracking API's own scheme ({@link RequestAuthenticator#sign}). */
  static String sign(String secret, String timestamp, String body) {
    return HexFormat.of().formatHex(RequestAuthenticator.sign(secret, timestamp, body.getBytes(StandardCharsets.UTF_8)));
  }

}
