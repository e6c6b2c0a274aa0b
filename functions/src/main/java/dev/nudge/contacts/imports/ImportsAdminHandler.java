package dev.nudge.contacts.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import dev.nudge.platform.Json;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** GET /v1/imports/{id}: an import's counts, its first errors and where the full report is (IAM only). */
public final class ImportsAdminHandler extends HttpApiHandler {
  private static final Pattern IMPORT_ID = Pattern.compile("[0-9a-f]{64}");

  private final ImportRecords records;

  public ImportsAdminHandler() {
    this(Environment.current(), AwsClients.dynamoDb());
  }

  public ImportsAdminHandler(Environment env, DynamoDbClient ddb) {
    this(new ImportRecords(ddb, env.require("WORKFLOWS_TABLE")));
  }

  public ImportsAdminHandler(ImportRecords records) {
    super("imports-admin");
    this.records = records;
    route("GET /v1/imports/{id}", this::get);
  }

  private HttpResponse get(HttpRequest request) {
    String id = request.pathParameters().getOrDefault("id", "");
    if (!IMPORT_ID.matcher(id).matches()) {
      throw ApiException.invalid("id", "an import id is the SHA-256 of the file: 64 lower-case hex digits");
    }
    ImportStatus status = records.find(id)
        .orElseThrow(() -> new ApiException(404, "not_found", "no such import (yet)", "id"));
    ObjectNode body = Json.object();
    body.put("importId", status.importId()).put("key", status.key()).put("status", status.status());
    if (status.format() != null && !status.format().isEmpty()) {
      body.put("format", status.format());
    }
    body.put("rows", status.rows()).put("imported", status.imported()).put("unchanged", status.unchanged())
        .put("failed", status.failed()).put("line", status.line());
    body.put("startedAt", status.startedAt().toString());
    if (status.finishedAt() != null) {
      body.put("finishedAt", status.finishedAt().toString());
    }
    if (status.report() != null) {
      body.put("report", status.report());
    }
    ArrayNode errors = body.putArray("errors");
    for (RowError error : records.errors(id, ContactImporter.FIRST_ERRORS)) {
      ObjectNode e = errors.addObject().put("line", error.line()).put("message", error.message());
      if (error.field() != null && !error.field().isEmpty()) {
        e.put("field", error.field());
      }
    }
    return HttpResponse.json(200, body);
  }
}
