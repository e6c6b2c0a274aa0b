package dev.nudge.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.testing.LocalDynamoDb;
import dev.nudge.testing.TrackingStack;
import dev.nudge.testing.TrackingStack.Response;
import dev.nudge.tracking.RequestAuthenticator;
import dev.nudge.tracking.TrackHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * One contact per e-mail and per phone, under concurrency: the address's uniqueness item is written
 * in the same transaction as the profile change and read strongly consistently. The handlers here
 * talk to DynamoDB Local through a client whose byEmail/byPhone index queries come back empty, as
 * a real index does in the moments after a write (DynamoDB Local's indexes are never behind), so
 * nothing here can pass by reading the index.
 */
class IdentityUniquenessTest {
  private static final int CALLS = 20;

  private final TrackingStack stack = new TrackingStack();
  /** Runs once, right after the next uniqueness item read answered: a concurrent request slotted in there. */
  private final AtomicReference<Runnable> afterNextClaimRead = new AtomicReference<>();
  private final DynamoDbClient laggingIndexes = laggingIndexClient();

  /** A DynamoDB Local client for which the e-mail and phone indexes have not caught up yet. */
  private DynamoDbClient laggingIndexClient() {
    ExecutionInterceptor indexBehind = new ExecutionInterceptor() {
      @Override
      public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (context.request() instanceof GetItemRequest g && g.key().get("pk").s().startsWith("U#")) {
          Runnable interleaved = afterNextClaimRead.getAndSet(null);
          if (interleaved != null) {
            interleaved.run();
          }
        }
        if (context.request() instanceof QueryRequest q && q.indexName() != null
            && (q.indexName().equals("byEmail") || q.indexName().equals("byPhone"))) {
          return ((QueryResponse) context.response()).toBuilder().items(List.of()).count(0).scannedCount(0).build();
        }
        return context.response();
      }
    };
    return DynamoDbClient.builder()
        .endpointOverride(LocalDynamoDb.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(indexBehind))
        .build();
  }

  /** Operations sent and write units DynamoDB reports for them (TOTAL: table and indexes). */
  private static final class WriteMeter implements ExecutionInterceptor {
    final List<String> operations = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.DoubleAdder writeUnits = new java.util.concurrent.atomic.DoubleAdder();

    @Override
    public software.amazon.awssdk.core.SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      var total = software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity.TOTAL;
      if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.PutItemRequest r) {
        return r.toBuilder().returnConsumedCapacity(total).build();
      }
      if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest r) {
        return r.toBuilder().returnConsumedCapacity(total).build();
      }
      if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest r) {
        return r.toBuilder().returnConsumedCapacity(total).build();
      }
      return context.request();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      operations.add(attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME));
      if (context.response() instanceof software.amazon.awssdk.services.dynamodb.model.PutItemResponse r) {
        add(r.consumedCapacity());
      } else if (context.response() instanceof software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse r) {
        add(r.consumedCapacity());
      } else if (context.response() instanceof software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse r) {
        r.consumedCapacity().forEach(this::add);
      }
    }

    private void add(software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity capacity) {
      if (capacity != null && capacity.capacityUnits() != null) {
        writeUnits.add(capacity.capacityUnits());
      }
    }
  }

  private TrackHandler metered(WriteMeter meter) {
    return new TrackHandler(stack.env, DynamoDbClient.builder()
        .endpointOverride(LocalDynamoDb.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(meter))
        .build(), stack.secrets);
  }

  /** A function instance of its own (as concurrent requests get separate Lambda instances). */
  private TrackHandler instance() {
    return new TrackHandler(stack.env, laggingIndexes, stack.secrets);
  }

  private Response signed(TrackHandler handler, String route, String body) {
    ObjectNode event = TrackingStack.event("track-signed.json", route, body);
    String timestamp = Long.toString(stack.clock.instant().getEpochSecond());
    ((ObjectNode) event.get("headers")).put("x-nudge-key-id", TrackingStack.KEY_ID)
        .put("x-nudge-timestamp", timestamp)
        .put("x-nudge-signature", "v1=" + HexFormat.of().formatHex(RequestAuthenticator.sign(
            TrackingStack.KEY_SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8))));
    return TrackingStack.invoke(handler, event);
  }

  /** The call of thread {@code i}: identify naming its own contact id, identify or track by the address alone. */
  private record Call(String route, String body, boolean namesAContactId) {}

  private static Call call(int i, String field, String address) {
    String naming = "\"" + field + "\":\"" + address + "\"";
    return switch (i % 4) {
      case 0 -> new Call("POST /v1/identify", "{\"contactId\":\"user-" + i + "\"," + naming + "}", true);
      case 1 -> new Call("POST /v1/identify", "{" + naming + ",\"attributes\":{\"n\":" + i + "}}", false);
      default -> new Call("POST /v1/track", "{\"id\":\"e-" + i + "\",\"type\":\"page.viewed\"," + naming + "}", false);
    };
  }

  /** Runs the twenty calls from twenty threads released together; their responses in call order. */
  private List<Response> concurrently(String field, String address) throws Exception {
    List<TrackHandler> handlers = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      handlers.add(instance());
    }
    CyclicBarrier start = new CyclicBarrier(CALLS);
    ExecutorService pool = Executors.newFixedThreadPool(CALLS);
    try {
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        int n = i;
        futures.add(pool.submit(() -> {
          Call call = call(n, field, address);
          start.await(30, TimeUnit.SECONDS);
          return signed(handlers.get(n), call.route(), call.body());
        }));
      }
      List<Response> responses = new ArrayList<>();
      for (Future<Response> f : futures) {
        responses.add(f.get(120, TimeUnit.SECONDS));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  private List<Map<String, AttributeValue>> contactItems() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    stack.ddb.scanPaginator(b -> b.tableName(stack.contactsTable).consistentRead(true)).items().forEach(items::add);
    return items;
  }

  private List<Map<String, AttributeValue>> profiles() {
    return contactItems().stream().filter(i -> i.get("sk").s().equals("PROFILE")).toList();
  }

  /** The uniqueness items of {@code field} and {@code address} (pk U#field#address). */
  private List<Map<String, AttributeValue>> uniquenessItems(String field, String address) {
    return contactItems().stream().filter(i -> i.get("pk").s().equals("U#" + field + "#" + address)).toList();
  }

  private void assertExactlyOneContactOwns(String field, String address, List<Response> responses) {
    List<Map<String, AttributeValue>> profiles = profiles();
    // Exactly one profile, and it carries the address: a loser of the race leaves nothing behind.
    assertThat(profiles).hasSize(1);
    Map<String, AttributeValue> owner = profiles.get(0);
    String ownerId = owner.get("id").s();
    assertThat(owner.get(field).s()).isEqualTo(address);
    assertThat(uniquenessItems(field, address)).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo(ownerId));
    for (int i = 0; i < CALLS; i++) {
      Response response = responses.get(i);
      Call call = call(i, field, address);
      if (response.status() == 200) {
        assertThat(response.json().path("contactId").asText()).as(call.body()).isEqualTo(ownerId);
      } else {
        // Only a call naming another contact id may be refused, and only as the taken address.
        assertThat(call.namesAContactId()).as(call.body() + " -> " + response.body()).isTrue();
        assertThat(response.status()).as(response.body()).isEqualTo(409);
        assertThat(response.errorField()).isEqualTo(field);
      }
    }
    long tracked = java.util.stream.IntStream.range(0, CALLS).filter(i -> call(i, field, address).route().endsWith("track")).count();
    stack.countStoredEvents();
    assertThat(stack.contacts.find(ownerId).orElseThrow().events().get("page.viewed").count()).isEqualTo(tracked);
  }

  @Test
  void twentyConcurrentIdentifyAndTrackCallsWithOneNewEmailCreateExactlyOneContactOwningIt() throws Exception {
    List<Response> responses = concurrently("email", "race@example.com");

    assertExactlyOneContactOwns("email", "race@example.com", responses);
  }

  @Test
  void twentyConcurrentIdentifyAndTrackCallsWithOneNewPhoneCreateExactlyOneContactOwningIt() throws Exception {
    List<Response> responses = concurrently("phone", "+34612000111");

    assertExactlyOneContactOwns("phone", "+34612000111", responses);
  }

  @Test
  void aTrackByEmailRightAfterIdentifyResolvesToTheIdentifiedContact() {
    TrackHandler handler = instance();
    signed(handler, "POST /v1/identify", "{\"contactId\":\"user-1\",\"email\":\"fresh@example.com\"}");

    Response track = signed(handler, "POST /v1/track", "{\"id\":\"t1\",\"type\":\"page.viewed\",\"email\":\"fresh@example.com\"}");

    assertThat(track.json().path("contactId").asText()).isEqualTo("user-1");
    assertThat(profiles()).hasSize(1);
  }

  @Test
  void aTrackByPhoneRightAfterIdentifyResolvesToTheIdentifiedContact() {
    TrackHandler handler = instance();
    signed(handler, "POST /v1/identify", "{\"contactId\":\"user-1\",\"phone\":\"+34612000222\"}");

    Response track = signed(handler, "POST /v1/track", "{\"id\":\"t1\",\"type\":\"page.viewed\",\"phone\":\"+34612000222\"}");

    assertThat(track.json().path("contactId").asText()).isEqualTo("user-1");
  }

  @Test
  void anEmailOnlyTrackThatLosesTheAddressToAConcurrentIdentifyGoesToTheWinner() {
    // The track reads "no owner", then the identify completes, then the track creates its contact.
    afterNextClaimRead.set(() -> assertThat(signed(instance(), "POST /v1/identify",
        "{\"contactId\":\"winner\",\"email\":\"contested@example.com\"}").status()).isEqualTo(200));

    Response track = signed(instance(), "POST /v1/track", "{\"id\":\"t1\",\"type\":\"page.viewed\",\"email\":\"contested@example.com\"}");

    assertThat(track.status()).as(track.body()).isEqualTo(200);
    assertThat(track.json().path("contactId").asText()).isEqualTo("winner");
    assertThat(profiles()).extracting(p -> p.get("id").s()).containsExactly("winner");
  }

  @Test
  void anIdentifyThatLosesTheAddressToAConcurrentOneNamingAnotherContactIsRefusedAndLeavesNothing() {
    afterNextClaimRead.set(() -> assertThat(signed(instance(), "POST /v1/identify",
        "{\"contactId\":\"winner\",\"email\":\"contested@example.com\"}").status()).isEqualTo(200));

    Response loser = signed(instance(), "POST /v1/identify", "{\"contactId\":\"loser\",\"email\":\"contested@example.com\"}");

    assertThat(loser.status()).as(loser.body()).isEqualTo(409);
    assertThat(loser.errorField()).isEqualTo("email");
    assertThat(profiles()).extracting(p -> p.get("id").s()).containsExactly("winner");
  }

  @Test
  void anAddressChangeThatLosesTheAddressToAConcurrentIdentifyIsRefusedAndKeepsTheOldAddress() {
    signed(instance(), "POST /v1/identify", "{\"contactId\":\"mover\",\"email\":\"old@example.com\"}");
    afterNextClaimRead.set(() -> assertThat(signed(instance(), "POST /v1/identify",
        "{\"contactId\":\"winner\",\"email\":\"contested@example.com\"}").status()).isEqualTo(200));

    Response change = signed(instance(), "POST /v1/identify", "{\"contactId\":\"mover\",\"email\":\"contested@example.com\"}");

    assertThat(change.status()).as(change.body()).isEqualTo(409);
    assertThat(stack.contacts.find("mover").orElseThrow().email()).isEqualTo("old@example.com");
    assertThat(uniquenessItems("email", "old@example.com")).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo("mover"));
    assertThat(uniquenessItems("email", "contested@example.com")).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo("winner"));
  }

  @Test
  void anEmailGivenAMomentAgoIsRefusedToAnotherContactBeforeTheIndexCatchesUp() {
    TrackHandler handler = instance();
    signed(handler, "POST /v1/identify", "{\"contactId\":\"first\",\"email\":\"taken@example.com\"}");

    Response second = signed(handler, "POST /v1/identify", "{\"contactId\":\"second\",\"email\":\"taken@example.com\"}");

    assertThat(second.status()).isEqualTo(409);
    assertThat(second.errorField()).isEqualTo("email");
    assertThat(stack.contacts.find("second")).isEmpty();
  }

  @Test
  void anAddressChangeMovesTheUniquenessItemAndFreesTheOldAddress() {
    TrackHandler handler = instance();
    signed(handler, "POST /v1/identify", "{\"contactId\":\"mover\",\"email\":\"old@example.com\",\"phone\":\"+34612000333\"}");

    Response change = signed(handler, "POST /v1/identify", "{\"contactId\":\"mover\",\"email\":\"new@example.com\"}");

    assertThat(change.status()).as(change.body()).isEqualTo(200);
    assertThat(uniquenessItems("email", "old@example.com")).isEmpty();
    assertThat(uniquenessItems("email", "new@example.com")).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo("mover"));
    assertThat(uniquenessItems("phone", "+34612000333")).hasSize(1);
    Response other = signed(handler, "POST /v1/identify", "{\"contactId\":\"other\",\"email\":\"old@example.com\"}");
    assertThat(other.status()).as(other.body()).isEqualTo(200);
    assertThat(uniquenessItems("email", "old@example.com")).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo("other"));
  }

  @Test
  void anAddressChangeToAnAddressAnotherContactHoldsIsRefusedAndChangesNothing() {
    TrackHandler handler = instance();
    signed(handler, "POST /v1/identify", "{\"contactId\":\"a\",\"email\":\"a@example.com\"}");
    signed(handler, "POST /v1/identify", "{\"contactId\":\"b\",\"email\":\"b@example.com\"}");

    Response change = signed(handler, "POST /v1/identify", "{\"contactId\":\"a\",\"email\":\"b@example.com\"}");

    assertThat(change.status()).isEqualTo(409);
    assertThat(change.errorField()).isEqualTo("email");
    assertThat(stack.contacts.find("a").orElseThrow().email()).isEqualTo("a@example.com");
    assertThat(uniquenessItems("email", "a@example.com")).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo("a"));
  }

  @Test
  void aNewContactIdentifiedWithAnEmailIsOneTransactionOfTheProfileAndTheUniquenessItem() {
    WriteMeter meter = new WriteMeter();

    signed(metered(meter), "POST /v1/identify", "{\"contactId\":\"new-1\",\"email\":\"new1@example.com\","
        + "\"attributes\":{\"plan\":\"pro\"}}");

    assertThat(meter.operations).filteredOn(o -> !o.equals("GetItem") && !o.equals("Query"))
        .containsExactly("TransactWriteItems");
    assertThat(meter.writeUnits.sum()).as("DynamoDB Local's reported write units").isEqualTo(DOCUMENTED_NEW_CONTACT_WCU);
  }

  /**
   * 2 × (profile + uniqueness item + the profile's byEmail index entry): DynamoDB Local bills the
   * index write of a transaction at the transactional rate too (docs/data-model.md). Before
   * uniqueness items: create 1 + update 1 + index 1 = 3.
   */
  private static final double DOCUMENTED_NEW_CONTACT_WCU = 6.0;

  @Test
  void identifyingAnExistingContactWithTheAddressItHoldsWritesOnlyTheProfile() {
    signed(instance(), "POST /v1/identify", "{\"contactId\":\"steady\",\"email\":\"steady@example.com\"}");
    WriteMeter meter = new WriteMeter();

    signed(metered(meter), "POST /v1/identify", "{\"contactId\":\"steady\",\"email\":\"steady@example.com\","
        + "\"attributes\":{\"plan\":\"pro\"}}");

    assertThat(meter.operations).filteredOn(o -> !o.equals("GetItem") && !o.equals("Query")).containsExactly("UpdateItem");
    assertThat(meter.writeUnits.sum()).isEqualTo(1.0);
  }

  @Test
  void creatingAContactWithAPhoneAnotherContactHoldsIsRefusedNamingThePhoneAndWritesNothing() {
    ProfileUpdate first = new ProfileUpdate("one@example.com", "+34612000555", Map.of(), null, null, java.util.Set.of(),
        java.util.Set.of(), null, Map.of());
    ProfileUpdate second = new ProfileUpdate("two@example.com", "+34612000555", Map.of(), null, null, java.util.Set.of(),
        java.util.Set.of(), null, Map.of());
    assertThat(stack.contacts.create("one", first, stack.clock.instant())).isTrue();

    assertThatThrownBy(() -> stack.contacts.create("two", second, stack.clock.instant()))
        .isInstanceOfSatisfying(AddressTakenException.class, e -> assertThat(e.type()).isEqualTo(AddressType.PHONE));

    assertThat(stack.contacts.find("two")).isEmpty();
    assertThat(uniquenessItems("email", "two@example.com")).isEmpty();
  }

  @Test
  void erasingAContactRemovesItsUniquenessItems() {
    TrackHandler handler = instance();
    signed(handler, "POST /v1/identify", "{\"contactId\":\"gone\",\"email\":\"gone@example.com\",\"phone\":\"+34612000444\"}");

    stack.contactService.erase("gone");

    assertThat(contactItems()).noneSatisfy(item -> assertThat(item.toString()).containsAnyOf("gone@example.com", "+34612000444"));
    Response again = signed(handler, "POST /v1/identify", "{\"contactId\":\"new-owner\",\"email\":\"gone@example.com\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
  }

  @Test
  void aContactFromBeforeUniquenessItemsIsFoundThroughTheIndexAndGetsItsItemAtItsNextIdentify() {
    // Written the way profiles were before uniqueness items: the address on the profile only.
    stack.contacts.createIfAbsent("legacy", stack.clock.instant());
    stack.ddb.updateItem(b -> b.tableName(stack.contactsTable)
        .key(Map.of("pk", AttributeValue.fromS("C#legacy"), "sk", AttributeValue.fromS("PROFILE")))
        .updateExpression("SET email = :e").expressionAttributeValues(Map.of(":e", AttributeValue.fromS("legacy@example.com"))));
    assertThat(uniquenessItems("email", "legacy@example.com")).isEmpty();

    Response identify = stack.signed("POST /v1/identify", "{\"email\":\"legacy@example.com\",\"locale\":\"es-ES\"}");

    assertThat(identify.json().path("contactId").asText()).isEqualTo("legacy");
    assertThat(uniquenessItems("email", "legacy@example.com")).singleElement()
        .satisfies(u -> assertThat(u.get("contactId").s()).isEqualTo("legacy"));
    Response claimant = stack.signed("POST /v1/identify", "{\"contactId\":\"claimant\",\"email\":\"legacy@example.com\"}");
    assertThat(claimant.status()).isEqualTo(409);
  }
}
