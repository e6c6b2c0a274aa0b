package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nudge.platform.Json;
import dev.nudge.testing.TemplateTables;
import dev.nudge.testing.TrackingStack;
import org.junit.jupiter.api.Test;

/** PUT and GET /v1/scoring through the handler, against DynamoDB Local. */
public class AudiencesAdminTest {
  private final TrackingStack stack = new TrackingStack();
  private final String workflowsTable = TemplateTables.create(stack.ddb, "WorkflowsTable");
  private final ScoringStore store = new ScoringStore(stack.ddb, workflowsTable);
  private final SegmentMembers members = new SegmentMembers(stack.ddb, TemplateTables.create(stack.ddb, "SegmentsTable"));
  private final dev.nudge.contacts.EventRepository events = new dev.nudge.contacts.EventRepository(stack.ddb,
      stack.eventsTable);
  private final AudiencesAdminHandler handler = new AudiencesAdminHandler(store, new SegmentStore(stack.ddb, workflowsTable),
      members, new ListMembers(stack.ddb, stack.contactsTable, events, stack.clock, java.time.Duration.ofDays(400)),
      stack.clock);

  private TrackingStack.Response call(String routeKey, String body) {
    return call(routeKey, "/v1/scoring", java.util.Map.of(), java.util.Map.of(), body);
  }

  private TrackingStack.Response call(String routeKey, String path, java.util.Map<String, String> pathParameters,
      java.util.Map<String, String> query, String body) {
    var event = TrackingStack.event("track-signed.json", routeKey, body);
    event.put("rawPath", path);
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("requestContext").get("http")).put("path", path);
    var parameters = event.putObject("pathParameters");
    pathParameters.forEach(parameters::put);
    var queryParameters = event.putObject("queryStringParameters");
    query.forEach(queryParameters::put);
    return TrackingStack.invoke(handler, event);
  }

  private TrackingStack.Response putSegment(String id, String body) {
    return call("PUT /v1/segments/{id}", "/v1/segments/" + id, java.util.Map.of("id", id), java.util.Map.of(), body);
  }

  private TrackingStack.Response getSegment(String id, java.util.Map<String, String> query) {
    return call("GET /v1/segments/{id}", "/v1/segments/" + id, java.util.Map.of("id", id), query, "");
  }

  public static final String BEST = """
      id: best-customers
      name: Best customers
      when:
        event: { type: order.completed, within: P180D, count: { gte: 3 } }
      """;

  @Test
  void aSavedSegmentIsListedWithItsSizeAndReadWithAPageOfMembers() throws Exception {
    TrackingStack.Response put = putSegment("best-customers", BEST);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    for (String id : java.util.List.of("c1", "c2", "c3")) {
      members.enter("best-customers", id, stack.clock.instant());
    }
    JsonNode list = json(call("GET /v1/segments", "/v1/segments", java.util.Map.of(), java.util.Map.of(), ""));
    assertThat(list.path("segments").get(0).path("id").asText()).isEqualTo("best-customers");
    assertThat(list.path("segments").get(0).path("size").asLong()).isEqualTo(3);
    TrackingStack.Response firstResponse = getSegment("best-customers", java.util.Map.of("limit", "2"));
    assertThat(firstResponse.status()).as(firstResponse.body()).isEqualTo(200);
    JsonNode first = json(firstResponse);
    assertThat(first.path("size").asLong()).isEqualTo(3);
    assertThat(first.path("members")).extracting(JsonNode::asText).containsExactly("c1", "c2");
    JsonNode second = json(getSegment("best-customers", java.util.Map.of("limit", "2", "after", first.path("next").asText())));
    assertThat(second.path("members")).extracting(JsonNode::asText).containsExactly("c3");
  }

  @Test
  void anInvalidSegmentIsRefusedWithTheFieldNamedAndNothingIsStored() throws Exception {
    TrackingStack.Response put = putSegment("lapsed", """
        id: lapsed
        name: Lapsed
        when: { event: { type: order.completed, within: soon } }
        """);
    assertThat(put.status()).isEqualTo(400);
    assertThat(json(put).path("error").path("field").asText()).isEqualTo("/when/event/within");
    assertThat(getSegment("lapsed", java.util.Map.of()).status()).isEqualTo(404);
  }

  @Test
  void aSegmentWhoseIdIsNotThePathsIsRefused() throws Exception {
    TrackingStack.Response put = putSegment("other", BEST);
    assertThat(put.status()).isEqualTo(400);
    assertThat(json(put).path("error").path("field").asText()).isEqualTo("/id");
  }

  @Test
  void aPageLimitOutOfRangeIsRefused() throws Exception {
    putSegment("best-customers", BEST);
    TrackingStack.Response response = getSegment("best-customers", java.util.Map.of("limit", "0"));
    assertThat(response.status()).isEqualTo(400);
    assertThat(json(response).path("error").path("field").asText()).isEqualTo("limit");
  }

  private static JsonNode json(TrackingStack.Response response) throws Exception {
    return Json.mapper().readTree(response.body());
  }

  @Test
  void publishingValidRulesStoresThemAsVersionOneAndGetReturnsThem() throws Exception {
    TrackingStack.Response put = call("PUT /v1/scoring", ScoringRulesTest.RULES);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(json(put).path("version").asInt()).isEqualTo(1);
    JsonNode got = json(call("GET /v1/scoring", ""));
    assertThat(got.path("definition").asText()).isEqualTo(ScoringRulesTest.RULES);
    assertThat(got.path("rules").asInt()).isEqualTo(4);
    assertThat(got.path("thresholds").get(0).path("name").asText()).isEqualTo("MQL");
  }

  @Test
  void publishingAgainMakesTheNextVersion() throws Exception {
    call("PUT /v1/scoring", ScoringRulesTest.RULES);
    assertThat(json(call("PUT /v1/scoring", ScoringRulesTest.RULES)).path("version").asInt()).isEqualTo(2);
  }

  @Test
  void invalidRulesAreRefusedWithTheFieldNamedAndNothingIsStored() throws Exception {
    TrackingStack.Response put = call("PUT /v1/scoring", "rules:\n  - { id: a, event: page.viewed, points: 0 }\n");
    assertThat(put.status()).isEqualTo(400);
    assertThat(json(put).path("error").path("field").asText()).isEqualTo("/rules/0/points");
    assertThat(json(put).path("error").path("problems")).hasSize(1);
    assertThat(store.current()).isEmpty();
    assertThat(call("GET /v1/scoring", "").status()).isEqualTo(404);
  }

  @Test
  void anOversizedBodyIsRefused() throws Exception {
    TrackingStack.Response put = call("PUT /v1/scoring", "# " + "x".repeat(AudiencesAdminHandler.MAX_BYTES) + "\n");
    assertThat(put.status()).isEqualTo(400);
    assertThat(json(put).path("error").path("field").asText()).isEqualTo("body");
    assertThat(store.current()).isEmpty();
  }

  private TrackingStack.Response listMembers(String list, String body) {
    return call("POST /v1/lists/{list}/members", "/v1/lists/" + list + "/members", java.util.Map.of("list", list),
        java.util.Map.of(), body);
  }

  private long listEvents(String contactId, String type) {
    return events.timeline(java.util.List.of(contactId), 100).stream().filter(e -> e.type().equals(type)).count();
  }

  private void contact(String id) {
    stack.contacts.createIfAbsent(id, stack.clock.instant());
  }

  @Test
  void addingToAListJoinsOnceAndWritesListJoinedOnce() throws Exception {
    contact("reader");
    JsonNode first = json(listMembers("newsletter", "{\"add\":[\"reader\",\"ghost\"]}"));
    assertThat(first.path("results").get(0).path("result").asText()).isEqualTo("joined");
    assertThat(first.path("results").get(1).path("result").asText()).isEqualTo("unknown_contact");
    JsonNode again = json(listMembers("newsletter", "{\"add\":[\"reader\"]}"));
    assertThat(again.path("results").get(0).path("result").asText()).isEqualTo("unchanged");
    assertThat(stack.contacts.find("reader").orElseThrow().lists()).containsExactly("newsletter");
    assertThat(listEvents("reader", ListMembers.JOINED)).isEqualTo(1);
    assertThat(stack.contacts.find("ghost")).isEmpty();
  }

  @Test
  void removingFromAListWritesListLeft() throws Exception {
    contact("leaver");
    listMembers("newsletter", "{\"add\":[\"leaver\"]}");
    JsonNode removed = json(listMembers("newsletter", "{\"remove\":[\"leaver\"]}"));
    assertThat(removed.path("results").get(0).path("result").asText()).isEqualTo("left");
    assertThat(stack.contacts.find("leaver").orElseThrow().lists()).isEmpty();
    assertThat(listEvents("leaver", ListMembers.LEFT)).isEqualTo(1);
  }

  @Test
  void aBadListRequestNamesTheFieldAndChangesNothing() throws Exception {
    contact("reader");
    TrackingStack.Response badId = listMembers("newsletter", "{\"add\":[\"reader\",\"no spaces\"]}");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(json(badId).path("error").path("field").asText()).isEqualTo("add");
    TrackingStack.Response unknownField = listMembers("newsletter", "{\"add\":[\"reader\"],\"drop\":[]}");
    assertThat(json(unknownField).path("error").path("field").asText()).isEqualTo("drop");
    TrackingStack.Response badList = listMembers("news letter", "{\"add\":[\"reader\"]}");
    assertThat(json(badList).path("error").path("field").asText()).isEqualTo("list");
    String tooMany = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "\"c" + i + "\"")
        .collect(java.util.stream.Collectors.joining(",", "{\"add\":[", "]}"));
    assertThat(listMembers("newsletter", tooMany).status()).isEqualTo(400);
    assertThat(stack.contacts.find("reader").orElseThrow().lists()).isEmpty();
  }
}
