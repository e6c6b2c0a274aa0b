package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import org.junit.jupiter.api.Test;

/** Each class of bad input is refused with the status and field named, and nothing is written. */
class TrackValidationTest {
  private final TrackingStack stack = new TrackingStack();

  private Response track(String body) {
    return stack.signed("POST /v1/track", body);
  }

  private void assertRefused(Response response, int status, String field) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.errorField()).isEqualTo(field);
    assertThat(response.json().path("error").path("message").asText()).isNotBlank();
    assertThat(stack.eventItems()).isZero();
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void refusesABodyLargerThan256KiBWith413() {
    String big = "x".repeat(Validation.MAX_BODY_BYTES);
    assertRefused(track("{\"id\":\"e\",\"type\":\"a\",\"contactId\":\"c\",\"properties\":{\"p\":\"" + big + "\"}}"),
        413, "body");
  }

  @Test
  void refusesABodyThatIsNotJson() {
    assertRefused(track("{\"id\":\"e\","), 400, "body");
  }

  @Test
  void refusesABodyThatIsNotAnObject() {
    assertRefused(track("[1,2]"), 400, "body");
  }

  @Test
  void refusesAnEventWithoutId() {
    assertRefused(track("{\"type\":\"page.viewed\",\"contactId\":\"c\"}"), 400, "id");
  }

  @Test
  void refusesAnIdThatIsNotAString() {
    assertRefused(track("{\"id\":42,\"type\":\"page.viewed\",\"contactId\":\"c\"}"), 400, "id");
  }

  @Test
  void refusesAnIdLongerThan128Characters() {
    assertRefused(track("{\"id\":\"" + "a".repeat(129) + "\",\"type\":\"page.viewed\",\"contactId\":\"c\"}"), 400, "id");
  }

  @Test
  void refusesAContactIdWithAColonBecauseDerivedIdsUseIt() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"anon:x\"}"), 400, "contactId");
  }

  @Test
  void refusesAnEventTypeThatIsNotDottedLowerCaseWords() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"Order Completed\",\"contactId\":\"c\"}"), 400, "type");
  }

  @Test
  void refusesAnEventThatNamesNoContact() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\"}"), 400, "contactId");
  }

  @Test
  void refusesAnUnknownTopLevelFieldRatherThanLoseWhatItCarried() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"propertees\":{}}"), 400, "propertees");
  }

  @Test
  void refusesAMalformedEmail() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"email\":\"ana@@example\"}"), 400, "email");
  }

  @Test
  void refusesAnEmailWithoutADomainDot() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"email\":\"ana@localhost\"}"), 400, "email");
  }

  @Test
  void refusesAPhoneWithoutCountryCode() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"phone\":\"612345678\"}"), 400, "phone");
  }

  @Test
  void refusesAPhoneNumberThatCannotExist() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"phone\":\"+34 123\"}"), 400, "phone");
  }

  @Test
  void refusesATimestampWithoutOffset() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"occurredAt\":\"2025-12-31T10:00:00\"}"),
        400, "occurredAt");
  }

  @Test
  void refusesATimestampMoreThanFiveMinutesInTheFuture() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"occurredAt\":\"2026-01-01T00:05:01Z\"}"),
        400, "occurredAt");
  }

  @Test
  void acceptsATimestampWithinFiveMinutesOfClockSkew() {
    Response response = track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"occurredAt\":\"2026-01-01T00:04:59Z\"}");
    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void refusesATimestampOlderThanTheEventRetention() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"occurredAt\":\"2024-01-01T00:00:00Z\"}"),
        400, "occurredAt");
  }

  @Test
  void refusesPropertiesThatAreNotAnObject() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"page.viewed\",\"contactId\":\"c\",\"properties\":[1]}"), 400, "properties");
  }

  @Test
  void refusesPropertiesNestedDeeperThanFiveLevels() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"a\",\"contactId\":\"c\",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}}"),
        400, "properties.a.b.c.d.e");
  }

  @Test
  void refusesMoreThan100PropertyKeys() {
    StringBuilder props = new StringBuilder();
    for (int i = 0; i <= Validation.MAX_PROPERTY_KEYS; i++) {
      props.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    assertRefused(track("{\"id\":\"e\",\"type\":\"a\",\"contactId\":\"c\",\"properties\":{" + props + "}}"),
        400, "properties.k100");
  }

  @Test
  void refusesAPropertyStringLongerThan2048Characters() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"a\",\"contactId\":\"c\",\"properties\":{\"note\":\"" + "x".repeat(2049) + "\"}}"),
        400, "properties.note");
  }

  @Test
  void refusesANumberDynamoDbCannotStore() {
    assertRefused(track("{\"id\":\"e\",\"type\":\"a\",\"contactId\":\"c\",\"properties\":{\"n\":1e200}}"), 400, "properties.n");
  }

  @Test
  void refusesABatchOfMoreThan100Events() {
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    for (int i = 0; i <= Validation.MAX_BATCH; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(i).append("\",\"type\":\"a\",\"contactId\":\"c\"}");
    }
    assertRefused(track(batch + "]}"), 400, "batch");
  }

  @Test
  void refusesAnEmptyBatch() {
    assertRefused(track("{\"batch\":[]}"), 400, "batch");
  }

  @Test
  void refusesDuplicateKeysInTheBody() {
    assertRefused(track("{\"id\":\"e\",\"id\":\"f\",\"type\":\"a\",\"contactId\":\"c\"}"), 400, "body");
  }
}
