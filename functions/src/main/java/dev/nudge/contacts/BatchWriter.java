package dev.nudge.contacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** BatchWriteItem in chunks of 25, resubmitting what DynamoDB leaves unprocessed under throttling. */
final class BatchWriter {
  private BatchWriter() {}

  static void write(DynamoDbClient ddb, String table, List<WriteRequest> requests) {
    for (int i = 0; i < requests.size(); i += 25) {
      List<WriteRequest> chunk = new ArrayList<>(requests.subList(i, Math.min(i + 25, requests.size())));
      int attempt = 0;
      while (!chunk.isEmpty()) {
        var unprocessed = ddb.batchWriteItem(b -> b.requestItems(Map.of(table, chunk))).unprocessedItems();
        chunk.clear();
        if (unprocessed.containsKey(table)) {
          chunk.addAll(unprocessed.get(table));
          backOff(++attempt);
        }
      }
    }
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(Math.min(1000L, 25L << Math.min(attempt, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a batch", e);
    }
  }
}
