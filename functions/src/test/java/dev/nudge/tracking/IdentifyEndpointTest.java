package dev.nudge.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.Contact;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class IdentifyEndpointTest {
  private final TrackingStack stack = new TrackingStack();

  private Contact contact(String id) {
    return stack.contacts.find(id).orElseThrow();
  }

  @Test
  void createsAContactWithTypedAttributesTimezoneLocaleAndLists() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"user-1\",\"email\":\"ana@example.com\","
        + "\"phone\":\"+48 601 234 567\",\"attributes\":{\"plan\":\"pro\",\"seats\":12,\"trial\":false},"
        + "\"timezone\":\"Europe/Warsaw\",\"locale\":\"pl-PL\",\"lists\":{\"add\":[\"newsletter\",\"beta\"]},\"leadScore\":15}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("created").asBoolean()).isTrue();
    Contact c = contact("user-1");
    assertThat(c.email()).isEqualTo("ana@example.com");
    assertThat(c.phone()).isEqualTo("+48601234567");
    assertThat(c.attributes()).containsEntry("plan", new Attribute.Text("pro"))
        .containsEntry("seats", new Attribute.Number(new BigDecimal("12")))
        .containsEntry("trial", new Attribute.Flag(false));
    assertThat(c.timezone()).isEqualTo("Europe/Warsaw");
    assertThat(c.locale()).isEqualTo("pl-PL");
    assertThat(c.lists()).containsExactlyInAnyOrder("newsletter", "beta");
    assertThat(c.leadScore()).isEqualTo(15);
    assertThat(c.createdAt()).isEqualTo(TrackingStack.START);
  }

  /**
   * An identify interrupted after storing the consent and before its events (a crash, a throttled
   * write; found by the local cloud's kill -9 run) is completed by the client's resend: the events
   * are written under the change's own ids, once.
   */
  @Test
  void aResentIdentifyWritesTheConsentEventsTheInterruptedOneDidNot() {
    String body = "{\"contactId\":\"u-int\",\"email\":\"int@example.com\",\"consent\":{\"email\":{\"status\":\"subscribed\"}}}";
    assertThat(stack.signed("POST /v1/identify", body).status()).isEqualTo(200);
    List<String> written = eventIds("u-int");
    assertThat(written).hasSize(2); // consent.changed and contact.subscribed
    written.forEach(id -> stack.ddb.deleteItem(d -> d.tableName(stack.eventsTable).key(Map.of(
        "contactId", AttributeValue.fromS("u-int"), "eventId", AttributeValue.fromS(id)))));
    stack.clock.advance(Duration.ofMinutes(1));

    assertThat(stack.signed("POST /v1/identify", body).status()).isEqualTo(200);
    assertThat(eventIds("u-int")).containsExactlyInAnyOrderElementsOf(written);
    stack.clock.advance(Duration.ofMinutes(1));
    assertThat(stack.signed("POST /v1/identify", body).status()).isEqualTo(200);
    assertThat(eventIds("u-int")).containsExactlyInAnyOrderElementsOf(written);
  }

  private List<String> eventIds(String contactId) {
    return stack.ddb.query(q -> q.tableName(stack.eventsTable).consistentRead(true)
        .keyConditionExpression("contactId = :c").expressionAttributeValues(Map.of(":c", AttributeValue.fromS(contactId))))
        .items().stream().map(i -> i.get("eventId").s()).toList();
  }

  @Test
  void updatesAttributesAndRemovesThoseSetToNull() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"u2\",\"attributes\":{\"plan\":\"pro\",\"coupon\":\"X1\"},"
        + "\"lists\":{\"add\":[\"a\",\"b\"]}}");
    stack.clock.advance(Duration.ofHours(1));

    stack.signed("POST /v1/identify", "{\"contactId\":\"u2\",\"attributes\":{\"plan\":\"team\",\"coupon\":null},"
        + "\"lists\":{\"remove\":[\"a\"]}}");

    Contact c = contact("u2");
    assertThat(c.attributes()).containsOnlyKeys("plan").containsEntry("plan", new Attribute.Text("team"));
    assertThat(c.lists()).containsExactly("b");
    assertThat(c.updatedAt()).isEqualTo(TrackingStack.START.plus(Duration.ofHours(1)));
  }

  @Test
  void joiningAndLeavingListsThroughIdentifyWritesListJoinedAndListLeftOnce() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"l1\",\"lists\":{\"add\":[\"newsletter\"]}}");
    stack.clock.advance(Duration.ofMinutes(1));
    stack.signed("POST /v1/identify", "{\"contactId\":\"l1\",\"lists\":{\"add\":[\"newsletter\"]}}"); // already in it
    stack.clock.advance(Duration.ofMinutes(1));
    stack.signed("POST /v1/identify", "{\"contactId\":\"l1\",\"lists\":{\"remove\":[\"newsletter\",\"never-joined\"]}}");

    assertThat(eventIds("l1")).filteredOn(id -> id.startsWith("list.")).hasSize(2)
        .anyMatch(id -> id.startsWith("list.joined:newsletter:"))
        .anyMatch(id -> id.startsWith("list.left:newsletter:"));
  }

  @Test
  void mergesAnAnonymousVisitorsHistoryIntoTheKnownContact() {
    stack.browser("POST /v1/track", "{\"id\":\"v1\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-9\"}");
    stack.browser("POST /v1/track", "{\"id\":\"v2\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-9\"}");
    stack.signed("POST /v1/track", "{\"id\":\"k1\",\"type\":\"page.viewed\",\"contactId\":\"user-9\"}");
    stack.countStoredEvents();

    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"user-9\",\"anonymousId\":\"visitor-9\"}");

    assertThat(response.json().path("merged").asBoolean()).isTrue();
    Contact known = contact("user-9");
    assertThat(known.mergedIds()).containsExactly("anon:visitor-9");
    assertThat(known.events().get("page.viewed").count()).isEqualTo(3);
    assertThat(stack.contactService.timeline(known, 10)).extracting(e -> e.eventId())
        .containsExactlyInAnyOrder("v1", "v2", "k1");
    assertThat(contact("anon:visitor-9").mergedInto()).isEqualTo("user-9");
    assertThat(contact("anon:visitor-9").events()).isEmpty();
  }

  @Test
  void eventsOfAMergedAnonymousIdGoToTheKnownContactAfterwards() {
    stack.browser("POST /v1/track", "{\"id\":\"v1\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-3\"}");
    stack.signed("POST /v1/identify", "{\"email\":\"bo@example.com\",\"anonymousId\":\"visitor-3\"}");

    Response later = stack.browser("POST /v1/track", "{\"id\":\"v2\",\"type\":\"form.submitted\",\"anonymousId\":\"visitor-3\"}");

    String knownId = stack.contacts.idByEmail("bo@example.com").orElseThrow();
    assertThat(later.json().path("contactId").asText()).isEqualTo(knownId);
    stack.countStoredEvents();
    assertThat(contact(knownId).events()).containsKeys("page.viewed", "form.submitted");
  }

  @Test
  void anonymousEventsCountedAfterTheMergeLandOnTheKnownContactOnce() {
    stack.browser("POST /v1/track", "{\"id\":\"v1\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-6\"}");
    stack.countStoredEvents();
    // Stored before the merge, counted by the stream consumer only after it.
    stack.browser("POST /v1/track", "{\"id\":\"v2\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-6\"}");
    stack.browser("POST /v1/track", "{\"id\":\"v3\",\"type\":\"form.submitted\",\"anonymousId\":\"visitor-6\"}");
    stack.signed("POST /v1/identify", "{\"contactId\":\"user-6\",\"anonymousId\":\"visitor-6\"}");

    stack.countStoredEvents();
    stack.replayStream();

    Contact known = contact("user-6");
    assertThat(known.events().get("page.viewed").count()).isEqualTo(2);
    assertThat(known.events().get("form.submitted").count()).isEqualTo(1);
    assertThat(contact("anon:visitor-6").events()).isEmpty();
  }

  @Test
  void anAnonymousIdNeverSeenBeforeBecomesAnAliasOfTheKnownContact() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"user-5\",\"anonymousId\":\"fresh-visitor\"}");

    Response track = stack.browser("POST /v1/track", "{\"id\":\"f1\",\"type\":\"page.viewed\",\"anonymousId\":\"fresh-visitor\"}");

    assertThat(track.json().path("contactId").asText()).isEqualTo("user-5");
  }

  @Test
  void identifyingTheSameAnonymousIdTwiceMergesOnce() {
    stack.browser("POST /v1/track", "{\"id\":\"v1\",\"type\":\"page.viewed\",\"anonymousId\":\"visitor-4\"}");
    stack.countStoredEvents();
    stack.signed("POST /v1/identify", "{\"contactId\":\"user-4\",\"anonymousId\":\"visitor-4\"}");

    Response again = stack.signed("POST /v1/identify", "{\"contactId\":\"user-4\",\"anonymousId\":\"visitor-4\"}");

    assertThat(again.json().path("merged").asBoolean()).isFalse();
    assertThat(contact("user-4").events().get("page.viewed").count()).isEqualTo(1);
  }

  @Test
  void refusesAnEmailThatBelongsToAnotherContact() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"first\",\"email\":\"shared@example.com\"}");

    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"second\",\"email\":\"shared@example.com\"}");

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.errorField()).isEqualTo("email");
    assertThat(stack.contacts.find("second")).isEmpty();
  }

  @Test
  void anIdentifyByEmailFindsTheContactCreatedByTracking() {
    Response tracked = stack.signed("POST /v1/track", "{\"id\":\"t1\",\"type\":\"order.completed\",\"email\":\"cy@example.com\"}");

    Response identified = stack.signed("POST /v1/identify", "{\"email\":\"CY@example.com\",\"attributes\":{\"vip\":true}}");

    assertThat(identified.json().path("contactId").asText()).isEqualTo(tracked.json().path("contactId").asText());
    assertThat(identified.json().path("created").asBoolean()).isFalse();
  }

  @Test
  void refusesAnUnknownTimezone() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"timezone\":\"Mars/Olympus\"}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("timezone");
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void refusesAnOffsetInPlaceOfATimezone() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"timezone\":\"+02:00\"}");
    assertThat(response.errorField()).isEqualTo("timezone");
  }

  @Test
  void refusesAMalformedLocale() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"locale\":\"es_ES!\"}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("locale");
  }

  @Test
  void refusesANestedAttributeValue() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"attributes\":{\"address\":{\"city\":\"Lodz\"}}}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("attributes.address");
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void refusesAFractionalLeadScore() {
    Response response = stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"leadScore\":1.5}");
    assertThat(response.errorField()).isEqualTo("leadScore");
  }

  @Test
  void refusesAnUnknownFieldInsideConsent() {
    Response response = stack.signed("POST /v1/identify",
        "{\"contactId\":\"u\",\"email\":\"u@example.com\",\"consent\":{\"email\":{\"status\":\"subscribed\",\"doubleOptin\":true}}}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("consent.email.doubleOptin");
    assertThat(stack.contactItems()).isZero();
  }

  @Test
  void aWriteKeyMayNotSetTheLeadScore() {
    Response response = stack.browser("POST /v1/identify", "{\"anonymousId\":\"v\",\"leadScore\":100}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.errorField()).isEqualTo("leadScore");
  }

  @Test
  void subscribingWithoutAnAddressIsRefused() {
    Response response = stack.signed("POST /v1/identify",
        "{\"contactId\":\"u\",\"consent\":{\"sms\":{\"status\":\"subscribed\"}}}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorField()).isEqualTo("consent.sms");
  }

  @Test
  void aServerMaySubscribeDirectlyWithSourceAndTime() {
    stack.signed("POST /v1/identify", "{\"contactId\":\"u\",\"phone\":\"+34612345678\","
        + "\"consent\":{\"sms\":{\"status\":\"subscribed\",\"source\":\"checkout\"}}}");

    var consent = contact("u").consent(Channel.SMS).orElseThrow();
    assertThat(consent.status()).isEqualTo(ConsentStatus.SUBSCRIBED);
    assertThat(consent.source()).isEqualTo("checkout");
    assertThat(consent.at()).isEqualTo(TrackingStack.START);
    assertThat(contact("u").reachableBy(Channel.SMS)).isTrue();
    assertThat(contact("u").reachableBy(Channel.EMAIL)).isFalse();
  }

  @Test
  void aMergeFillsMissingAttributesAndAddsListsButKeepsTheKnownValues() {
    stack.browser("POST /v1/identify", "{\"anonymousId\":\"visitor-6\",\"attributes\":{\"utm_source\":\"ads\",\"plan\":\"free\"}}");
    stack.signed("POST /v1/identify", "{\"anonymousId\":\"visitor-6\",\"lists\":{\"add\":[\"webinar\"]}}");
    stack.signed("POST /v1/identify", "{\"contactId\":\"user-6\",\"attributes\":{\"plan\":\"pro\"}}");

    stack.signed("POST /v1/identify", "{\"contactId\":\"user-6\",\"anonymousId\":\"visitor-6\"}");

    Contact known = contact("user-6");
    assertThat(known.attributes()).containsEntry("plan", new Attribute.Text("pro"))
        .containsEntry("utm_source", new Attribute.Text("ads"));
    assertThat(known.lists()).containsExactly("webinar");
  }
}
