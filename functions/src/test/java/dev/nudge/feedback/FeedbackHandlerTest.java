package dev.nudge.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.EventRepository;
import dev.nudge.messaging.MessageTags;
import dev.nudge.platform.Json;
import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.MutableClock;
import dev.nudge.testing.TemplateTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The Lambda entry point as EventBridge invokes it: raw bytes in, a one-word result out, never an exception for bad input. */
class FeedbackHandlerTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final DynamoDbClient ddb = LocalDynamoDb.client();
  private final ContactRepository contacts = new ContactRepository(ddb, TemplateTables.create(ddb, "ContactsTable"));
  private final EventRepository events = new EventRepository(ddb, TemplateTables.create(ddb, "EventsTable"));
  private final FeedbackHandler handler = new FeedbackHandler(
      new FeedbackService(events, contacts, null, Duration.ofDays(400), new MutableClock(NOW)));

  private String invoke(String payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.mapper().readTree(out.toByteArray()).path("result").asText();
  }

  @Test
  void aPayloadThatIsNotJsonIsAnsweredUnmatchedAndWritesNothing() throws Exception {
    contacts.createIfAbsent("em:abc", NOW);
    assertThat(invoke("not json {")).isEqualTo("unmatched");
    assertThat(events.timeline(List.of("em:abc"), 10)).isEmpty();
  }

  @Test
  void aDeliveryOfANudgeMessageIsAnsweredStored() throws Exception {
    contacts.createIfAbsent("em:abc", NOW);
    var event = FeedbackServiceTest.sesEvent("Delivery", "m-1",
        new MessageTags("welcome-series", "1", "welcome", "em:abc", null).toSes(), "{\"timestamp\":\"2026-12-01T09:00:01.000Z\"}");
    assertThat(invoke(event.toString())).isEqualTo("stored");
    assertThat(events.timeline(List.of("em:abc"), 10)).extracting(e -> e.type()).containsExactly("email.delivered");
  }
}
