package dev.nudge.local;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns measured per-journey and per-event usage into monthly AWS bills for 1k, 100k and 1M
 * contacts under two stated scenarios (journeys per contact per month). Everything here is
 * arithmetic on {@link CostPerJourneyTest}'s measurements and {@link ListPrices}; docs/scaling.md
 * explains the scenarios.
 */
final class MonthlyModel {
  private MonthlyModel() {}

  /** Usage of one unit (a journey of a path, or one tracked event). */
  record Usage(double transitions, double invocations, double readUnits, double writeUnits, double emails, double sms) {
    Usage plus(Usage o, double times) {
      return new Usage(transitions + o.transitions * times, invocations + o.invocations * times,
          readUnits + o.readUnits * times, writeUnits + o.writeUnits * times, emails + o.emails * times, sms + o.sms * times);
    }

    Usage times(double f) {
      return new Usage(transitions * f, invocations * f, readUnits * f, writeUnits * f, emails * f, sms * f);
    }

    double awsWithoutSms() {
      return ListPrices.stepFunctions(transitions) + ListPrices.lambda(invocations) + ListPrices.logs(invocations)
          + ListPrices.dynamo(readUnits, writeUnits) + ListPrices.email(emails);
    }
  }

  /** Per contact per month: journeys of each measured path (keys as in {@link #key}) and tracked events. */
  record Scenario(String name, Map<String, Double> journeys, double trackedEvents) {}

  static final Scenario TYPICAL;
  static final Scenario HEAVY;

  static {
    Map<String, Double> typical = new LinkedHashMap<>();
    typical.put("welcome-series", 0.05);
    typical.put("abandoned-cart:offer", 0.15);
    typical.put("abandoned-cart:sms", 0.15);
    typical.put("birthday", 1.0 / 12);
    typical.put("lead-nurturing", 0.05);
    typical.put("re-engagement", 1.0 / 3);
    typical.put("subject-line-test", 4.0);
    TYPICAL = new Scenario("typical", typical, 30);
    Map<String, Double> heavy = new LinkedHashMap<>();
    heavy.put("welcome-series", 1.0);
    heavy.put("abandoned-cart:offer", 0.5);
    heavy.put("abandoned-cart:sms", 0.5);
    heavy.put("birthday", 1.0);
    heavy.put("lead-nurturing", 1.0);
    heavy.put("re-engagement", 1.0);
    heavy.put("subject-line-test", 1.0);
    HEAVY = new Scenario("one of each", heavy, 30);
  }

  /** Scheduled functions: rate(15 minutes) + 2 × rate(5 minutes), 30 days. */
  static final double SCHEDULED_INVOCATIONS_PER_MONTH = 30 * 24 * (4 + 12 + 12);
  /** Assumed: custom metrics the six bundled workflows keep alive (see docs/scaling.md), at $0.30 each. */
  static final double ASSUMED_CUSTOM_METRICS = 160;
  static final double PER_CUSTOM_METRIC = 0.30;
  /** 8 standard alarms at $0.10, one dashboard at $3 (beyond the free three). */
  static final double ALARMS_AND_DASHBOARD = 8 * 0.10 + 3.0;
  /** HTTP API: $1.00 per million requests; one request per tracked event (no batching assumed). */
  static final double PER_API_REQUEST = 1.0 / 1_000_000;
  /** Assumed US SMS price per message part: AWS's fee plus an average carrier fee. */
  static final double ASSUMED_US_SMS = 0.00883;

  static String key(String workflow, String path) {
    if (workflow.equals("abandoned-cart")) {
      return path.endsWith("sms") ? "abandoned-cart:sms" : "abandoned-cart:offer";
    }
    return workflow;
  }

  static double fixedPerMonth() {
    return ListPrices.lambda(SCHEDULED_INVOCATIONS_PER_MONTH) + ListPrices.logs(SCHEDULED_INVOCATIONS_PER_MONTH)
        + ASSUMED_CUSTOM_METRICS * PER_CUSTOM_METRIC + ALARMS_AND_DASHBOARD;
  }

  static String markdown(Map<String, Usage> perJourney, Usage perEvent) {
    StringBuilder md = new StringBuilder();
    md.append("\n## Monthly bills (computed from the measurements above)\n\n");
    md.append(String.format(Locale.ROOT, "Fixed per month, whatever the contacts: $%.2f (scheduled functions %.0f invocations, "
        + "%.0f custom metrics assumed, 8 alarms, 1 dashboard). SMS at an assumed US $%.5f per message part.%n%n",
        fixedPerMonth(), SCHEDULED_INVOCATIONS_PER_MONTH, ASSUMED_CUSTOM_METRICS, ASSUMED_US_SMS));
    md.append("| scenario | contacts | journeys | transitions | Lambda requests | RRU | WRU | e-mails | SMS | AWS $ without SMS | SMS $ (US) | total $ |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Scenario s : new Scenario[] {TYPICAL, HEAVY}) {
      Usage perContact = perEvent.times(s.trackedEvents());
      double journeys = 0;
      for (Map.Entry<String, Double> e : s.journeys().entrySet()) {
        Usage u = perJourney.get(e.getKey());
        if (u != null) {
          perContact = perContact.plus(u, e.getValue());
          journeys += e.getValue();
        }
      }
      for (long contacts : new long[] {1_000, 100_000, 1_000_000}) {
        Usage total = perContact.times(contacts);
        double aws = total.awsWithoutSms() + s.trackedEvents() * contacts * PER_API_REQUEST + fixedPerMonth();
        double sms = total.sms() * ASSUMED_US_SMS;
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.2f | %,.2f | %,.2f |%n",
            s.name(), contacts, journeys * contacts, total.transitions(), total.invocations(), total.readUnits(),
            total.writeUnits(), total.emails(), total.sms(), aws, sms, aws + sms));
      }
    }
    return md.toString();
  }
}
