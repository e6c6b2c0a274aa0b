package dev.nudge.local.states.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatesExceptionTest {

  @Test
  void carriesErrorAndCause() {
    StatesException e = new StatesException(StatesException.TASK_FAILED, "boom");
    assertThat(e.error()).isEqualTo("States.TaskFailed");
    assertThat(e.cause()).isEqualTo("boom");
    assertThat(e.getMessage()).isEqualTo("States.TaskFailed: boom");
  }

  // AWS causes name the state and the event that entered it, e.g. "An error occurred while
  // executing the state 'Glue StartJobRun' (entered at the event id #8). The JSONPath ...".
  @Test
  void inStatePrefixesTheCauseAsAwsDoes() {
    StatesException e = new StatesException(StatesException.RUNTIME, "Invalid path '$.foo' : No results for path: $['foo']")
        .inState("Pass", 2);
    assertThat(e.error()).isEqualTo("States.Runtime");
    assertThat(e.cause()).isEqualTo("An error occurred while executing the state 'Pass' (entered at the event id #2)."
        + " Invalid path '$.foo' : No results for path: $['foo']");
  }

  @Test
  void predefinedErrorNamesAreAwsSpellings() {
    assertThat(StatesException.ALL).isEqualTo("States.ALL");
    assertThat(StatesException.NO_CHOICE_MATCHED).isEqualTo("States.NoChoiceMatched");
    assertThat(StatesException.EXCEED_TOLERATED_FAILURE_THRESHOLD).isEqualTo("States.ExceedToleratedFailureThreshold");
    assertThat(StatesException.HEARTBEAT_TIMEOUT).isEqualTo("States.HeartbeatTimeout");
  }
}
