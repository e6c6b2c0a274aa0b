package dev.nudge.contacts.imports;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.Identity;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Imports one uploaded CSV object: its id is the SHA-256 of its bytes, so the same content uploaded
 * again (under any key) is the same import and, once completed, is not read again. Rows are streamed,
 * parsed and validated ({@link RowParser}), then applied in batches: rows naming the same contact in
 * order on one thread, different contacts in parallel. After each batch the errors and then the
 * counts with the line reached are written (the checkpoint), so an import cut off by the Lambda
 * timeout (or a crash) continues from there; rows after the checkpoint are applied again, and
 * since a row the contact already matches is "unchanged" and not written, that changes nothing.
 */
public final class ContactImporter implements AutoCloseable {
  /** Keys where the function leaves itself a note to continue an import (the object's key inside). */
  public static final String CONTINUE_PREFIX = "imports/.continue/";
  public static final String REPORT_PREFIX = "reports/";
  /** How many errors the status API shows; the report has them all. */
  public static final int FIRST_ERRORS = 100;
  /** Rows between checkpoints: at 16 threads a batch takes about a second, well inside the timeout margin. */
  public static final int BATCH = 200;
  private static final Duration LEASE_SLACK = Duration.ofMinutes(1);

  /** {@code finished} false: stopped at the deadline with work left (the caller arranges to continue). */
  public record Outcome(ImportStatus status, boolean finished) {}

  private final RowApplier rows;
  private final ImportRecords records;
  private final S3Client s3;
  private final String bucket;
  private final Clock clock;
  private final ExecutorService workers;
  private final int batchSize;
  private final Log log = new Log("contact-import");

  public ContactImporter(ContactService contacts, ImportRecords records, S3Client s3, String bucket, Clock clock,
      int concurrency) {
    this(contacts, records, s3, bucket, clock, concurrency, BATCH);
  }

  public ContactImporter(ContactService contacts, ImportRecords records, S3Client s3, String bucket, Clock clock,
      int concurrency, int batchSize) {
    this.batchSize = batchSize;
    this.rows = new RowApplier(contacts);
    this.records = records;
    this.s3 = s3;
    this.bucket = bucket;
    this.clock = clock;
    this.workers = Executors.newFixedThreadPool(concurrency, runnable -> {
      Thread thread = new Thread(runnable, "contact-import");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Imports (or continues importing) the object at {@code key} until {@code outOfTime} says stop.
   * {@code leaseFor}: how long this call may hold the import (its invocation's remaining time).
   */
  public Outcome importObject(String key, BooleanSupplier outOfTime, Duration leaseFor) {
    HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
    String importId = sha256(key);
    Instant now = clock.instant();
    Optional<ImportStatus> known = records.find(importId);
    if (known.isPresent() && known.get().done()) {
      log.info("already imported", Map.of("importId", importId, "status", known.get().status()));
      return new Outcome(known.get(), true);
    }
    if (known.isEmpty()) {
      records.create(importId, key, now);
    }
    // The lease owner is drawn per call, not per instance: an instance built at init is in the
    // SnapStart snapshot, and every environment restored from it would share one owner and so
    // pass each other's lease check (docs/architecture.md, SnapStart).
    String owner = UUID.randomUUID().toString();
    if (!records.lease(importId, owner, now, now.plus(leaseFor).plus(LEASE_SLACK))) {
      log.info("import held by another invocation", Map.of("importId", importId));
      return new Outcome(records.find(importId).orElseThrow(), true);
    }
    ImportStatus from = records.find(importId).orElseThrow();
    log.info(from.line() == 0 ? "import started" : "import continued", Map.of("importId", importId, "line", from.line()));
    return run(from, key, ImportOptions.of(head.metadata()), outOfTime);
  }

  private Outcome run(ImportStatus from, String key, ImportOptions options, BooleanSupplier outOfTime) {
    try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key));
        CsvReader<CsvRecord> csv = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
            .detectBomHeader(true).ofCsvRecord(in, StandardCharsets.UTF_8)) {
      Iterator<CsvRecord> it = csv.iterator();
      if (!it.hasNext()) {
        return reject(from, null, new RowError(1, "header", "the file is empty: the first line must name the columns"));
      }
      RowParser parser;
      try {
        parser = RowParser.forHeader(it.next().getFields(), options);
      } catch (HeaderException e) {
        return reject(from, null, new RowError(1, e.column(), e.getMessage()));
      }
      ImportStatus progress = from;
      List<RowParser.ParsedRow> batch = new ArrayList<>(batchSize);
      while (it.hasNext()) {
        CsvRecord record = it.next();
        if (record.getStartingLineNumber() <= from.line()) {
          continue; // done before the checkpoint
        }
        batch.add(parser.parse(record.getStartingLineNumber(), record.getFields()));
        if (batch.size() == batchSize) {
          progress = apply(progress, batch, parser.format());
          batch.clear();
          if (outOfTime.getAsBoolean() && it.hasNext()) {
            records.checkpoint(progress, parser.format(), true);
            log.info("import paused", Map.of("importId", progress.importId(), "line", progress.line()));
            return new Outcome(progress, false);
          }
        }
      }
      if (!batch.isEmpty()) {
        progress = apply(progress, batch, parser.format());
      }
      String report = progress.failed() == 0 ? null : writeReport(progress.importId());
      records.finish(progress, parser.format(), ImportStatus.COMPLETED, report, clock.instant());
      ImportStatus done = records.find(progress.importId()).orElseThrow();
      log.info("import completed", Map.of("importId", done.importId(), "rows", done.rows(), "imported", done.imported(),
          "unchanged", done.unchanged(), "failed", done.failed()));
      return new Outcome(done, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Outcome reject(ImportStatus from, String format, RowError error) {
    records.putErrors(from.importId(), List.of(error));
    String report = writeReport(from.importId());
    records.finish(from, format, ImportStatus.REJECTED, report, clock.instant());
    log.info("import rejected", Map.of("importId", from.importId(), "field", String.valueOf(error.field())));
    return new Outcome(records.find(from.importId()).orElseThrow(), true);
  }

  private enum Result { IMPORTED, UNCHANGED, FAILED }

  /** Applies a batch; returns the progress after it, checkpointed. */
  private ImportStatus apply(ImportStatus progress, List<RowParser.ParsedRow> batch, String format) {
    // Rows naming the same contact stay in file order on one thread: the later row wins, as it would in sequence.
    Map<String, List<Integer>> byContact = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      RowParser.ParsedRow row = batch.get(i);
      String group = row.command() == null ? "#" + i : contactKey(row.command().identity());
      byContact.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
    }
    Result[] results = new Result[batch.size()];
    RowError[] errors = new RowError[batch.size()];
    List<Future<?>> running = new ArrayList<>();
    for (List<Integer> group : byContact.values()) {
      running.add(workers.submit(() -> {
        for (int i : group) {
          RowParser.ParsedRow row = batch.get(i);
          if (row.error() != null) {
            results[i] = Result.FAILED;
            errors[i] = row.error();
            continue;
          }
          try {
            results[i] = rows.apply(row.command()) ? Result.IMPORTED : Result.UNCHANGED;
          } catch (ApiException e) {
            results[i] = Result.FAILED;
            errors[i] = new RowError(row.line(), e.field(), e.getMessage());
          }
        }
      }));
    }
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        // An AWS failure the SDK's retries did not absorb: the invocation fails, and the next one
        // continues from the last checkpoint.
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    long imported = 0;
    long unchanged = 0;
    List<RowError> failed = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      switch (results[i]) {
        case IMPORTED -> imported++;
        case UNCHANGED -> unchanged++;
        case FAILED -> failed.add(errors[i]);
      }
    }
    records.putErrors(progress.importId(), failed);
    ImportStatus next = progress.plus(imported, unchanged, failed.size(), batch.get(batch.size() - 1).line());
    records.checkpoint(next, format, false);
    return next;
  }

  private static String contactKey(Identity identity) {
    return identity.contactId() != null ? "id:" + identity.contactId()
        : identity.email() != null ? "email:" + identity.email() : "phone:" + identity.phone();
  }

  /** Every error of the import as CSV (line, field, message) at {@code reports/<importId>.csv}. */
  private String writeReport(String importId) {
    String reportKey = REPORT_PREFIX + importId + ".csv";
    try {
      // Spooled to /tmp: a file of a million bad rows would not fit in memory comfortably.
      Path file = Files.createTempFile("import-report", ".csv");
      try {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            CsvWriter csv = CsvWriter.builder().build(out)) {
          csv.writeRecord("line", "field", "message");
          records.forEachError(importId, Long.MAX_VALUE,
              e -> csv.writeRecord(Long.toString(e.line()), e.field() == null ? "" : e.field(), e.message()));
        }
        s3.putObject(b -> b.bucket(bucket).key(reportKey).contentType("text/csv; charset=utf-8"), RequestBody.fromFile(file));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return reportKey;
  }

  /** The import id: lower-case hex SHA-256 of the object's bytes (one streaming read). */
  private String sha256(String key) {
    try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key));
        DigestInputStream digest = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"))) {
      digest.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digest.getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
