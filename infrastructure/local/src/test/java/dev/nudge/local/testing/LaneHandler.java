package dev.nudge.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stream consumer for the lane tests, shaped like the router: it handles a batch's records in
 * order (each record's {@code note}), and at the first one it cannot handle it stops and reports
 * that record's sequence number (ReportBatchItemFailures), so the rest of the batch is retried
 * after it. A test makes a note block until released ({@link #block}) or fail ({@link #FAILING}).
 */
public final class LaneHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Notes handled, in the order they were handled (across all lanes). */
  public static final List<String> HANDLED = new CopyOnWriteArrayList<>();
  /** Every batch received, as its notes in order, failed or not. */
  public static final List<List<String>> BATCHES = new CopyOnWriteArrayList<>();
  /** Notes that fail while they are in this set. */
  public static final Set<String> FAILING = ConcurrentHashMap.newKeySet();
  private static final Map<String, CountDownLatch> BLOCKS = new ConcurrentHashMap<>();
  private static final Map<String, CountDownLatch> REACHED = new ConcurrentHashMap<>();

  /** Makes {@code note} wait, when its batch reaches it, until the returned latch is counted down. */
  public static CountDownLatch block(String note) {
    REACHED.put(note, new CountDownLatch(1));
    return BLOCKS.computeIfAbsent(note, k -> new CountDownLatch(1));
  }

  /** Waits until a batch is waiting at the blocked {@code note}. */
  public static boolean awaitBlocked(String note, long seconds) throws InterruptedException {
    return REACHED.get(note).await(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = JSON.readTree(input);
    List<String> notes = new ArrayList<>();
    event.path("Records").forEach(r -> notes.add(note(r)));
    BATCHES.add(List.copyOf(notes));
    ObjectNode response = JSON.createObjectNode();
    var failures = response.putArray("batchItemFailures");
    for (JsonNode record : event.path("Records")) {
      String note = note(record);
      CountDownLatch block = BLOCKS.get(note);
      if (block != null) {
        REACHED.get(note).countDown();
        try {
          if (!block.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released: " + note);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      if (FAILING.contains(note)) {
        failures.addObject().put("itemIdentifier", record.path("dynamodb").path("SequenceNumber").asText());
        break;
      }
      HANDLED.add(note);
    }
    output.write(JSON.writeValueAsBytes(response));
  }

  private static String note(JsonNode record) {
    return record.path("dynamodb").path("NewImage").path("note").path("S").asText();
  }
}
