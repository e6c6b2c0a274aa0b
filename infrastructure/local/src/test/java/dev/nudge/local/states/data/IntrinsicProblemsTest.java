package dev.nudge.local.states.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What is wrong with an intrinsic call before it ever runs (reported at CreateStateMachine). */
class IntrinsicProblemsTest {

  @Test
  void wellFormedCallHasNoProblems() {
    assertThat(Intrinsics.problems("States.Format('{} and {}', $.a, States.ArrayLength($.b))")).isEmpty();
  }

  @Test
  void unknownFunctionIsAProblem() {
    assertThat(Intrinsics.problems("States.Nope()")).containsExactly("unsupported intrinsic function 'States.Nope'");
  }

  @Test
  void tooManyArgumentsIsAProblem() {
    assertThat(Intrinsics.problems("States.UUID(1)")).containsExactly("States.UUID takes 0 argument(s) but was given 1");
  }

  @Test
  void tooFewArgumentsIsAProblem() {
    assertThat(Intrinsics.problems("States.MathRandom(1)")).containsExactly(
        "States.MathRandom takes 2 to 3 arguments but was given 1");
  }

  // Developer guide: States.JsonToString "takes a single argument. This argument must be a Path".
  @Test
  void jsonToStringOfALiteralIsAProblem() {
    assertThat(Intrinsics.problems("States.JsonToString('literal')")).hasSize(1);
  }

  @Test
  void formatPlaceholderCountMismatchIsAProblem() {
    assertThat(Intrinsics.problems("States.Format('{} {}', 1)")).hasSize(1);
  }

  @Test
  void literalOfTheWrongTypeIsAProblem() {
    assertThat(Intrinsics.problems("States.ArrayRange(1, 'x', 1)")).containsExactly(
        "The second argument of States.ArrayRange must be a number but was \"x\"");
  }

  @Test
  void literalWhereAnArrayIsNeededIsAProblem() {
    assertThat(Intrinsics.problems("States.ArrayLength('abc')")).hasSize(1);
  }

  @Test
  void deepJsonMergeIsAProblem() {
    assertThat(Intrinsics.problems("States.JsonMerge($.a, $.b, true)")).hasSize(1);
  }

  @Test
  void unsupportedHashAlgorithmLiteralIsAProblem() {
    assertThat(Intrinsics.problems("States.Hash('x', 'SHA-3')")).hasSize(1);
  }

  @Test
  void pathArgumentsAreNotTypeCheckedBeforeTheyRun() {
    assertThat(Intrinsics.problems("States.MathAdd($.a, 1)")).isEmpty();
  }

  // Developer guide: "You can nest up to 10 intrinsic functions within a field".
  @Test
  void tenNestedCallsAreAllowed() {
    assertThat(Intrinsics.problems("States.Array(".repeat(10) + ")".repeat(10))).isEmpty();
  }

  @Test
  void elevenNestedCallsAreAProblem() {
    assertThat(Intrinsics.problems("States.Array(".repeat(11) + ")".repeat(11))).isNotEmpty();
  }

  @Test
  void syntaxErrorIsAProblem() {
    assertThat(Intrinsics.problems("States.Array(1,")).hasSize(1);
  }

  @Test
  void textAfterTheCallIsAProblem() {
    assertThat(Intrinsics.problems("States.UUID() extra")).hasSize(1);
  }

  @Test
  void invalidPathArgumentIsAProblem() {
    assertThat(Intrinsics.problems("States.Array($.a b)")).hasSize(1);
  }
}
