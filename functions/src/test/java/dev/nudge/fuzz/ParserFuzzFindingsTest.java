package dev.nudge.fuzz;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import dev.nudge.tracking.Caller;
import dev.nudge.tracking.IdentifyRequest;
import dev.nudge.tracking.TrackCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Regression tests for what ParserFuzzTest found, one each. */
class ParserFuzzFindingsTest {
  private static final Caller SERVER = new Caller.Server("k1");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEmptyTrackBodyIsRefusedNamingTheBody() {
    assertThatThrownBy(() -> TrackCommand.parse(Json.parseBody(new byte[0]), SERVER, Instant.EPOCH, Duration.ofDays(1)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(400);
          org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo("body");
        });
  }

  @Test
  void aNullIdentifyBodyIsRefusedNamingTheBody() {
    assertThatThrownBy(() -> IdentifyRequest.parse(Json.parseBody(bytes("null")), SERVER))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(400);
          org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo("body");
        });
  }

  @Test
  void anArrayTrackBodyIsRefusedNamingTheBody() {
    assertThatThrownBy(() -> TrackCommand.parse(Json.parseBody(bytes("[1]")), SERVER, Instant.EPOCH, Duration.ofDays(1)))
        .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo("body"));
  }

  @Test
  void anEmptyKeyIsRefusedAsAnUnknownFieldNamedByItsQuotes() {
    assertThatThrownBy(() -> TrackCommand.parse(Json.parseBody(bytes("{\"\":[]}")), SERVER, Instant.EPOCH, Duration.ofDays(1)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(400);
          org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo("\"\"");
        });
  }

  @Test
  void aBlankKeyIsRefusedAsAnUnknownFieldNamedByItsQuotes() {
    assertThatThrownBy(() -> IdentifyRequest.parse(Json.parseBody(bytes("{\" \":\"\"}")), SERVER))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(400);
          org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo("\" \"");
        });
  }

  @Test
  void aWorkflowWhoseBranchCaseHasNoReadableNextIsRefusedWithProblemsNotANullPointer() throws Exception {
    String text;
    try (var in = getClass().getResourceAsStream(
        "ParserFuzzTestInputs/workflowTextsAreLoadedOrRefusedWithTheirProblems/branch-case-without-next")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String input = text;
    assertThatThrownBy(() -> new dev.nudge.workflows.Workflows(new dev.nudge.workflows.BundledTemplates()).load(input))
        .isInstanceOf(dev.nudge.workflows.InvalidWorkflowException.class);
  }
}
