package dev.nudge.contacts.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Amazon Pinpoint's endpoint CSV columns: detected by the header, mapped to contacts, lists and consent. */
class PinpointEndpointsTest {
  /** The columns of Pinpoint's segment import/export files (docs/pinpoint.md). */
  private static final List<String> HEADER = List.of("Id", "ChannelType", "Address", "EndpointStatus", "OptOut",
      "User.UserId", "User.UserAttributes.FirstName", "Attributes.Interests", "Demographic.Locale",
      "Demographic.Timezone", "Demographic.Platform", "Location.Country", "Location.City", "Location.PostalCode",
      "Metrics.sessions");
  private static final ImportOptions NO_METADATA = new ImportOptions(null, null);

  private static List<String> endpoint(String channel, String address, String status, String optOut) {
    return List.of("ep-1", channel, address, status, optOut, "user-17", "Ana", "cycling", "es_ES", "Europe/Madrid",
        "ios", "ESP", "Madrid", "28001", "12");
  }

  @Test
  void aPinpointHeaderIsRecognised() {
    assertThat(RowParser.forHeader(HEADER, NO_METADATA).format()).isEqualTo("pinpoint");
    assertThat(RowParser.forHeader(List.of("ChannelType", "Address"), NO_METADATA).format()).isEqualTo("pinpoint");
    assertThat(RowParser.forHeader(List.of("email", "lists"), NO_METADATA).format()).isEqualTo("nudge");
  }

  @Test
  void anEmailEndpointBecomesTheUsersContactWithItsAttributesLocaleAndLocation() {
    var command = RowParser.forHeader(HEADER, NO_METADATA)
        .parse(2, endpoint("EMAIL", "Ana@Example.com", "ACTIVE", "NONE")).command();

    assertThat(command.identity().contactId()).isEqualTo("user-17");
    assertThat(command.identity().email()).isEqualTo("ana@example.com");
    assertThat(command.profile().attributes().get("FirstName")).contains(new Attribute.Text("Ana"));
    assertThat(command.profile().attributes().get("Interests")).contains(new Attribute.Text("cycling"));
    assertThat(command.profile().attributes().get("postalCode")).contains(new Attribute.Text("28001"));
    assertThat(command.profile().locale()).isEqualTo("es-ES");
    assertThat(command.profile().timezone()).isEqualTo("Europe/Madrid");
    assertThat(command.profile().location().country()).isEqualTo("ES");
    assertThat(command.profile().location().city()).isEqualTo("Madrid");
  }

  @Test
  void anSmsEndpointsNumberWithoutAPlusBecomesE164() {
    var command = RowParser.forHeader(HEADER, NO_METADATA).parse(2, endpoint("SMS", "34612345678", "ACTIVE", "NONE"))
        .command();

    assertThat(command.identity().phone()).isEqualTo("+34612345678");
  }

  @Test
  void optOutAllIsAnUnsubscription() {
    var command = RowParser.forHeader(HEADER, NO_METADATA).parse(2, endpoint("EMAIL", "a@example.com", "ACTIVE", "ALL"))
        .command();

    assertThat(command.consent().get(Channel.EMAIL).status()).isEqualTo(ConsentStatus.UNSUBSCRIBED);
  }

  @Test
  void anActiveEndpointIsSubscribedOnlyWithTheFilesConsentSource() {
    var withSource = RowParser.forHeader(HEADER, new ImportOptions("pinpoint-migration", null))
        .parse(2, endpoint("EMAIL", "a@example.com", "ACTIVE", "NONE")).command();
    var without = RowParser.forHeader(HEADER, NO_METADATA)
        .parse(2, endpoint("EMAIL", "a@example.com", "ACTIVE", "NONE")).command();

    assertThat(withSource.consent().get(Channel.EMAIL).status()).isEqualTo(ConsentStatus.SUBSCRIBED);
    assertThat(withSource.consent().get(Channel.EMAIL).source()).isEqualTo("pinpoint-migration");
    assertThat(without.consent()).isEmpty();
  }

  @Test
  void anInactiveEndpointIsNeverSubscribed() {
    var command = RowParser.forHeader(HEADER, new ImportOptions("pinpoint-migration", null))
        .parse(2, endpoint("EMAIL", "a@example.com", "INACTIVE", "NONE")).command();

    assertThat(command.consent()).isEmpty();
  }

  @Test
  void thePinpointSegmentBecomesAListThroughTheObjectMetadata() {
    var command = RowParser.forHeader(HEADER, new ImportOptions(null, "vip-customers"))
        .parse(2, endpoint("EMAIL", "a@example.com", "ACTIVE", "NONE")).command();

    assertThat(command.profile().listsAdd()).containsExactly("vip-customers");
  }

  @Test
  void aPushEndpointIsReportedOnChannelType() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(5, endpoint("APNS", "device-token", "ACTIVE", "NONE"));

    assertThat(parsed.error()).extracting(RowError::line, RowError::field).containsExactly(5L, "ChannelType");
  }

  @Test
  void aBadAddressIsReportedUnderIdentifysFieldName() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(5, endpoint("EMAIL", "nobody", "ACTIVE", "NONE"));

    assertThat(parsed.error().field()).isEqualTo("email");
  }

  @Test
  void anUnknownPinpointColumnRejectsTheHeader() {
    assertThatThrownBy(() -> RowParser.forHeader(List.of("ChannelType", "Address", "User.Nickname"), NO_METADATA))
        .isInstanceOfSatisfying(HeaderException.class, e -> assertThat(e.column()).isEqualTo("User.Nickname"));
  }
}
