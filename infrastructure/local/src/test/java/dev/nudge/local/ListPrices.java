package dev.nudge.local;

/**
 * AWS list prices in US East (N. Virginia), as read on 2026-12-04 (sources in docs/scaling.md),
 * and the assumptions that turn a measured journey into dollars. Free tiers are left out.
 */
final class ListPrices {
  private ListPrices() {}

  static final String AS_OF = "2026-12-04";

  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  static final double PER_STATE_TRANSITION = 0.025 / 1_000;
  /** Lambda: $0.20 per 1M requests. */
  static final double PER_LAMBDA_REQUEST = 0.20 / 1_000_000;
  /** Lambda arm64 (the template's architecture): $0.0000133334 per GB-second (first 7.5 billion GB-s a month). */
  static final double PER_ARM_GB_SECOND = 0.0000133334;
  /** DynamoDB on demand: $0.625 per million write request units. */
  static final double PER_WRITE_UNIT = 0.625 / 1_000_000;
  /** DynamoDB on demand: $0.125 per million read request units. */
  static final double PER_READ_UNIT = 0.125 / 1_000_000;
  /** SES: $0.10 per 1,000 e-mails sent (outbound, not from EC2). */
  static final double PER_EMAIL = 0.10 / 1_000;
  /** CloudWatch Logs: $0.50 per GB ingested (Standard log class). */
  static final double PER_LOG_GB = 0.50;

  /** Assumed: the average billed duration of a Nudge invocation (warm; SnapStart restores not counted). */
  static final double ASSUMED_SECONDS_PER_INVOCATION = 0.1;
  /** The template's MemorySize: 1024 MB. */
  static final double GB_PER_FUNCTION = 1.0;
  /** Assumed: log bytes (JSON lines, EMF metrics, START/END/REPORT lines) per invocation. */
  static final double ASSUMED_LOG_BYTES_PER_INVOCATION = 1_500;

  static double stepFunctions(double transitions) {
    return transitions * PER_STATE_TRANSITION;
  }

  static double lambda(double invocations) {
    return invocations * (PER_LAMBDA_REQUEST + ASSUMED_SECONDS_PER_INVOCATION * GB_PER_FUNCTION * PER_ARM_GB_SECOND);
  }

  static double logs(double invocations) {
    return invocations * ASSUMED_LOG_BYTES_PER_INVOCATION / 1e9 * PER_LOG_GB;
  }

  static double dynamo(double readUnits, double writeUnits) {
    return readUnits * PER_READ_UNIT + writeUnits * PER_WRITE_UNIT;
  }

  static double email(double emails) {
    return emails * PER_EMAIL;
  }
}
