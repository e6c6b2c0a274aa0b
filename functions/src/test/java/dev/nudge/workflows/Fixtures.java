package dev.nudge.workflows;

/** Workflows shared by several test classes. */
public final class Fixtures {
  private Fixtures() {}

  /** One step of every kind (and every wait form), with a send window. */
  public static final String EVERY_KIND = """
      id: every-kind
      trigger: { event: signed.up }
      sendWindow: { from: "09:00", to: "18:00", days: [MON, TUE, WED, THU, FRI] }
      steps:
        - id: hello
          email: { template: welcome-1 }
        - id: pause
          wait: { duration: PT2H }
        - id: morning
          wait: { until: "09:30", days: [MON] }
        - id: before-renewal
          wait: { untilDate: renewal_date, offset: -P7D, at: "10:00" }
        - id: opened
          waitFor: { event: email.opened, step: hello, timeout: P2D }
          onEvent: decide
          onTimeout: text
        - id: text
          sms: { template: cart-sms }
        - id: decide
          branch:
            cases:
              - when: { score: { gte: 50 } }
                next: crm
              - when: { any: [ { inList: vip }, { consent: sms } ] }
                next: ab
            default: bye
        - id: crm
          webhook: { url: "https://crm.example.com/hook", timeout: PT5S, retries: 2 }
        - id: tag
          update: { set: { stage: sql }, addScore: 5 }
        - id: other
          enroll: { workflow: welcome-series }
          next: end
        - id: ab
          split:
            - { percent: 30, next: bye }
            - { percent: 70, next: other }
        - id: bye
          exit: {}
      """;
}
