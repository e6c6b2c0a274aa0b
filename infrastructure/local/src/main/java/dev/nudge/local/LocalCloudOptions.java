package dev.nudge.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to start the local cloud.
 *
 * @param dataDir where DynamoDB, executions, the outbox and config.json persist; null = in memory
 * @param port the one HTTP port (AWS endpoint, HTTP API, local page); 0 = any free port
 * @param timeScale how many times faster than real time the virtual clock runs (0 = frozen)
 * @param parameters template parameter overrides (--param K=V)
 */
public record LocalCloudOptions(Path template, Path dataDir, int port, double timeScale, Map<String, String> parameters) {
  public static final String STACK_NAME = "nudge";
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT_ID = "000000000000";

  public LocalCloudOptions {
    parameters = Map.copyOf(parameters);
  }

  public static LocalCloudOptions inMemory(Path template) {
    return new LocalCloudOptions(template, null, 0, 1.0, Map.of());
  }
}
