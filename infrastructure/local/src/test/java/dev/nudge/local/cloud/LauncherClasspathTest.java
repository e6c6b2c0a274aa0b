package dev.nudge.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `./nudge local` runs with the classpath Maven writes to target/classpath.txt (runtime scope), not
 * the test classpath. A dependency narrowed to test scope in this POM silently drops it there, and
 * every handler then fails at its first SDK call: this pins what the handlers need at run time.
 */
class LauncherClasspathTest {
  @Test
  void theLauncherClasspathHoldsTheFunctionsAndTheSdkPiecesTheHandlersUse() throws Exception {
    Path file = Path.of(System.getProperty("nudge.repo.root", "../.."), "infrastructure", "local", "target", "classpath.txt");
    List<String> entries = List.of(Files.readString(file).trim().split(java.io.File.pathSeparator));
    // The functions module is its jar after `package`, its classes folder when only `test` ran.
    assertThat(entries).anyMatch(e -> e.contains("nudge-functions") || e.endsWith("functions/target/classes"));
    for (String needed : List.of("url-connection-client", "/dynamodb/", "/sesv2/", "/pinpointsmsvoicev2/", "/sfn/",
        "/eventbridge/", "/ssm/", "/secretsmanager/", "DynamoDBLocal", "jackson-dataformat-yaml", "aws-lambda-java-core")) {
      assertThat(entries).as("launcher classpath entry matching " + needed).anyMatch(e -> e.contains(needed));
    }
  }
}
