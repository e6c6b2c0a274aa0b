package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code nudge contacts import FILE.csv}: the file uploaded to the import bucket under
 * {@code imports/}, then its import followed through {@code GET /v1/imports/{sha256}} until it is
 * done (docs/architecture.md, "Contact import").
 */
@Command(name = "import", header = "Import contacts from a CSV file, with progress.",
    description = "Upload a CSV file to the import bucket (the stack output ImportBucketName, under imports/) and follow "
        + "the import (GET /v1/imports/{id}, the id being the file's SHA-256) to its end, with progress: rows imported, "
        + "unchanged and failed, then the first bad rows by line and field. Columns: contactId, email, phone, firstName, "
        + "lastName, locale, timezone, country, region, city, attributes.<name>, lists (a;b), consent.email, consent.sms, "
        + "consent.source; or an Amazon Pinpoint endpoint export (docs/pinpoint.md). The same file again changes nothing. "
        + "Exit 1 when the file is rejected or any row failed.")
final class ContactsImportCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE.csv", description = "The contacts.")
  Path file;

  @Option(names = "--consent-source", paramLabel = "SOURCE",
      description = "Where the consent in the file was given (for rows that subscribe and have no consent.source column).")
  String consentSource;

  @Option(names = "--list", paramLabel = "LIST", description = "A list every row joins.")
  String list;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "15m",
      description = "How long to follow the import (default: ${DEFAULT-VALUE}); it goes on after that.")
  Duration wait;

  @Option(names = "--no-wait", description = "Upload and print the import id; do not follow it.")
  boolean noWait;

  @Mixin
  TargetOptions target = new TargetOptions();

  ContactsImportCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (!Files.isRegularFile(file)) {
      throw CliException.usage("no such file: " + context.show(file));
    }
    String name = file.getFileName().toString();
    if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      throw CliException.usage(context.show(file) + ": the import reads .csv files");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + context.show(file) + ": " + e.getMessage());
    }
    long lines = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
    String importId = sha256(bytes);
    ApiClient api = target.connect(context);
    String bucket = api.output("ImportBucketName");
    String key = "imports/" + LocalDate.now(ZoneOffset.UTC) + "/" + name.replaceAll("[^A-Za-z0-9._-]", "-");
    Map<String, String> metadata = new LinkedHashMap<>();
    if (consentSource != null) {
      metadata.put("consent-source", consentSource);
    }
    if (list != null) {
      metadata.put("list", list);
    }
    try (S3Client s3 = api.s3()) {
      s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/csv").metadata(metadata), RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw CliException.failed("cannot upload to s3://" + bucket + "/" + key + ": " + e.getMessage());
    }
    context.err().println("uploaded " + context.show(file) + " to s3://" + bucket + "/" + key + " (import " + importId + ")");
    if (noWait) {
      context.out().println(importId);
      return Nudge.OK;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    String shown = "";
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      ApiClient.Response response = api.admin("GET", "/v1/imports/" + importId, null, null);
      if (response.ok()) {
        status = response.json();
        String progress = "[" + status.path("rows").asLong() + "/" + Math.max(0, lines - 1) + " rows] imported "
            + status.path("imported").asLong() + ", unchanged " + status.path("unchanged").asLong() + ", failed "
            + status.path("failed").asLong();
        if (!progress.equals(shown)) {
          context.err().println(progress);
          shown = progress;
        }
        if (!"running".equals(status.path("status").asText())) {
          break;
        }
      } else if (response.status() != 404) {
        response.check("GET /v1/imports/" + importId);
      }
      Thread.sleep(500);
    }
    if (status == null || "running".equals(status.path("status").asText())) {
      throw CliException.failed("import " + importId + " not finished after " + wait.toSeconds() + " s; it goes on: "
          + "`nudge contacts import` the same file again to follow it");
    }
    for (JsonNode e : status.path("errors")) {
      context.err().println(context.show(file) + ":" + e.path("line").asLong() + ": "
          + (e.hasNonNull("field") ? e.get("field").asText() + ": " : "") + e.path("message").asText());
    }
    context.out().println(context.show(file) + ": " + status.path("status").asText() + ", " + status.path("rows").asLong()
        + " rows: " + status.path("imported").asLong() + " imported, " + status.path("unchanged").asLong() + " unchanged, "
        + status.path("failed").asLong() + " failed"
        + (status.hasNonNull("report") ? "; every bad row in s3://" + bucket + "/" + status.get("report").asText() : ""));
    return "completed".equals(status.path("status").asText()) && status.path("failed").asLong() == 0 ? Nudge.OK : Nudge.FAILED;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
