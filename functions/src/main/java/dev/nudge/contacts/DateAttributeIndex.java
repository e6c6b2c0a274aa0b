package dev.nudge.contacts;

import java.time.LocalDate;
import java.time.MonthDay;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Finds the contacts whose date attribute (birthday, renewal_date) falls on a month and day,
 * without scanning: every text attribute holding a {@code yyyy-MM-dd} date gets a small item in
 * the contact's partition (sk {@code DATE#<attribute>}) carrying {@code dateKey =
 * <attribute>#MM-dd}, the key of the sparse index {@code byDate}. Only these items have
 * {@code dateKey}, so the index holds nothing else. See docs/data-model.md.
 */
public final class DateAttributeIndex {
  public static final String INDEX = "byDate";
  static final String PREFIX = "DATE#";
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT);

  private final DynamoDbClient ddb;
  private final String table;

  public DateAttributeIndex(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  /** The date an attribute holds, if it is text in {@code yyyy-MM-dd} form. */
  public static Optional<LocalDate> date(Attribute value) {
    if (value instanceof Attribute.Text t && ISO_DATE.matcher(t.value()).matches()) {
      try {
        return Optional.of(LocalDate.parse(t.value()));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  static String dateKey(String attribute, MonthDay day) {
    return attribute + "#" + MONTH_DAY.format(day);
  }

  private static Map<String, AttributeValue> key(String contactId, String attribute) {
    return Map.of("pk", AttributeValue.fromS(ContactRepository.partition(contactId)),
        "sk", AttributeValue.fromS(PREFIX + attribute));
  }

  /**
   * Brings the index items in line with an update's attribute changes. {@code previous} holds the
   * changed attributes' old values (the update's UPDATED_OLD), so an attribute that never held a
   * date costs no write.
   */
  void sync(String contactId, Map<String, Optional<Attribute>> changes, Map<String, Attribute> previous) {
    changes.forEach((name, value) -> {
      Optional<LocalDate> now = value.flatMap(DateAttributeIndex::date);
      Optional<LocalDate> before = Optional.ofNullable(previous.get(name)).flatMap(DateAttributeIndex::date);
      if (now.isPresent() && !now.equals(before)) {
        Map<String, AttributeValue> item = new HashMap<>(key(contactId, name));
        item.put("dateKey", AttributeValue.fromS(dateKey(name, MonthDay.from(now.get()))));
        item.put("date", AttributeValue.fromS(now.get().toString()));
        ddb.putItem(b -> b.tableName(table).item(item));
      } else if (now.isEmpty() && before.isPresent()) {
        ddb.deleteItem(b -> b.tableName(table).key(key(contactId, name)));
      }
    });
  }

  /** Ids of the contacts whose {@code attribute} falls on {@code day} (any year). */
  public List<String> contactsOn(String attribute, MonthDay day) {
    List<String> ids = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(INDEX)
        .keyConditionExpression("dateKey = :k")
        .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(dateKey(attribute, day))));
    ddb.queryPaginator(q.build()).items().forEach(i -> ids.add(i.get("pk").s().substring(2)));
    return ids;
  }
}
