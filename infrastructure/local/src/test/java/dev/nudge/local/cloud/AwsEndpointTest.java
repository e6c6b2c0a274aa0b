package dev.nudge.local.cloud;

import static dev.nudge.local.testing.TestClouds.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.local.LocalCloud;
import dev.nudge.local.aws.Outbox;
import dev.nudge.local.testing.RecordingHandler;
import dev.nudge.local.testing.TestClouds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** The local AWS endpoint, driven by the real SDK v2 clients. */
class AwsEndpointTest {
  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestClouds.start(TestClouds.fixture("local-cloud.yaml"), 1.0);
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @Test
  void createsTablesWithKeysIndexesStreamAndTtl() {
    try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      DescribeTableResponse table = dynamo.describeTable(b -> b.tableName("nudge-ItemsTable"));
      assertThat(table.table().keySchema()).extracting(k -> k.attributeName()).containsExactly("pk", "sk");
      assertThat(table.table().globalSecondaryIndexes()).extracting(i -> i.indexName()).containsExactly("byEmail");
      assertThat(table.table().localSecondaryIndexes()).extracting(i -> i.indexName()).containsExactly("byEmailInPartition");
      assertThat(table.table().streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_AND_OLD_IMAGES");
      DescribeTimeToLiveResponse ttl = dynamo.describeTimeToLive(b -> b.tableName("nudge-ItemsTable"));
      assertThat(ttl.timeToLiveDescription().attributeName()).isEqualTo("expiresAt");
      assertThat(dynamo.describeTable(b -> b.tableName("nudge-Settings")).table().keySchema().get(0).attributeName())
          .isEqualTo("key");
    }
  }

  @Test
  void passesDynamoDbReadsAndWritesThrough() {
    try (DynamoDbClient dynamo = client(DynamoDbClient.builder(), cloud)) {
      dynamo.putItem(b -> b.tableName("nudge-Settings").item(Map.of("key", AttributeValue.fromS("a"), "v", AttributeValue.fromN("1"))));
      assertThat(dynamo.getItem(b -> b.tableName("nudge-Settings").key(Map.of("key", AttributeValue.fromS("a")))).item().get("v").n())
          .isEqualTo("1");
    }
  }

  @Test
  void sendsASimpleEmailToTheOutboxAsAnEmlFileAndPublishesSentAndDelivered() throws Exception {
    String id;
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      id = ses.sendEmail(b -> b.fromEmailAddress("hello@shop.example")
          .destination(d -> d.toAddresses("ana@example.com"))
          .configurationSetName("nudge-test")
          .emailTags(t -> t.name("workflow").value("welcome"), t -> t.name("step").value("w1"))
          .content(c -> c.simple(m -> m.subject(s -> s.data("Welcome, Ana"))
              .body(body -> body.html(h -> h.data("<p>Hi <a href=\"https://shop.example/x\">there</a></p>"))
                  .text(t -> t.data("Hi there")))))).messageId();
    }
    Outbox.Message message = cloud.outbox().get(id).orElseThrow();
    assertThat(message.subject()).isEqualTo("Welcome, Ana");
    assertThat(message.tags()).containsEntry("workflow", List.of("welcome"));
    List<JsonNode> events = sesEventsFor(id, 2);
    assertThat(events).extracting(e -> e.path("detail-type").asText()).containsExactlyInAnyOrder("Email Sent", "Email Delivered");
    JsonNode delivered = events.stream().filter(e -> e.path("detail-type").asText().equals("Email Delivered")).findFirst().orElseThrow();
    assertThat(delivered.path("source").asText()).isEqualTo("aws.ses");
    assertThat(delivered.path("detail").path("eventType").asText()).isEqualTo("Delivery");
    assertThat(delivered.path("detail").path("mail").path("messageId").asText()).isEqualTo(id);
    assertThat(delivered.path("detail").path("mail").path("tags").path("workflow").get(0).asText()).isEqualTo("welcome");
    assertThat(delivered.path("detail").path("mail").path("tags").path("ses:configuration-set").get(0).asText()).isEqualTo("nudge-test");
    assertThat(delivered.path("detail").path("delivery").path("recipients").get(0).asText()).isEqualTo("ana@example.com");
  }

  private static String sendTo(String address) {
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      return ses.sendEmail(b -> b.fromEmailAddress("hello@shop.example").destination(d -> d.toAddresses(address))
          .configurationSetName("nudge-test")
          .content(c -> c.simple(m -> m.subject(s -> s.data("Hi")).body(body -> body.text(t -> t.data("Hi")))))).messageId();
    }
  }

  @Test
  void mailToTheSimulatorsBounceAddressBouncesAndIsNeverDelivered() throws Exception {
    String id = sendTo("bounce+cart-7@simulator.amazonses.com");
    List<JsonNode> events = sesEventsFor(id, 2);
    assertThat(events).extracting(e -> e.path("detail-type").asText()).containsExactlyInAnyOrder("Email Sent", "Email Bounced");
    JsonNode bounce = events.stream().filter(e -> e.path("detail-type").asText().equals("Email Bounced")).findFirst().orElseThrow();
    assertThat(bounce.path("detail").path("bounce").path("bounceType").asText()).isEqualTo("Permanent");
    assertThat(cloud.outbox().get(id).orElseThrow().events()).containsExactly("Send", "Bounce");
  }

  @Test
  void mailToTheSimulatorsComplaintAddressIsDeliveredThenComplainedAbout() throws Exception {
    String id = sendTo("complaint@simulator.amazonses.com");
    List<JsonNode> events = sesEventsFor(id, 3);
    assertThat(events).extracting(e -> e.path("detail-type").asText())
        .containsExactlyInAnyOrder("Email Sent", "Email Delivered", "Email Complaint Received");
  }

  @Test
  void simulatedClickPublishesEmailClickedWithTheLink() throws Exception {
    String id;
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      id = ses.sendEmail(b -> b.fromEmailAddress("hello@shop.example").destination(d -> d.toAddresses("bo@example.com"))
          .configurationSetName("nudge-test")
          .content(c -> c.simple(m -> m.subject(s -> s.data("Offer")).body(body -> body.html(h -> h.data(
              "<a href=\"https://shop.example/offer\">Offer</a>")))))).messageId();
    }
    sesEventsFor(id, 2);
    cloud.ses().simulate(id, "click", null);
    JsonNode click = sesEventsFor(id, 1).get(0);
    assertThat(click.path("detail-type").asText()).isEqualTo("Email Clicked");
    assertThat(click.path("detail").path("click").path("link").asText()).isEqualTo("https://shop.example/offer");
    assertThat(cloud.outbox().get(id).orElseThrow().events()).contains("Click");
  }

  @Test
  void sendsARawEmail() {
    String raw = "From: hello@shop.example\r\nTo: cy@example.com\r\nSubject: Raw one\r\nContent-Type: text/plain\r\n\r\nplain body";
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      String id = ses.sendEmail(b -> b.content(c -> c.raw(r -> r.data(SdkBytes.fromString(raw, StandardCharsets.UTF_8)))))
          .messageId();
      Outbox.Message message = cloud.outbox().get(id).orElseThrow();
      assertThat(message.subject()).isEqualTo("Raw one");
      assertThat(message.to()).containsExactly("cy@example.com");
      assertThat(message.text()).isEqualTo("plain body");
    }
  }

  @Test
  void refusesAConfigurationSetTheTemplateDoesNotDefine() {
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      assertThatThrownBy(() -> ses.sendEmail(b -> b.fromEmailAddress("a@shop.example")
          .destination(d -> d.toAddresses("x@example.com")).configurationSetName("nope")
          .content(c -> c.simple(m -> m.subject(s -> s.data("s")).body(body -> body.text(t -> t.data("t")))))))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("nope");
    }
  }

  @Test
  void answersAnSesOperationItDoesNotImplementWithUnknownOperation() {
    try (SesV2Client ses = client(SesV2Client.builder(), cloud)) {
      assertThatThrownBy(() -> ses.getAccount(b -> { }))
          .isInstanceOf(SesV2Exception.class)
          .satisfies(e -> assertThat(((SesV2Exception) e).awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"))
          .hasMessageContaining("/v2/email/account");
    }
  }

  @Test
  void publishesAnSmsToTheOutboxWithItsAttributes() {
    try (SnsClient sns = client(SnsClient.builder(), cloud)) {
      String id = sns.publish(b -> b.phoneNumber("+14155550100").message("Your code is 1234")
          .messageAttributes(Map.of("AWS.SNS.SMS.SMSType",
              MessageAttributeValue.builder().dataType("String").stringValue("Transactional").build()))).messageId();
      Outbox.Message sms = cloud.outbox().get(id).orElseThrow();
      assertThat(sms.channel()).isEqualTo("sms");
      assertThat(sms.text()).isEqualTo("Your code is 1234");
      assertThat(sms.attributes().path("AWS.SNS.SMS.SMSType").asText()).isEqualTo("Transactional");
    }
  }

  @Test
  void refusesAnSmsToANumberThatIsNotE164() {
    try (SnsClient sns = client(SnsClient.builder(), cloud)) {
      assertThatThrownBy(() -> sns.publish(b -> b.phoneNumber("0155 5501").message("x")))
          .isInstanceOf(InvalidParameterException.class);
    }
  }

  @Test
  void sendsATextMessageThroughEndUserMessagingSmsWithItsContext() {
    try (var sms = client(software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2Client.builder(), cloud)) {
      String id = sms.sendTextMessage(b -> b.destinationPhoneNumber("+14155550101").messageBody("See you at 10")
          .context(Map.of("workflow", "appointments", "step", "reminder"))).messageId();
      Outbox.Message message = cloud.outbox().get(id).orElseThrow();
      assertThat(message.channel()).isEqualTo("sms");
      assertThat(message.text()).isEqualTo("See you at 10");
      assertThat(message.tags()).containsEntry("workflow", List.of("appointments")).containsEntry("step", List.of("reminder"));
    }
  }

  @Test
  void refusesATextMessageToAnOptedOutNumberWithTheConflictReasonTheServiceGives() {
    try (var sms = client(software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2Client.builder(), cloud)) {
      sms.putOptedOutNumber(b -> b.optOutListName("Default").optedOutNumber("+14155550102"));
      assertThatThrownBy(() -> sms.sendTextMessage(b -> b.destinationPhoneNumber("+14155550102").messageBody("promo")))
          .isInstanceOfSatisfying(software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictException.class,
              e -> assertThat(e.reason()).isEqualTo(
                  software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictExceptionReason
                      .DESTINATION_PHONE_NUMBER_OPTED_OUT));
      assertThatThrownBy(() -> sms.sendTextMessage(b -> b.destinationPhoneNumber("0155 5501").messageBody("x")))
          .isInstanceOf(software.amazon.awssdk.services.pinpointsmsvoicev2.model.ValidationException.class);
    }
  }

  @Test
  void reportsOptOutsAndDoesNotDeliverToThem() {
    cloud.config().optOut("+14155550199");
    try (SnsClient sns = client(SnsClient.builder(), cloud)) {
      assertThat(sns.checkIfPhoneNumberIsOptedOut(b -> b.phoneNumber("+14155550199")).isOptedOut()).isTrue();
      assertThat(sns.checkIfPhoneNumberIsOptedOut(b -> b.phoneNumber("+14155550100")).isOptedOut()).isFalse();
      String id = sns.publish(b -> b.phoneNumber("+14155550199").message("promo")).messageId();
      assertThat(cloud.outbox().get(id).orElseThrow().events()).containsExactly("NotDelivered:OptedOut");
    }
  }

  @Test
  void answersAnSnsActionItDoesNotImplementWithInvalidAction() {
    try (SnsClient sns = client(SnsClient.builder(), cloud)) {
      assertThatThrownBy(() -> sns.createTopic(b -> b.name("t")))
          .isInstanceOf(SnsException.class)
          .satisfies(e -> assertThat(((SnsException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidAction"))
          .hasMessageContaining("CreateTopic");
    }
  }

  @Test
  void routesPutEventsThroughACustomBusRuleWithAnInputTransformer() throws Exception {
    try (EventBridgeClient events = client(EventBridgeClient.builder(), cloud)) {
      PutEventsResponse response = events.putEvents(b -> b.entries(
          e -> e.eventBusName("nudge-domain").source("shop").detailType("Order").detail("{\"orderId\":\"o-1\",\"total\":150,\"country\":\"PL\"}"),
          e -> e.eventBusName("nudge-domain").source("shop").detailType("Order").detail("{\"orderId\":\"o-2\",\"total\":50,\"country\":\"PL\"}"),
          e -> e.eventBusName("nudge-domain").source("shop").detailType("Order").detail("{\"orderId\":\"o-3\",\"total\":500,\"coupon\":\"X\"}"),
          e -> e.eventBusName("nudge-domain").source("shop").detailType("Order").detail("{\"orderId\":\"o-4\",\"total\":500,\"country\":\"XX\"}"),
          e -> e.eventBusName("missing-bus").source("shop").detailType("Order").detail("{}")));
      assertThat(response.failedEntryCount()).isEqualTo(1);
      assertThat(response.entries().get(4).errorCode()).isEqualTo("NotFoundException");
    }
    JsonNode delivered = RecordingHandler.received("nudge-DomainFunction").poll(10, TimeUnit.SECONDS);
    assertThat(delivered).isNotNull();
    assertThat(delivered.path("order").asText()).isEqualTo("o-1");
    assertThat(delivered.path("total").asInt()).isEqualTo(150);
    assertThat(delivered.path("note").asText()).isEqualTo("order o-1");
    assertThat(RecordingHandler.received("nudge-DomainFunction").poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void servesGeneratedParametersAndSecrets() {
    try (SsmClient ssm = client(SsmClient.builder(), cloud);
        SecretsManagerClient secrets = client(SecretsManagerClient.builder(), cloud)) {
      String keys = ssm.getParameter(b -> b.name("/test/signing-keys").withDecryption(true)).parameter().value();
      assertThat(keys).startsWith("{\"local\":\"");
      assertThat(ssm.getParameter(b -> b.name("/test/token-secret")).parameter().value()).hasSizeGreaterThan(30);
      assertThat(ssm.getParameters(b -> b.names("/test/token-secret", "/nope")).invalidParameters()).containsExactly("/nope");
      assertThatThrownBy(() -> ssm.getParameter(b -> b.name("/nope"))).isInstanceOf(ParameterNotFoundException.class);
      assertThat(secrets.getSecretValue(b -> b.secretId("test/api")).secretString()).hasSizeGreaterThan(30);
      assertThatThrownBy(() -> secrets.getSecretValue(b -> b.secretId("nope"))).isInstanceOf(ResourceNotFoundException.class);
    }
  }

  private static List<JsonNode> sesEventsFor(String messageId, int count) throws InterruptedException {
    List<JsonNode> found = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (found.size() < count && System.nanoTime() < deadline) {
      JsonNode event = RecordingHandler.received("nudge-SesEventsFunction").poll(200, TimeUnit.MILLISECONDS);
      if (event != null && event.path("detail").path("mail").path("messageId").asText().equals(messageId)) {
        found.add(event);
      }
    }
    assertThat(found).hasSize(count);
    return found;
  }
}
