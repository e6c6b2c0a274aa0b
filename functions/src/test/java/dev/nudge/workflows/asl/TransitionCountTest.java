package dev.nudge.workflows.asl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.workflows.Workflows;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The cost goal: at most two state transitions per step on every journey path. */
class TransitionCountTest {
  static final List<String> BUNDLED = Workflows.BUNDLED;

  @ParameterizedTest
  @FieldSource("BUNDLED")
  void everyPathCostsAtMostTwoTransitionsPerStep(String id) {
    List<TransitionReport.Path> paths = TransitionReport.paths(Compiled.definition(id));
    assertThat(paths).isNotEmpty();
    for (TransitionReport.Path path : paths) {
      assertThat(path.stepTransitions()).as(id + ": " + path.label()).isLessThanOrEqualTo(2 * path.steps().size());
      // An exit step ends the journey itself (outcome exited): Enter is then the only journey state.
      boolean exits = Compiled.bundled(id).step(path.steps().get(path.steps().size() - 1)).orElseThrow().action()
          instanceof dev.nudge.workflows.Step.Exit;
      assertThat(path.journeyTransitions()).as("Enter, and Complete unless an exit step ended it").isEqualTo(exits ? 1 : 2);
    }
  }

  @Test
  void everyStepKindStaysWithinTwoTransitions() {
    for (TransitionReport.Path path : TransitionReport.paths(Compiled.inline(AslCompilerTest.EVERY_KIND))) {
      assertThat(path.stepTransitions()).as(path.label()).isLessThanOrEqualTo(2 * path.steps().size());
    }
  }

  @Test
  void enumeratesBothOutcomesOfAWaitFor() {
    assertThat(TransitionReport.paths(Compiled.definition("abandoned-cart")))
        .extracting(TransitionReport.Path::label)
        .containsExactly("wait-1h → reminder → reminder-opened → offer", "wait-1h → reminder → reminder-opened → sms");
  }

  @Test
  void countsTheStatesOfTheWelcomeSeries() {
    ObjectNode welcome = Compiled.definition("welcome-series");
    TransitionReport.Path only = TransitionReport.paths(welcome).get(0);
    assertThat(only.states()).containsExactly("Enter", "welcome", "wait-2d", "getting-started", "wait-12d", "feedback", "Complete");
    assertThat(only.transitions()).isEqualTo(7);
  }
}
