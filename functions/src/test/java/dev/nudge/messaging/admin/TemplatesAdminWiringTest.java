package dev.nudge.messaging.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Environment;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TemplateTables;
import dev.nudge.testing.TrackingStack;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The no-argument constructor, as Lambda calls it: tables and brand from the environment, SDK clients from the default chain. */
class TemplatesAdminWiringTest {
  private static final String[] PROPERTIES = {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"};

  @BeforeAll
  static void pointTheSdkAtDynamoDbLocal() {
    System.setProperty("aws.endpointUrl", LocalDynamoDb.endpoint().toString());
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  @AfterAll
  static void restore() {
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
  }

  @Test
  void aHandlerBuiltFromItsEnvironmentSavesAndPreviewsInTheBrandLayout() {
    TrackingStack stack = new TrackingStack();
    Map<String, String> variables = new HashMap<>(stack.env.variables());
    variables.put("TEMPLATES_TABLE", TemplateTables.create(stack.ddb, "TemplatesTable"));
    variables.put("EMAIL_FROM", "nudge@example.com");
    variables.put("BRAND_NAME", "Acme");
    variables.put("BRAND_COLOR", "#0f766e");
    variables.put("BRAND_POSTAL_ADDRESS", "1 Main St");
    TemplatesAdminHandler handler = Environment.with(new Environment(variables, stack.clock), TemplatesAdminHandler::new);

    ObjectNode put = TrackingStack.event("track-signed.json", "PUT /v1/templates/{id}",
        "{\"channel\":\"email\",\"locales\":{\"en\":{\"subject\":\"Hi\",\"html\":\"<p>Hello {{ brand }}</p>\"}}}");
    put.putObject("pathParameters").put("id", "wired");
    assertThat(TrackingStack.invoke(handler, put).status()).isEqualTo(201);

    ObjectNode preview = TrackingStack.event("track-signed.json", "POST /v1/templates/{id}/preview", "{}");
    preview.putObject("pathParameters").put("id", "wired");
    var response = TrackingStack.invoke(handler, preview);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("html").asText()).contains("<p>Hello Acme</p>").contains("#0f766e").contains("1 Main St");
  }
}
