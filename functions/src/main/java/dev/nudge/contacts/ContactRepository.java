package dev.nudge.contacts;

import static dev.nudge.platform.Items.text;

import dev.nudge.platform.Times;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The contacts table. A contact is one partition {@code C#<id>}: the profile item (sk PROFILE)
 * and one small counter item per event type (sk COUNT#&lt;type&gt;), so counting an event rewrites
 * a sub-1 KB item instead of the whole profile. Access patterns and their costs are in
 * docs/data-model.md.
 */
public final class ContactRepository {
  static final String PROFILE = "PROFILE";
  static final String COUNT_PREFIX = "COUNT#";
  static final String EMAIL_INDEX = "byEmail";
  static final String PHONE_INDEX = "byPhone";
  /** A transaction holds at most 100 items; a merge needs two of them plus two per event type. */
  static final int MAX_MERGE_EVENT_TYPES = 49;

  private final DynamoDbClient ddb;
  private final String table;
  private final DateAttributeIndex dates;
  private final ListIndex lists;

  public ContactRepository(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
    this.dates = new DateAttributeIndex(ddb, table);
    this.lists = new ListIndex(ddb, table);
  }

  /** What identity resolution needs of a profile: does it exist, and was it merged away. */
  public record ProfileRef(String id, String mergedInto) {}

  public static String partition(String contactId) {
    return "C#" + contactId;
  }

  private static Map<String, AttributeValue> key(String contactId, String sk) {
    return Map.of("pk", AttributeValue.fromS(partition(contactId)), "sk", AttributeValue.fromS(sk));
  }

  public Optional<ProfileRef> findRef(String contactId) {
    var item = ddb.getItem(b -> b.tableName(table).key(key(contactId, PROFILE)).consistentRead(true)
        .projectionExpression("id, mergedInto")).item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    AttributeValue merged = item.get("mergedInto");
    return Optional.of(new ProfileRef(contactId, merged == null ? null : merged.s()));
  }

  /** The profile and its event counters, read consistently (one query on the contact's partition). */
  public Optional<Contact> find(String contactId) {
    return find(contactId, null);
  }

  /**
   * Events of the stream a reader must see counted, whether or not the contact-state consumer has
   * counted them yet: the events of one {@code type} stored under {@code sourceId} that the reader
   * has seen, by their records' padded sequence numbers ({@code pending}: seq → occurredAt), up to
   * and including the one it is handling.
   */
  public record Including(String sourceId, String type, java.util.NavigableMap<String, Instant> pending) {
    public Including {
      pending = java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(pending));
    }
  }

  /**
   * As {@link #find(String)}, with the counters as of {@code events} (null: as stored): the pending
   * events newer than the last record the counter of their type applied (the stream consumer has
   * not reached them) are added to what is returned (count, firstAt and lastAt), nothing written.
   * Decided from the same read as the counters, so no event is counted twice.
   */
  public Optional<Contact> find(String contactId, Including events) {
    List<Map<String, AttributeValue>> items = partitionItems(contactId, null);
    Map<String, AttributeValue> profile = null;
    Map<String, EventStats> counters = new LinkedHashMap<>();
    String applied = "";
    for (var item : items) {
      String sk = item.get("sk").s();
      if (sk.equals(PROFILE)) {
        profile = item;
      } else if (sk.startsWith(COUNT_PREFIX)) {
        EventStats stats = stats(item);
        counters.put(stats.type(), stats);
        if (events != null && stats.type().equals(events.type())) {
          AttributeValue seq = item.get(seqAttribute(contactId, events.sourceId()));
          applied = seq == null ? "" : seq.s();
        }
      }
    }
    if (events != null) {
      for (Instant at : events.pending().tailMap(applied, false).values()) {
        EventStats stored = counters.get(events.type());
        counters.put(events.type(), stored == null ? new EventStats(events.type(), 1, at, at)
            : new EventStats(events.type(), stored.count() + 1, min(stored.firstAt(), at), max(stored.lastAt(), at)));
      }
    }
    return profile == null ? Optional.empty() : Optional.of(toContact(profile, counters));
  }

  /** The contact holding the e-mail: its uniqueness item, else (contacts older than those items) the index. */
  public Optional<String> idByEmail(String email) {
    return owner(AddressType.EMAIL, email).or(() -> indexed(AddressType.EMAIL, email));
  }

  /** The contact holding the phone number: its uniqueness item, else (older contacts) the index. */
  public Optional<String> idByPhone(String phone) {
    return owner(AddressType.PHONE, phone).or(() -> indexed(AddressType.PHONE, phone));
  }

  /**
   * The owner recorded in the address's uniqueness item, read strongly consistently: an address
   * given to a contact a moment ago is found, which the eventually consistent index cannot promise.
   */
  public Optional<String> owner(AddressType type, String address) {
    var item = ddb.getItem(b -> b.tableName(table).key(claimKey(type, address)).consistentRead(true)
        .projectionExpression("contactId")).item();
    return item == null || !item.containsKey("contactId") ? Optional.empty() : Optional.of(item.get("contactId").s());
  }

  /**
   * A contact whose profile carries the address, through the index (eventually consistent). Only
   * needed for contacts that got the address before uniqueness items existed and have none yet.
   */
  public Optional<String> indexed(AddressType type, String address) {
    QueryResponse response = ddb.query(b -> b.tableName(table).indexName(type.index())
        .keyConditionExpression("#a = :v")
        .expressionAttributeNames(Map.of("#a", type.field()))
        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(address)))
        .limit(1));
    return response.items().stream().findFirst().map(i -> i.get("pk").s().substring(2));
  }

  private static Map<String, AttributeValue> claimKey(AddressType type, String address) {
    return Map.of("pk", AttributeValue.fromS(type.claimPartition(address)), "sk", AttributeValue.fromS(AddressType.CLAIM_SK));
  }

  /**
   * Writes the uniqueness item of an address a contact already holds in its profile but has no
   * item for (it got the address before these items existed): the lazy backfill. False if another
   * contact's item holds the address (then two contacts carry it, from before; nothing is changed).
   */
  public boolean claim(String contactId, AddressType type, String address) {
    try {
      ddb.putItem(b -> b.tableName(table).item(claimItem(contactId, type, address))
          .conditionExpression("attribute_not_exists(pk) OR contactId = :me")
          .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(contactId))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Deletes the uniqueness items of the contact's addresses (erasure), each only if it names this
   * contact: an item held by another contact is not this contact's to free.
   */
  public void releaseAddresses(String contactId, String email, String phone) {
    for (AddressType type : AddressType.values()) {
      String address = type == AddressType.EMAIL ? email : phone;
      if (address == null) {
        continue;
      }
      try {
        ddb.deleteItem(b -> b.tableName(table).key(claimKey(type, address))
            .conditionExpression("contactId = :me")
            .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(contactId))));
      } catch (ConditionalCheckFailedException absentOrNotOurs) {
        // already freed (a repeated erasure), never written (an older contact), or another's
      }
    }
  }

  private static Map<String, AttributeValue> claimItem(String contactId, AddressType type, String address) {
    Map<String, AttributeValue> item = new HashMap<>(claimKey(type, address));
    // Only contactId: an `email` or `phone` attribute here would put the item into the sparse indexes.
    item.put("contactId", AttributeValue.fromS(contactId));
    return item;
  }

  /** Put of an address's uniqueness item, refused if another contact holds it. */
  private TransactWriteItem claimWrite(String contactId, AddressType type, String address) {
    return TransactWriteItem.builder().put(Put.builder().tableName(table).item(claimItem(contactId, type, address))
        .conditionExpression("attribute_not_exists(pk) OR contactId = :me")
        .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(contactId))).build()).build();
  }

  /** Delete of the address's uniqueness item a contact gives up, if it is the contact's (or absent: an older contact). */
  private TransactWriteItem releaseWrite(String contactId, AddressType type, String address) {
    return TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(claimKey(type, address))
        .conditionExpression("attribute_not_exists(pk) OR contactId = :me")
        .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(contactId))).build()).build();
  }

  private Map<String, AttributeValue> emptyProfile(String contactId, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>(key(contactId, PROFILE));
    item.put("id", AttributeValue.fromS(contactId));
    item.put("attrs", AttributeValue.fromM(Map.of()));
    item.put("consent", AttributeValue.fromM(Map.of()));
    item.put("suppression", AttributeValue.fromM(Map.of()));
    item.put("leadScore", AttributeValue.fromN("0"));
    item.put("createdAt", AttributeValue.fromS(Times.format(now)));
    item.put("updatedAt", AttributeValue.fromS(Times.format(now)));
    return item;
  }

  /** Creates an empty profile; false if one exists already (the conditional write makes creation race-free). */
  public boolean createIfAbsent(String contactId, Instant now) {
    Map<String, AttributeValue> item = emptyProfile(contactId, now);
    try {
      ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Creates the profile with {@code initial} applied, in one transaction with the uniqueness items
   * of its addresses (a conditional put when it has none), so a contact never exists with an
   * address another contact holds. False if
   * the profile exists already (nothing written; apply the changes with {@link #update}).
   *
   * @throws AddressTakenException if another contact holds one of the addresses (nothing written)
   */
  public boolean create(String contactId, ProfileUpdate initial, Instant now) {
    Map<String, AttributeValue> item = emptyProfile(contactId, now);
    Map<String, AttributeValue> attrs = new HashMap<>();
    initial.attributes().forEach((name, value) -> value.ifPresent(v -> attrs.put(name, attribute(v))));
    item.put("attrs", AttributeValue.fromM(attrs));
    Map<String, AttributeValue> consent = new HashMap<>();
    initial.consent().forEach((channel, c) -> consent.put(channel.wireName(), consent(c)));
    item.put("consent", AttributeValue.fromM(consent));
    if (initial.email() != null) {
      item.put("email", AttributeValue.fromS(initial.email()));
    }
    if (initial.phone() != null) {
      item.put("phone", AttributeValue.fromS(initial.phone()));
    }
    if (initial.timezone() != null) {
      item.put("timezone", AttributeValue.fromS(initial.timezone()));
    }
    if (initial.locale() != null) {
      item.put("locale", AttributeValue.fromS(initial.locale()));
    }
    if (initial.leadScore() != null) {
      item.put("leadScore", AttributeValue.fromN(Long.toString(initial.leadScore())));
      item.put("leadScoreAt", AttributeValue.fromS(Times.format(now)));
    }
    if (initial.location() != null && !initial.location().isEmpty()) {
      item.put("location", location(initial.location()));
    }
    if (!initial.listsAdd().isEmpty()) {
      item.put("lists", AttributeValue.fromSs(List.copyOf(initial.listsAdd())));
    }
    if (initial.email() == null && initial.phone() == null) {
      // No address to claim: a conditional put, at half a transaction's price.
      try {
        ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
      } catch (ConditionalCheckFailedException exists) {
        return false;
      }
      if (!initial.attributes().isEmpty()) {
        dates.sync(contactId, initial.attributes(), Map.of());
      }
      lists.sync(contactId, initial.listsAdd(), Set.of());
      return true;
    }
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
        .conditionExpression("attribute_not_exists(pk)").build()).build());
    List<AddressType> claimed = new ArrayList<>();
    for (AddressType type : AddressType.values()) {
      String address = type == AddressType.EMAIL ? initial.email() : initial.phone();
      if (address != null) {
        writes.add(claimWrite(contactId, type, address));
        claimed.add(type);
      }
    }
    List<String> refused = transact(writes);
    if (refused != null) {
      if (isConditionFailure(refused.get(0))) {
        return false;
      }
      for (int i = 0; i < claimed.size(); i++) {
        if (isConditionFailure(refused.get(i + 1))) {
          throw new AddressTakenException(claimed.get(i));
        }
      }
      throw new ConcurrentChangeException(contactId);
    }
    if (!initial.attributes().isEmpty()) {
      dates.sync(contactId, initial.attributes(), Map.of());
    }
    lists.sync(contactId, initial.listsAdd(), Set.of());
    return true;
  }

  /** Applies an identify call's changes to an existing profile. */
  public void update(String contactId, ProfileUpdate update, Instant now) {
    update(contactId, update, now, null);
  }

  /**
   * As {@link #update(String, ProfileUpdate, Instant)}, with the profile as the caller last read it
   * ({@code current}, or null to read it here when the update carries an address). An update that
   * gives the contact a new address is one transaction: the profile update, conditioned on the old
   * address still being there, the new address's uniqueness item (refused if another contact holds
   * it) and the deletion of the old one's.
   *
   * @throws AddressTakenException if another contact holds a new address (nothing written)
   * @throws ConcurrentChangeException if the address changed or the profile vanished since read
   */
  public void update(String contactId, ProfileUpdate update, Instant now, Contact current) {
    if (update.email() == null && update.phone() == null) {
      updateProfile(contactId, update, now);
      return;
    }
    Contact before = current != null ? current : find(contactId).orElse(null);
    boolean emailChanges = before != null && update.email() != null && !update.email().equals(before.email());
    boolean phoneChanges = before != null && update.phone() != null && !update.phone().equals(before.phone());
    if (!emailChanges && !phoneChanges) {
      updateProfile(contactId, update, now);
      return;
    }
    Expression e = expression(update, now);
    StringBuilder condition = new StringBuilder("attribute_exists(pk)");
    List<TransactWriteItem> writes = new ArrayList<>();
    List<AddressType> claimed = new ArrayList<>();
    for (AddressType type : AddressType.values()) {
      boolean changes = type == AddressType.EMAIL ? emailChanges : phoneChanges;
      if (!changes) {
        continue;
      }
      String old = type == AddressType.EMAIL ? before.email() : before.phone();
      String next = type == AddressType.EMAIL ? update.email() : update.phone();
      // Pin the old address: a concurrent change of it would otherwise leave its uniqueness item behind.
      condition.append(" AND ").append(old == null ? "attribute_not_exists(" + e.name(type.field()) + ")"
          : e.name(type.field()) + " = " + e.value(AttributeValue.fromS(old)));
      writes.add(claimWrite(contactId, type, next));
      claimed.add(type);
      if (old != null) {
        writes.add(releaseWrite(contactId, type, old));
      }
    }
    writes.add(0, TransactWriteItem.builder().update(e.transactional(table, key(contactId, PROFILE))
        .conditionExpression(condition.toString()).build()).build());
    List<String> refused = transact(writes);
    if (refused != null) {
      int index = 1;
      for (AddressType type : claimed) {
        if (isConditionFailure(refused.get(index))) {
          throw new AddressTakenException(type);
        }
        String old = type == AddressType.EMAIL ? before.email() : before.phone();
        index += old != null ? 2 : 1;
      }
      throw new ConcurrentChangeException(contactId);
    }
    finishUpdate(contactId, update, before.attributes());
  }

  /** The update without an address change: one UpdateItem (plus list removals and date items). */
  private void updateProfile(String contactId, ProfileUpdate update, Instant now) {
    Expression e = expression(update, now);
    var before = ddb.updateItem(e.request(table, key(contactId, PROFILE)).conditionExpression("attribute_exists(pk)")
        .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.UPDATED_OLD).build()).attributes();
    Map<String, Attribute> previous = new HashMap<>();
    if (before != null && before.containsKey("attrs") && before.get("attrs").hasM()) {
      before.get("attrs").m().forEach((k, v) -> previous.put(k, attribute(v)));
    }
    finishUpdate(contactId, update, previous);
  }

  private void finishUpdate(String contactId, ProfileUpdate update, Map<String, Attribute> previous) {
    if (!update.listsRemove().isEmpty()) {
      // DynamoDB refuses ADD and DELETE on one attribute in one expression.
      Expression remove = new Expression();
      remove.delete("lists", AttributeValue.fromSs(List.copyOf(update.listsRemove())));
      // Conditional like the first: a journey step racing an erasure must not recreate the profile.
      ddb.updateItem(remove.request(table, key(contactId, PROFILE)).conditionExpression("attribute_exists(pk)").build());
    }
    if (!update.attributes().isEmpty()) {
      // Date attributes (birthday, renewal) feed the byDate index that date triggers query.
      dates.sync(contactId, update.attributes(), previous);
    }
    // List memberships feed the byList index that broadcasts to a list page.
    lists.sync(contactId, update.listsAdd(), update.listsRemove());
  }

  /**
   * Runs a transaction, retrying a few times while DynamoDB cancels it only because another
   * transaction on the same items was in flight. Null when it committed, else the cancellation
   * reason code of each item (in order; "None" for items that were not the cause).
   */
  private List<String> transact(List<TransactWriteItem> writes) {
    for (int attempt = 1; ; attempt++) {
      try {
        ddb.transactWriteItems(b -> b.transactItems(writes));
        return null;
      } catch (TransactionCanceledException e) {
        List<String> codes = new ArrayList<>();
        if (e.hasCancellationReasons()) {
          e.cancellationReasons().forEach(r -> codes.add(r.code() == null ? "None" : r.code()));
        }
        while (codes.size() < writes.size()) {
          codes.add("None");
        }
        boolean conditionFailed = codes.stream().anyMatch(ContactRepository::isConditionFailure);
        if (conditionFailed || attempt == TRANSACTION_ATTEMPTS) {
          return codes;
        }
        pause(attempt);
      }
    }
  }

  private static final int TRANSACTION_ATTEMPTS = 5;

  private static boolean isConditionFailure(String code) {
    return "ConditionalCheckFailed".equals(code);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << attempt));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a transaction", interrupted);
    }
  }

  /** Thrown when the profile changed (its address, or it vanished) between the read and the write; retrying is safe. */
  public static final class ConcurrentChangeException extends RuntimeException {
    ConcurrentChangeException(String contactId) {
      super("a concurrent write changed contact " + contactId, null, false, false);
    }
  }

  private static Expression expression(ProfileUpdate update, Instant now) {
    Expression e = new Expression();
    e.set("updatedAt", AttributeValue.fromS(Times.format(now)));
    if (update.email() != null) {
      e.set("email", AttributeValue.fromS(update.email()));
    }
    if (update.phone() != null) {
      e.set("phone", AttributeValue.fromS(update.phone()));
    }
    if (update.timezone() != null) {
      e.set("timezone", AttributeValue.fromS(update.timezone()));
    }
    if (update.locale() != null) {
      e.set("locale", AttributeValue.fromS(update.locale()));
    }
    if (update.leadScore() != null) {
      // Set as of now: a decaying score decays from here, not from when it was last scored.
      e.set("leadScore", AttributeValue.fromN(Long.toString(update.leadScore())));
      e.set("leadScoreAt", AttributeValue.fromS(Times.format(now)));
    }
    if (update.location() != null && !update.location().isEmpty()) {
      // Replaced whole: a city from a new identify must not sit beside the old coordinates.
      e.set("location", location(update.location()));
    }
    update.attributes().forEach((name, value) -> {
      if (value.isPresent()) {
        e.setIn("attrs", name, attribute(value.get()));
      } else {
        e.removeIn("attrs", name);
      }
    });
    update.consent().forEach((channel, consent) -> e.setIn("consent", channel.wireName(), consent(consent)));
    if (!update.listsAdd().isEmpty()) {
      e.add("lists", AttributeValue.fromSs(List.copyOf(update.listsAdd())));
    }
    return e;
  }

  /**
   * Sets a channel's consent only if it is currently {@code expected} (status and time): a
   * confirmation token confirms the pending request it was issued for, not a later one.
   */
  public boolean replaceConsent(String contactId, Channel channel, Consent expected, Consent replacement, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":c", consent(replacement));
    values.put(":now", AttributeValue.fromS(Times.format(now)));
    String condition = "attribute_exists(pk)";
    if (expected != null) {
      values.put(":st", AttributeValue.fromS(expected.status().wireName()));
      values.put(":at", AttributeValue.fromS(Times.format(expected.at())));
      condition += " AND consent.#ch.#st = :st AND consent.#ch.#at = :at";
    }
    String finalCondition = condition;
    try {
      ddb.updateItem(b -> b.tableName(table).key(key(contactId, PROFILE))
          .updateExpression("SET consent.#ch = :c, updatedAt = :now")
          .conditionExpression(finalCondition)
          .expressionAttributeNames(expected != null
              ? Map.of("#ch", channel.wireName(), "#st", "status", "#at", "at")
              : Map.of("#ch", channel.wireName()))
          .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Marks a channel suppressed (a hard bounce or a complaint). */
  public void suppress(String contactId, Channel channel, Suppression suppression) {
    ddb.updateItem(b -> b.tableName(table).key(key(contactId, PROFILE))
        .updateExpression("SET suppression.#ch = :s")
        .conditionExpression("attribute_exists(pk)")
        .expressionAttributeNames(Map.of("#ch", channel.wireName()))
        .expressionAttributeValues(Map.of(":s", AttributeValue.fromM(Map.of(
            "reason", AttributeValue.fromS(suppression.reason().wireName()),
            "at", AttributeValue.fromS(Times.format(suppression.at())))))));
  }

  /**
   * Adds {@code delta} to the lead score as it is at {@code now} (workflows score contacts as they
   * act): a decaying score is decayed to {@code now} first and stored as of {@code now}, so the
   * points added decay from when they were given. Conditional on the score read, retried when
   * another write changed it meanwhile.
   */
  public void addLeadScore(String contactId, long delta, Instant now) {
    for (int attempt = 0; attempt < 5; attempt++) {
      var item = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(key(contactId, PROFILE))
          .projectionExpression("pk, leadScore, leadScoreAt, leadScoreHalfLife")).item();
      if (item == null || item.isEmpty()) {
        return;
      }
      ScoreDecay decay = scoreDecay(item);
      if (decay == null || decay.halfLife() == null) {
        addLeadScore(contactId, delta);
        return;
      }
      AttributeValue stored = item.getOrDefault("leadScore", AttributeValue.fromN("0"));
      long score = decay.apply(Long.parseLong(stored.n()), now) + delta;
      try {
        ddb.updateItem(b -> b.tableName(table).key(key(contactId, PROFILE))
            .updateExpression("SET leadScore = :score, leadScoreAt = :now")
            .conditionExpression("leadScore = :stored AND leadScoreAt = :at")
            .expressionAttributeValues(Map.of(":score", AttributeValue.fromN(Long.toString(score)),
                ":now", AttributeValue.fromS(Times.format(now)), ":stored", stored, ":at", item.get("leadScoreAt"))));
        return;
      } catch (ConditionalCheckFailedException changed) {
        // Scored meanwhile: read again.
      }
    }
    throw new IllegalStateException("the lead score of a contact kept changing under five attempts");
  }

  /** Adds {@code delta} to the stored lead score, without decay. */
  public void addLeadScore(String contactId, long delta) {
    ddb.updateItem(b -> b.tableName(table).key(key(contactId, PROFILE))
        .updateExpression("ADD leadScore :d")
        .conditionExpression("attribute_exists(pk)")
        .expressionAttributeValues(Map.of(":d", AttributeValue.fromN(Long.toString(delta)))));
  }

  /** What counting one event did; see {@link #countEvent}. */
  public enum Counted {
    /** Counted now. */
    COUNTED,
    /** Counted now, as the contact's first event of its type (the counter item is new). */
    FIRST_OF_TYPE,
    /** Counted before: this record was applied already (a redelivered batch). */
    DUPLICATE,
    /** Not counted: the contact has no profile. */
    NO_PROFILE,
    /** Not counted: the contact was merged into another one, which counts its events now. */
    MERGED
  }

  /** The attribute of the counter item holding the stream sequence number it applied last. */
  static final String SEQ = "seq";

  /**
   * Where a counter of {@code contactId} remembers the last record it applied of the events stored
   * under {@code sourceId}: {@code seq} for its own, {@code seq@<id>} for an anonymous contact merged
   * into it (that contact's records come from another partition of the stream, whose sequence
   * numbers do not compare with this one's).
   */
  public static String seqAttribute(String contactId, String sourceId) {
    return contactId.equals(sourceId) ? SEQ : SEQ + "@" + sourceId;
  }

  /**
   * Counts one event of the events stream on the counter item of its type, exactly once: the item
   * remembers the (zero-padded) sequence number of the last record it applied, and a record not
   * newer than that is a {@link Counted#DUPLICATE}. {@code sourceId} is the contact the event is
   * stored under: {@code contactId} itself, or an anonymous contact merged into it.
   *
   * <p>An event in order is one write (an update of the sub-1 KB item). An event older than the
   * newest counted (a backfill: lastAt stays, firstAt may move) reads the item first. A contact's
   * first event of a type creates the item in a transaction with a check that the profile exists
   * and was not merged away, so a counter never outlives an erasure nor lands beside a merge.
   */
  public Counted countEvent(String contactId, String sourceId, String type, Instant occurredAt, String seq) {
    AttributeValue at = AttributeValue.fromS(Times.format(occurredAt));
    AttributeValue sequence = AttributeValue.fromS(seq);
    String seqName = seqAttribute(contactId, sourceId);
    Map<String, AttributeValue> k = key(contactId, COUNT_PREFIX + type);
    Map<String, String> names = Map.of("#count", "count", "#seq", seqName);
    String fresh = "(attribute_not_exists(#seq) OR #seq < :seq)";
    for (int attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
      Map<String, AttributeValue> item;
      try {
        ddb.updateItem(b -> b.tableName(table).key(k)
            .updateExpression("SET #count = #count + :one, lastAt = :at, #seq = :seq")
            .conditionExpression("attribute_exists(pk) AND " + fresh + " AND lastAt <= :at")
            .expressionAttributeNames(names)
            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":at", at, ":seq", sequence))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        return Counted.COUNTED;
      } catch (ConditionalCheckFailedException notTheCommonCase) {
        // Absent, applied already, or older than the newest counted: the refusal carries the item
        // as it stood (none when absent), so telling which costs no read.
        item = notTheCommonCase.hasItem() ? notTheCommonCase.item() : Map.of();
      }
      if (item == null || item.isEmpty()) {
        Counted created = createCounter(contactId, k, type, at, seqName, sequence);
        if (created != null) {
          return created;
        }
        continue; // created meanwhile by another writer: count on it
      }
      AttributeValue applied = item.get(seqName);
      if (applied != null && applied.s().compareTo(seq) >= 0) {
        return Counted.DUPLICATE;
      }
      if (!occurredAt.isBefore(Times.parse(item.get("lastAt").s()))) {
        continue; // not a backfill after all: the item changed since the update was refused
      }
      Instant firstAt = Times.parse(item.get("firstAt").s());
      AttributeValue first = occurredAt.isBefore(firstAt) ? at : item.get("firstAt");
      try {
        ddb.updateItem(b -> b.tableName(table).key(k)
            .updateExpression("SET #count = #count + :one, firstAt = :first, #seq = :seq")
            .conditionExpression("#count = :read AND " + fresh)
            .expressionAttributeNames(names)
            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":first", first, ":seq", sequence,
                ":read", item.get("count"))));
        return Counted.COUNTED;
      } catch (ConditionalCheckFailedException changed) {
        // counted by someone else meanwhile (a concurrent redelivery or a merge): read again
      }
    }
    throw new ConcurrentChangeException(contactId);
  }

  /**
   * Counts the first event of {@code type} of a profile just created (no counter can exist yet,
   * so the update {@link #countEvent} tries first would fail): the creation alone, with its profile
   * check. Anything but {@link Counted#FIRST_OF_TYPE} (the item appeared meanwhile, the profile is
   * gone or merged) falls back to {@link #countEvent}.
   */
  public Counted countFirstEvent(String contactId, String sourceId, String type, Instant occurredAt, String seq) {
    Counted created = createCounter(contactId, key(contactId, COUNT_PREFIX + type), type,
        AttributeValue.fromS(Times.format(occurredAt)), seqAttribute(contactId, sourceId), AttributeValue.fromS(seq));
    return created == Counted.FIRST_OF_TYPE ? created : countEvent(contactId, sourceId, type, occurredAt, seq);
  }

  /** The counter's first event, with the profile check; null when the item appeared meanwhile. */
  private Counted createCounter(String contactId, Map<String, AttributeValue> k, String type, AttributeValue at,
      String seqName, AttributeValue sequence) {
    Map<String, AttributeValue> item = new HashMap<>(k);
    item.put("type", AttributeValue.fromS(type));
    item.put("count", AttributeValue.fromN("1"));
    item.put("firstAt", at);
    item.put("lastAt", at);
    item.put(seqName, sequence);
    try {
      ddb.transactWriteItems(b -> b.transactItems(
          TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
              .conditionExpression("attribute_not_exists(pk)").build()).build(),
          TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key(contactId, PROFILE))
              .conditionExpression("attribute_exists(pk) AND attribute_not_exists(mergedInto)")
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build()));
      return Counted.FIRST_OF_TYPE;
    } catch (TransactionCanceledException e) {
      List<String> codes = e.hasCancellationReasons()
          ? e.cancellationReasons().stream().map(r -> r.code() == null ? "None" : r.code()).toList() : List.of();
      if (codes.size() == 2 && isConditionFailure(codes.get(1))) {
        // The refused check carries the profile as it stood: none, or merged away.
        var profile = e.cancellationReasons().get(1);
        if (!profile.hasItem() || profile.item().isEmpty()) {
          return Counted.NO_PROFILE;
        }
        if (profile.item().containsKey("mergedInto")) {
          return Counted.MERGED;
        }
      }
      return null; // the item exists now, or a concurrent transaction: try again from the update
    }
  }

  /**
   * The stream sequence number the counter of {@code type} applied last of the events stored under
   * {@code sourceId} (see {@link #seqAttribute}); empty if it applied none or does not exist.
   */
  public Optional<String> appliedSeq(String contactId, String sourceId, String type) {
    String name = seqAttribute(contactId, sourceId);
    var item = ddb.getItem(b -> b.tableName(table).key(key(contactId, COUNT_PREFIX + type)).consistentRead(true)
        .projectionExpression("#s").expressionAttributeNames(Map.of("#s", name))).item();
    return item == null || !item.containsKey(name) ? Optional.empty() : Optional.of(item.get(name).s());
  }

  /**
   * Folds the anonymous contact {@code anonymousContactId} into {@code knownId} in one transaction:
   * the anonymous profile points to the known one (created as a bare alias if it never existed),
   * the known one lists it among its merged ids (its events stay where they are and are read with
   * the known contact's), takes the anonymous attributes it lacks and its lists, and the event
   * counters are added up. Returns false if it was already
   * merged. Throws {@link ConcurrentMergeException} when a concurrent write changed what was read.
   */
  public boolean merge(String anonymousContactId, String knownId, Instant now) {
    Optional<Contact> anonymous = find(anonymousContactId);
    if (anonymous.isPresent() && anonymous.get().mergedInto() != null) {
      // Finish what a merge interrupted after its transaction may have left (see foldLeftoverCounters).
      foldLeftoverCounters(anonymousContactId, anonymous.get().mergedInto());
      return false;
    }
    Map<String, Map<String, AttributeValue>> known = counterItems(knownId);
    Map<String, Map<String, AttributeValue>> anonymousEvents = counterItems(anonymousContactId);
    if (anonymousEvents.size() > MAX_MERGE_EVENT_TYPES) {
      throw new IllegalStateException("an anonymous contact with more than " + MAX_MERGE_EVENT_TYPES
          + " event types cannot be merged in one transaction");
    }
    String nowText = Times.format(now);
    List<TransactWriteItem> writes = new ArrayList<>();
    if (anonymous.isPresent()) {
      writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
          .key(key(anonymousContactId, PROFILE))
          .updateExpression("SET mergedInto = :k, updatedAt = :now")
          .conditionExpression("attribute_exists(pk) AND attribute_not_exists(mergedInto)")
          .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(knownId), ":now", AttributeValue.fromS(nowText)))
          .build()).build());
    } else {
      Map<String, AttributeValue> alias = new HashMap<>(key(anonymousContactId, PROFILE));
      alias.put("id", AttributeValue.fromS(anonymousContactId));
      alias.put("mergedInto", AttributeValue.fromS(knownId));
      alias.put("createdAt", AttributeValue.fromS(nowText));
      alias.put("updatedAt", AttributeValue.fromS(nowText));
      writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(alias)
          .conditionExpression("attribute_not_exists(pk)").build()).build());
    }
    // The known profile keeps its own values: the anonymous contact's attributes fill only the gaps,
    // its lists are added.
    StringBuilder set = new StringBuilder("SET updatedAt = :now");
    StringBuilder add = new StringBuilder(" ADD mergedIds :a");
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":a", AttributeValue.fromSs(List.of(anonymousContactId)));
    values.put(":now", AttributeValue.fromS(nowText));
    int n = 0;
    for (var attribute : anonymous.map(Contact::attributes).orElse(Map.of()).entrySet()) {
      names.put("#at" + n, attribute.getKey());
      values.put(":at" + n, attribute(attribute.getValue()));
      set.append(", attrs.#at").append(n).append(" = if_not_exists(attrs.#at").append(n).append(", :at").append(n).append(')');
      n++;
    }
    Location anonymousLocation = anonymous.map(Contact::location).orElse(null);
    if (anonymousLocation != null) {
      values.put(":loc", location(anonymousLocation));
      set.append(", #loc = if_not_exists(#loc, :loc)");
      names.put("#loc", "location");
    }
    Set<String> anonymousLists = anonymous.map(Contact::lists).orElse(Set.of());
    if (!anonymousLists.isEmpty()) {
      values.put(":lists", AttributeValue.fromSs(List.copyOf(anonymousLists)));
      add.append(", lists :lists");
    }
    Update.Builder knownUpdate = Update.builder().tableName(table).key(key(knownId, PROFILE))
        .updateExpression(set.toString() + add)
        .conditionExpression("attribute_exists(pk)")
        .expressionAttributeValues(values);
    if (!names.isEmpty()) {
      knownUpdate.expressionAttributeNames(names);
    }
    writes.add(TransactWriteItem.builder().update(knownUpdate.build()).build());
    for (var from : anonymousEvents.entrySet()) {
      writes.addAll(fold(anonymousContactId, knownId, from.getKey(), from.getValue(), known.get(from.getKey())));
    }
    try {
      ddb.transactWriteItems(b -> b.transactItems(writes));
    } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
      throw new ConcurrentMergeException(anonymousContactId, knownId);
    }
    foldLeftoverCounters(anonymousContactId, knownId);
    // The lists moved to the known contact: so do their byList items (a broadcast reaches the person once).
    lists.sync(knownId, anonymousLists, Set.of());
    lists.sync(anonymousContactId, Set.of(), anonymousLists);
    return true;
  }

  /**
   * The two writes that move one anonymous counter into the known contact's: the sum replaces the
   * known counter (conditional on the count read), and the anonymous one is deleted (conditional on
   * its count read). The sum keeps the known counter's sequence numbers and records the anonymous
   * one's as {@code seq@<anonymous id>}: an event of the anonymous id that the stream consumer
   * counts after the merge is counted on the known contact once, and one it counted before is not
   * counted again.
   */
  private List<TransactWriteItem> fold(String anonymousContactId, String knownId, String type,
      Map<String, AttributeValue> from, Map<String, AttributeValue> into) {
    EventStats a = stats(from);
    EventStats b = into == null ? null : stats(into);
    EventStats sum = b == null ? a : new EventStats(type, b.count() + a.count(), min(b.firstAt(), a.firstAt()),
        max(b.lastAt(), a.lastAt()));
    Map<String, AttributeValue> item = new HashMap<>(into == null ? Map.of() : into);
    item.putAll(key(knownId, COUNT_PREFIX + type));
    item.putAll(statsAttributes(sum));
    from.forEach((name, value) -> {
      String target = name.equals(SEQ) ? seqAttribute(knownId, anonymousContactId)
          : name.startsWith(SEQ + "@") ? name : null;
      if (target != null && (!item.containsKey(target) || item.get(target).s().compareTo(value.s()) < 0)) {
        item.put(target, value);
      }
    });
    Put.Builder put = Put.builder().tableName(table).item(item);
    if (into == null) {
      put.conditionExpression("attribute_not_exists(pk)");
    } else {
      put.conditionExpression("#count = :expected")
          .expressionAttributeNames(Map.of("#count", "count"))
          .expressionAttributeValues(Map.of(":expected", into.get("count")));
    }
    return List.of(TransactWriteItem.builder().put(put.build()).build(),
        TransactWriteItem.builder().delete(Delete.builder().tableName(table)
            .key(key(anonymousContactId, COUNT_PREFIX + type))
            .conditionExpression("#count = :expected")
            .expressionAttributeNames(Map.of("#count", "count"))
            .expressionAttributeValues(Map.of(":expected", from.get("count")))
            .build()).build());
  }

  /**
   * Folds into the known contact the anonymous counters a merge's transaction did not see: a
   * contact's first event of a type counted by the stream consumer between the merge's read and
   * its commit (that creation checks the profile is not merged, so none can appear after the
   * commit). Each is its own transaction, retried while a concurrent count changes what was read.
   */
  void foldLeftoverCounters(String anonymousContactId, String knownId) {
    for (int attempt = 1; ; attempt++) {
      Map<String, Map<String, AttributeValue>> left = counterItems(anonymousContactId);
      if (left.isEmpty()) {
        return;
      }
      Map<String, Map<String, AttributeValue>> known = counterItems(knownId);
      boolean conflicted = false;
      for (var from : left.entrySet()) {
        var writes = fold(anonymousContactId, knownId, from.getKey(), from.getValue(), known.get(from.getKey()));
        try {
          ddb.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException changed) {
          conflicted = true;
        }
      }
      if (!conflicted) {
        return;
      }
      if (attempt == TRANSACTION_ATTEMPTS) {
        throw new ConcurrentMergeException(anonymousContactId, knownId);
      }
      pause(attempt);
    }
  }

  /** The contact's counter items as stored (with their sequence numbers), by event type. */
  private Map<String, Map<String, AttributeValue>> counterItems(String contactId) {
    Map<String, Map<String, AttributeValue>> counters = new LinkedHashMap<>();
    for (var item : partitionItems(contactId, null)) {
      if (item.get("sk").s().startsWith(COUNT_PREFIX)) {
        counters.put(item.get("type").s(), item);
      }
    }
    return counters;
  }

  /** Thrown when a merge lost a race with another write to the same contacts; retrying is safe. */
  public static final class ConcurrentMergeException extends RuntimeException {
    ConcurrentMergeException(String anonymousContactId, String knownId) {
      super("merge of " + anonymousContactId + " into " + knownId + " conflicted with a concurrent write");
    }
  }

  /**
   * Deletes every item of the contact's partition (profile, counters, date items), the profile
   * last: while it exists, erasure has not finished and a repeated erasure finds the contact.
   */
  public int deletePartition(String contactId) {
    List<Map<String, AttributeValue>> items = partitionItems(contactId, "pk, sk");
    List<WriteRequest> deletes = new ArrayList<>();
    boolean profile = false;
    for (var item : items) {
      if (PROFILE.equals(item.get("sk").s())) {
        profile = true;
        continue;
      }
      deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))).build());
    }
    BatchWriter.write(ddb, table, deletes);
    if (profile) {
      ddb.deleteItem(b -> b.tableName(table).key(key(contactId, PROFILE)));
    }
    return items.size();
  }

  private List<Map<String, AttributeValue>> partitionItems(String contactId, String projection) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition(contactId))));
    if (projection != null) {
      q.projectionExpression(projection);
    }
    ddb.queryPaginator(q.build()).items().forEach(items::add);
    return items;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Map<String, AttributeValue> statsAttributes(EventStats stats) {
    return Map.of("type", AttributeValue.fromS(stats.type()),
        "count", AttributeValue.fromN(Long.toString(stats.count())),
        "firstAt", AttributeValue.fromS(Times.format(stats.firstAt())),
        "lastAt", AttributeValue.fromS(Times.format(stats.lastAt())));
  }

  private static EventStats stats(Map<String, AttributeValue> item) {
    return new EventStats(item.get("type").s(), Long.parseLong(item.get("count").n()),
        Times.parse(item.get("firstAt").s()), Times.parse(item.get("lastAt").s()));
  }

  static AttributeValue attribute(Attribute value) {
    if (value instanceof Attribute.Text t) {
      return AttributeValue.fromS(t.value());
    }
    if (value instanceof Attribute.Number n) {
      return AttributeValue.fromN(n.value().toPlainString());
    }
    return AttributeValue.fromBool(((Attribute.Flag) value).value());
  }

  private static Attribute attribute(AttributeValue value) {
    if (value.s() != null) {
      return new Attribute.Text(value.s());
    }
    if (value.n() != null) {
      return new Attribute.Number(new BigDecimal(value.n()));
    }
    return new Attribute.Flag(Boolean.TRUE.equals(value.bool()));
  }

  private static AttributeValue consent(Consent consent) {
    return AttributeValue.fromM(Map.of("status", AttributeValue.fromS(consent.status().wireName()),
        "source", AttributeValue.fromS(consent.source()),
        "at", AttributeValue.fromS(Times.format(consent.at()))));
  }

  private static Contact toContact(Map<String, AttributeValue> item, Map<String, EventStats> events) {
    Map<String, Attribute> attributes = new LinkedHashMap<>();
    if (item.containsKey("attrs")) {
      item.get("attrs").m().forEach((k, v) -> attributes.put(k, attribute(v)));
    }
    Map<Channel, Consent> consent = new HashMap<>();
    if (item.containsKey("consent")) {
      item.get("consent").m().forEach((k, v) -> Channel.fromWire(k).ifPresent(ch -> consent.put(ch, new Consent(
          ConsentStatus.fromWire(v.m().get("status").s()).orElseThrow(), v.m().get("source").s(),
          Times.parse(v.m().get("at").s())))));
    }
    Map<Channel, Suppression> suppression = new HashMap<>();
    if (item.containsKey("suppression")) {
      item.get("suppression").m().forEach((k, v) -> Channel.fromWire(k).ifPresent(ch -> suppression.put(ch,
          new Suppression(Suppression.Reason.valueOf(v.m().get("reason").s().toUpperCase(java.util.Locale.ROOT)),
              Times.parse(v.m().get("at").s())))));
    }
    return new Contact(
        item.get("id").s(),
        text(item, "email"),
        text(item, "phone"),
        attributes,
        consent,
        suppression,
        text(item, "timezone"),
        text(item, "locale"),
        item.containsKey("lists") ? new HashSet<>(item.get("lists").ss()) : Set.of(),
        item.containsKey("leadScore") ? Long.parseLong(item.get("leadScore").n()) : 0,
        Times.parse(item.get("createdAt").s()),
        Times.parse(item.get("updatedAt").s()),
        events,
        item.containsKey("mergedIds") ? new HashSet<>(item.get("mergedIds").ss()) : Set.of(),
        text(item, "mergedInto"),
        item.containsKey("location") ? location(item.get("location").m()) : null,
        scoreDecay(item));
  }

  /** How the stored score decays: written by the scoring with the score ({@code leadScoreAt}, {@code leadScoreHalfLife}). */
  private static ScoreDecay scoreDecay(Map<String, AttributeValue> item) {
    if (!item.containsKey("leadScoreAt")) {
      return null;
    }
    return new ScoreDecay(Times.parse(item.get("leadScoreAt").s()),
        item.containsKey("leadScoreHalfLife") ? java.time.Duration.parse(item.get("leadScoreHalfLife").s()) : null);
  }

  static AttributeValue location(Location location) {
    Map<String, AttributeValue> m = new HashMap<>();
    if (location.country() != null) {
      m.put("country", AttributeValue.fromS(location.country()));
    }
    if (location.region() != null) {
      m.put("region", AttributeValue.fromS(location.region()));
    }
    if (location.city() != null) {
      m.put("city", AttributeValue.fromS(location.city()));
    }
    if (location.hasCoordinates()) {
      m.put("lat", AttributeValue.fromN(Double.toString(location.lat())));
      m.put("lon", AttributeValue.fromN(Double.toString(location.lon())));
    }
    return AttributeValue.fromM(m);
  }

  static Location location(Map<String, AttributeValue> m) {
    boolean coordinates = m.containsKey("lat") && m.containsKey("lon");
    return new Location(text(m, "country"), text(m, "region"), text(m, "city"),
        coordinates ? Double.valueOf(m.get("lat").n()) : null, coordinates ? Double.valueOf(m.get("lon").n()) : null);
  }


  /** Builds SET/REMOVE/ADD/DELETE update expressions with placeholder names and values. */
  private static final class Expression {
    private final List<String> set = new ArrayList<>();
    private final List<String> remove = new ArrayList<>();
    private final List<String> add = new ArrayList<>();
    private final List<String> delete = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private int counter;

    private String name(String n) {
      String placeholder = "#n" + counter++;
      names.put(placeholder, n);
      return placeholder;
    }

    private String value(AttributeValue v) {
      String placeholder = ":v" + counter++;
      values.put(placeholder, v);
      return placeholder;
    }

    void set(String attribute, AttributeValue v) {
      set.add(name(attribute) + " = " + value(v));
    }

    void setIn(String map, String key, AttributeValue v) {
      set.add(name(map) + "." + name(key) + " = " + value(v));
    }

    void removeIn(String map, String key) {
      remove.add(name(map) + "." + name(key));
    }

    void add(String attribute, AttributeValue v) {
      add.add(name(attribute) + " " + value(v));
    }

    void delete(String attribute, AttributeValue v) {
      delete.add(name(attribute) + " " + value(v));
    }

    /** The same update as an item of a transaction; conditions may use {@link #name} and {@link #value}. */
    Update.Builder transactional(String table, Map<String, AttributeValue> key) {
      Update.Builder b = Update.builder().tableName(table).key(key)
          .updateExpression(expression()).expressionAttributeNames(names);
      if (!values.isEmpty()) {
        b.expressionAttributeValues(values);
      }
      return b;
    }

    UpdateItemRequest.Builder request(String table, Map<String, AttributeValue> key) {
      UpdateItemRequest.Builder b = UpdateItemRequest.builder().tableName(table).key(key)
          .updateExpression(expression()).expressionAttributeNames(names);
      if (!values.isEmpty()) {
        b.expressionAttributeValues(values);
      }
      return b;
    }

    private String expression() {
      StringBuilder expression = new StringBuilder();
      if (!set.isEmpty()) {
        expression.append("SET ").append(String.join(", ", set)).append(' ');
      }
      if (!remove.isEmpty()) {
        expression.append("REMOVE ").append(String.join(", ", remove)).append(' ');
      }
      if (!add.isEmpty()) {
        expression.append("ADD ").append(String.join(", ", add)).append(' ');
      }
      if (!delete.isEmpty()) {
        expression.append("DELETE ").append(String.join(", ", delete));
      }
      return expression.toString().trim();
    }
  }
}
