package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.platform.Log;
import dev.nudge.testing.TrackingStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class NoPersonalDataInLogsTest {
  private final TrackingStack stack = new TrackingStack();

  @Test
  void neitherAcceptedNorRefusedRequestsLogEmailsOrPhones() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = Log.redirect(new PrintStream(captured, true));
    try {
      stack.signed("POST /v1/track", "{\"id\":\"e1\",\"type\":\"a\",\"email\":\"lena@example.com\"}");
      stack.signed("POST /v1/track", "{\"id\":\"e2\",\"type\":\"a\",\"email\":\"lena@@example.com\"}");
      stack.signed("POST /v1/track", "{\"id\":\"e3\",\"type\":\"a\",\"phone\":\"+48 601 234 999\"}");
      stack.signed("POST /v1/track", "{\"id\":\"e4\",\"type\":\"a\",\"phone\":\"+48 601\"}");
      stack.signed("POST /v1/identify", "{\"contactId\":\"x\",\"email\":\"lena@example.com\"}");
      stack.secrets.put("/nudge/signing-keys", "not json");
      stack.signed("POST /v1/identify", "{\"contactId\":\"y\",\"email\":\"lena2@example.com\"}");
    } finally {
      Log.redirect(previous);
    }
    String logs = captured.toString();
    assertThat(logs).contains("\"refused\"").contains("\"failed\"");
    assertThat(logs).doesNotContain("lena").doesNotContain("601").doesNotContain("example.com");
  }

  @Test
  void neitherAcceptedNorRefusedLocationsAreLogged() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = Log.redirect(new PrintStream(captured, true));
    try {
      stack.signed("POST /v1/identify", "{\"contactId\":\"x\",\"location\":{\"city\":\"Villarrubia\","
          + "\"lat\":39.1234,\"lon\":-3.5678}}");
      stack.signed("POST /v1/identify", "{\"contactId\":\"y\",\"location\":{\"city\":\"Villarrubia\","
          + "\"lat\":39.1234,\"lon\":-183.5678}}");
    } finally {
      Log.redirect(previous);
    }
    String logs = captured.toString();
    assertThat(logs).contains("\"refused\"").contains("location.lon");
    assertThat(logs).doesNotContain("Villarrubia").doesNotContain("39.1234").doesNotContain("5678");
  }
}
