package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.lambda.Functions;
import dev.nudge.local.lambda.LocalFunction;
import dev.nudge.local.template.Resource;
import dev.nudge.local.template.Stack;
import dev.nudge.local.template.TemplateException;
import java.util.List;
import java.util.Set;

/**
 * The template's {@code AWS::S3::Bucket}s in the local S3, and SAM {@code S3} events: each function
 * subscribed to its bucket's ObjectCreated notifications (prefix and suffix filters), invoked
 * asynchronously with S3's event and retried twice on an error, as Lambda does for S3.
 */
public final class S3Buckets {
  /** Properties with no effect on one machine: encryption, public access, lifecycle (objects do not expire locally). */
  private static final Set<String> NO_LOCAL_EFFECT = Set.of("BucketName", "BucketEncryption",
      "PublicAccessBlockConfiguration", "LifecycleConfiguration", "OwnershipControls", "Tags",
      "VersioningConfiguration");
  private static final Set<String> EVENTS = Set.of("s3:ObjectCreated:*", "s3:ObjectCreated:Put");
  /** Lambda's asynchronous invocations retry a failed event twice. */
  private static final int ATTEMPTS = 3;

  private S3Buckets() {}

  public static void wire(Stack stack, S3Service s3, Functions functions, EventLog log) {
    for (Resource bucket : stack.ofType("AWS::S3::Bucket")) {
      bucket.properties().fieldNames().forEachRemaining(property -> {
        if (!NO_LOCAL_EFFECT.contains(property)) {
          throw TemplateException.at(bucket.where(property), "is not supported by the local cloud");
        }
      });
      s3.createBucket(bucket.physicalName());
    }
    for (LocalFunction function : functions.all()) {
      function.events().fields().forEachRemaining(e -> {
        if (!e.getValue().path("Type").asText().equals("S3")) {
          return;
        }
        JsonNode p = e.getValue().path("Properties");
        String where = "Resources." + function.logicalId() + ".Properties.Events." + e.getKey() + ".Properties";
        String bucket = p.path("Bucket").asText("");
        if (!s3.hasBucket(bucket)) {
          throw TemplateException.at(where + ".Bucket", "no AWS::S3::Bucket " + bucket + " in the template");
        }
        JsonNode events = p.path("Events");
        for (JsonNode event : events.isArray() ? events : List.of(events)) {
          if (!EVENTS.contains(event.asText())) {
            throw TemplateException.at(where + ".Events", event.asText() + ": the local cloud notifies "
                + EVENTS + " only");
          }
        }
        String prefix = "";
        String suffix = "";
        for (JsonNode rule : p.path("Filter").path("S3Key").path("Rules")) {
          switch (rule.path("Name").asText().toLowerCase(java.util.Locale.ROOT)) {
            case "prefix" -> prefix = rule.path("Value").asText();
            case "suffix" -> suffix = rule.path("Value").asText();
            default -> throw TemplateException.at(where + ".Filter", "rules are prefix or suffix");
          }
        }
        String id = function.logicalId() + e.getKey();
        s3.notify(new S3Service.Notification(id, bucket, prefix, suffix, payload -> {
          for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            var invocation = functions.invoke(function, Json.bytes(payload));
            if (!invocation.failed()) {
              log.add("s3", function.logicalId() + " handled s3://" + bucket + "/"
                  + java.net.URLDecoder.decode(payload.path("Records").path(0).path("s3").path("object").path("key").asText(),
                      java.nio.charset.StandardCharsets.UTF_8), null);
              return;
            }
            log.add("error", function.logicalId() + " failed on an S3 event (attempt " + attempt + "): "
                + invocation.errorMessage(), null);
          }
        }));
      });
    }
  }
}
