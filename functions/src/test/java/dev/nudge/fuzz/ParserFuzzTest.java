package dev.nudge.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.ApiException;
import dev.nudge.platform.Json;
import dev.nudge.tracking.Caller;
import dev.nudge.tracking.IdentifyRequest;
import dev.nudge.tracking.TrackCommand;
import dev.nudge.workflows.BundledTemplates;
import dev.nudge.workflows.InvalidWorkflowException;
import dev.nudge.workflows.Workflows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Fuzz targets for the parsers that read untrusted input. The contract under any bytes: a request
 * body is either accepted or refused with a 400 naming a field; a workflow text is either loaded or
 * refused with its list of problems. Any other exception is a finding.
 *
 * <p>Inside {@code mvn verify} (no {@code JAZZER_FUZZ}) each target replays its seed inputs from
 * {@code src/test/resources/dev/nudge/fuzz/ParserFuzzTestInputs/<method>/}; docs/fuzzing.md gives
 * the command that fuzzes for real.
 */
class ParserFuzzTest {
  private static final Instant NOW = Instant.parse("2026-03-05T10:00:00Z");
  private static final Caller SERVER = new Caller.Server("fuzz");
  private static final Workflows WORKFLOWS = new Workflows(new BundledTemplates());

  @FuzzTest(maxDuration = "60s")
  void trackBodiesAreAcceptedOrRefusedWithA400NamingAField(byte[] body) {
    try {
      JsonNode tree = Json.parseBody(body);
      var commands = TrackCommand.parse(tree, SERVER, NOW, Duration.ofDays(365));
      assertThat(commands).isNotEmpty();
    } catch (ApiException refused) {
      assertRefusedAsBadInput(refused);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void identifyBodiesAreAcceptedOrRefusedWithA400NamingAField(byte[] body) {
    try {
      JsonNode tree = Json.parseBody(body);
      assertThat(IdentifyRequest.parse(tree, SERVER)).isNotNull();
    } catch (ApiException refused) {
      assertRefusedAsBadInput(refused);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void workflowTextsAreLoadedOrRefusedWithTheirProblems(byte[] text) {
    String yaml = new String(text, StandardCharsets.UTF_8);
    try {
      assertThat(WORKFLOWS.load(yaml)).isNotNull();
    } catch (InvalidWorkflowException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private static void assertRefusedAsBadInput(ApiException refused) {
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.field()).isNotBlank();
  }
}
