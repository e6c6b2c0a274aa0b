package dev.nudge.contacts.imports;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.Json;
import dev.nudge.platform.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 ObjectCreated events for {@code imports/*.csv} in the import bucket: imports each object. An
 * import still running when the invocation nears its timeout is checkpointed, and the handler writes
 * a small object under {@code imports/.continue/} naming the file: its own ObjectCreated event starts
 * the next invocation, which continues from the checkpoint.
 */
public final class ContactImportHandler implements RequestStreamHandler {
  /** Time kept back from the invocation's remaining time: a batch, the checkpoint and the note fit in it. */
  static final Duration MARGIN = Duration.ofSeconds(60);

  private final ContactImporter importer;
  private final S3Client s3;
  private final String bucket;
  private final Duration margin;
  private final Log log = new Log("contact-import");

  public ContactImportHandler() {
    this(Environment.current(), AwsClients.dynamoDb(), ImportClients.s3());
  }

  public ContactImportHandler(Environment env, DynamoDbClient ddb, S3Client s3) {
    this(new ContactImporter(new ContactService(new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
            new EventRepository(ddb, env.require("EVENTS_TABLE")), env.clock(),
            Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400")))),
            new ImportRecords(ddb, env.require("WORKFLOWS_TABLE")), s3, env.require("IMPORT_BUCKET"), env.clock(),
            Integer.parseInt(env.optional("IMPORT_CONCURRENCY").orElse("16"))),
        s3, env.require("IMPORT_BUCKET"),
        Duration.ofSeconds(Long.parseLong(env.optional("IMPORT_MARGIN_SECONDS").orElse(Long.toString(MARGIN.toSeconds())))));
  }

  public ContactImportHandler(ContactImporter importer, S3Client s3, String bucket, Duration margin) {
    this.importer = importer;
    this.s3 = s3;
    this.bucket = bucket;
    this.margin = margin;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = Json.mapper().readTree(input);
    // Lambda's remaining time is wall-clock time, whatever clock the importer is given.
    long remaining = context == null ? Duration.ofMinutes(15).toMillis() : context.getRemainingTimeInMillis();
    long stopAt = System.nanoTime() + Duration.ofMillis(remaining).minus(margin).toNanos();
    BooleanSupplier outOfTime = () -> System.nanoTime() >= stopAt;
    for (JsonNode record : event.path("Records")) {
      String eventBucket = record.path("s3").path("bucket").path("name").asText();
      // S3 sends the key form-encoded: '+' is a space.
      String key = URLDecoder.decode(record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
      if (!eventBucket.equals(bucket)) {
        log.error("event for another bucket ignored", Map.of("bucket", eventBucket));
        continue;
      }
      handle(key, outOfTime, Duration.ofMillis(remaining));
    }
    output.write("{}".getBytes(StandardCharsets.UTF_8));
  }

  /** Imports (or continues) one object; public for the local cloud's continuation test. */
  public void handle(String key, BooleanSupplier outOfTime, Duration leaseFor) {
    boolean continuation = key.startsWith(ContactImporter.CONTINUE_PREFIX);
    String file = continuation ? s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String().trim() : key;
    if (continuation && (!file.startsWith("imports/") || file.startsWith(ContactImporter.CONTINUE_PREFIX))) {
      log.error("continuation note names no import", Map.of("key", key));
      s3.deleteObject(b -> b.bucket(bucket).key(key));
      return;
    }
    ContactImporter.Outcome outcome = importer.importObject(file, outOfTime, leaseFor);
    if (!outcome.finished()) {
      String note = ContactImporter.CONTINUE_PREFIX + outcome.status().importId() + "-" + outcome.status().line() + ".csv";
      s3.putObject(b -> b.bucket(bucket).key(note).contentType("text/plain"), RequestBody.fromString(file));
      log.info("import continues in a new invocation", Map.of("importId", outcome.status().importId(),
          "line", outcome.status().line()));
    }
    if (continuation) {
      // Deleted only once its work is done: a retried invocation (after a crash) must still find it.
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
  }
}
