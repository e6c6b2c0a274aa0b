package dev.nudge.contacts.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Row validation of Nudge's own columns: the identify rules and field names, and the consent source rule. */
class RowParserTest {
  private static final List<String> HEADER = List.of("email", "phone", "firstName", "attributes.plan",
      "attributes.zip", "attributes.seats", "lists", "consent.email", "consent.source", "country", "city", "locale",
      "timezone");
  private static final ImportOptions NO_METADATA = new ImportOptions(null, null);

  private static List<String> row(String email, String consent, String source) {
    return List.of(email, "", "Ana", "pro", "01234", "42", "newsletter; vip", consent, source, "es", "Madrid", "es-ES",
        "Europe/Madrid");
  }

  @Test
  void aGoodRowBecomesTheIdentifyCommandWithListsLocationAndConsentFromItsSource() {
    RowParser parser = RowParser.forHeader(HEADER, NO_METADATA);
    var parsed = parser.parse(2, row("Ana@Example.com", "subscribed", "webinar-2026"));

    assertThat(parsed.error()).isNull();
    var command = parsed.command();
    assertThat(command.identity().email()).isEqualTo("ana@example.com");
    assertThat(command.profile().listsAdd()).containsExactlyInAnyOrder("newsletter", "vip");
    assertThat(command.profile().location().country()).isEqualTo("ES");
    assertThat(command.profile().location().city()).isEqualTo("Madrid");
    assertThat(command.profile().attributes()).containsEntry("firstName", Optional.of(new Attribute.Text("Ana")))
        .containsEntry("plan", Optional.of(new Attribute.Text("pro")));
    assertThat(command.consent().get(Channel.EMAIL).status()).isEqualTo(ConsentStatus.SUBSCRIBED);
    assertThat(command.consent().get(Channel.EMAIL).source()).isEqualTo("webinar-2026");
    assertThat(command.consent().get(Channel.EMAIL).doubleOptIn()).isFalse();
  }

  @Test
  void numbersBecomeNumberAttributesButLeadingZerosStayText() {
    var command = RowParser.forHeader(HEADER, NO_METADATA).parse(2, row("a@example.com", "", "")).command();

    assertThat(command.profile().attributes().get("zip")).contains(new Attribute.Text("01234"));
    assertThat(command.profile().attributes().get("seats")).contains(new Attribute.Number(new BigDecimal("42")));
  }

  @Test
  void aSubscriptionWithoutASourceIsARowErrorOnTheSourceField() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(7, row("a@example.com", "subscribed", ""));

    assertThat(parsed.command()).isNull();
    assertThat(parsed.error()).extracting(RowError::line, RowError::field).containsExactly(7L, "consent.email.source");
  }

  @Test
  void theObjectsConsentSourceMetadataServesRowsWithoutASourceColumn() {
    var parsed = RowParser.forHeader(HEADER, new ImportOptions("crm-export-2026", null))
        .parse(2, row("a@example.com", "subscribed", ""));

    assertThat(parsed.command().consent().get(Channel.EMAIL).source()).isEqualTo("crm-export-2026");
  }

  @Test
  void anUnsubscriptionNeedsNoSource() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(2, row("a@example.com", "unsubscribed", ""));

    assertThat(parsed.command().consent().get(Channel.EMAIL).status()).isEqualTo(ConsentStatus.UNSUBSCRIBED);
    assertThat(parsed.command().consent().get(Channel.EMAIL).source()).isEqualTo(ConsentSources.UNSUBSCRIBE_SOURCE);
  }

  @Test
  void aBadEmailIsReportedUnderIdentifysFieldName() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(3, row("not-an-address", "", ""));

    assertThat(parsed.error()).extracting(RowError::line, RowError::field).containsExactly(3L, "email");
  }

  @Test
  void aBadConsentStatusIsReportedUnderIdentifysFieldName() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(3, row("a@example.com", "maybe", "form"));

    assertThat(parsed.error().field()).isEqualTo("consent.email.status");
  }

  @Test
  void aBadListNameIsReportedWithItsPosition() {
    var cells = new java.util.ArrayList<>(row("a@example.com", "", ""));
    cells.set(6, "ok;Not A List");
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(4, cells);

    assertThat(parsed.error().field()).isEqualTo("lists.add[1]");
  }

  @Test
  void theMetadataListIsJoinedByEveryRow() {
    var command = RowParser.forHeader(List.of("email"), new ImportOptions(null, "imported-2026"))
        .parse(2, List.of("a@example.com")).command();

    assertThat(command.profile().listsAdd()).containsExactly("imported-2026");
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsIsReported() {
    var parsed = RowParser.forHeader(HEADER, NO_METADATA).parse(9, List.of("a@example.com", "x"));

    assertThat(parsed.error()).extracting(RowError::line, RowError::field).containsExactly(9L, "columns");
  }

  @Test
  void anUnknownColumnRejectsTheHeaderNamingIt() {
    assertThatThrownBy(() -> RowParser.forHeader(List.of("email", "emial"), NO_METADATA))
        .isInstanceOfSatisfying(HeaderException.class, e -> assertThat(e.column()).isEqualTo("emial"));
  }

  @Test
  void aHeaderWithoutAColumnNamingTheContactIsRejected() {
    assertThatThrownBy(() -> RowParser.forHeader(List.of("firstName", "lists"), NO_METADATA))
        .isInstanceOfSatisfying(HeaderException.class, e -> assertThat(e.column()).isEqualTo("contactId"));
  }

  @Test
  void columnNamesAreMatchedWithoutRegardToCase() {
    var parsed = RowParser.forHeader(List.of("Email", "FirstName"), NO_METADATA).parse(2, List.of("a@example.com", "Ana"));

    assertThat(parsed.command().profile().attributes()).containsKey("firstName");
    assertThat(parser("Email").format()).isEqualTo("nudge");
  }

  private static RowParser parser(String... header) {
    return RowParser.forHeader(List.of(header), NO_METADATA);
  }
}
