package dev.nudge.journeys;

import dev.nudge.contacts.ContactRepository;
import dev.nudge.platform.Environment;
import dev.nudge.workflows.admin.WorkflowStore;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The journey runtime's collaborators wired from one environment (CONTACTS_TABLE, JOURNEYS_TABLE,
 * WORKFLOWS_TABLE, optional WORKFLOW_CACHE_SECONDS), shared by the router, the scheduler and the
 * admin API.
 */
public record JourneyRuntime(ContactRepository contacts, JourneyRecords journeys, WaitRegistrations waits,
    WorkflowStore store, PublishedWorkflows workflows, JourneyEntry entry, Executions executions, Clock clock) {

  public static JourneyRuntime of(Environment env, DynamoDbClient ddb, Executions executions) {
    Clock clock = env.clock();
    ContactRepository contacts = new ContactRepository(ddb, env.require("CONTACTS_TABLE"));
    String journeysTable = env.require("JOURNEYS_TABLE");
    JourneyRecords journeys = new JourneyRecords(ddb, journeysTable);
    WorkflowStore store = new WorkflowStore(ddb, env.require("WORKFLOWS_TABLE"));
    Duration ttl = Duration.ofSeconds(Long.parseLong(env.optional("WORKFLOW_CACHE_SECONDS").orElse("30")));
    return new JourneyRuntime(contacts, journeys, new WaitRegistrations(ddb, journeysTable), store,
        new PublishedWorkflows(store, clock, ttl), new JourneyEntry(contacts, journeys, new JourneyStore(ddb, journeysTable),
            executions, clock, memberOf(env, ddb)),
        executions, clock);
  }

  /** Segment membership for audiences, when the stack keeps segments (SEGMENTS_TABLE). */
  public static java.util.function.BiPredicate<String, String> memberOf(Environment env, DynamoDbClient ddb) {
    return env.optional("SEGMENTS_TABLE")
        .<java.util.function.BiPredicate<String, String>>map(t -> new dev.nudge.audiences.SegmentMembers(ddb, t)::isMember)
        .orElse((segment, contactId) -> false);
  }
}
