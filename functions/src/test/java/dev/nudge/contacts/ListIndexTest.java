package dev.nudge.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.audiences.ListMembers;
import dev.nudge.journeys.JourneyStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The byList index against DynamoDB Local (tables from template.yaml): every way into or out of a list keeps it. */
class ListIndexTest {
  private final JourneyStack stack = new JourneyStack();
  private final String table = stack.variables.get("CONTACTS_TABLE");
  private final ContactRepository contacts = new ContactRepository(stack.ddb, table);
  private final ListIndex index = new ListIndex(stack.ddb, table);

  private static ProfileUpdate lists(Set<String> add, Set<String> remove) {
    return new ProfileUpdate(null, null, Map.of(), null, null, add, remove, null, Map.of());
  }

  private List<String> all(String list) {
    return index.members(list, 1000, null).contactIds();
  }

  @Test
  void listsJoinedByIdentifyAreIndexedAndListsLeftAreNot() {
    contacts.create("ana", lists(Set.of("customers", "beta"), Set.of()), stack.clock.instant());
    contacts.create("bo", lists(Set.of(), Set.of()), stack.clock.instant());
    contacts.update("bo", lists(Set.of("customers"), Set.of()), stack.clock.instant());
    contacts.update("ana", lists(Set.of(), Set.of("beta")), stack.clock.instant());

    assertThat(all("customers")).containsExactly("ana", "bo");
    assertThat(all("beta")).isEmpty();
  }

  @Test
  void aListIsPagedInContactOrderWithACursorAndEveryMemberComesOnce() {
    for (int i = 0; i < 25; i++) {
      contacts.create(String.format("c-%04d", i), lists(Set.of("customers"), Set.of()), stack.clock.instant());
    }
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      ListIndex.Page page = index.members("customers", 10, cursor);
      seen.addAll(page.contactIds());
      sizes.add(page.contactIds().size());
      cursor = page.next();
    } while (cursor != null);

    assertThat(sizes).containsExactly(10, 10, 5);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void aPageThatEndsExactlyAtTheLastMemberSaysNoMore() {
    for (int i = 0; i < 10; i++) {
      contacts.create(String.format("c-%04d", i), lists(Set.of("customers"), Set.of()), stack.clock.instant());
    }
    assertThat(index.members("customers", 10, null).next()).isNull();
  }

  @Test
  void theListsApiKeepsTheIndex() {
    contacts.create("ana", lists(Set.of(), Set.of()), stack.clock.instant());
    contacts.create("bo", lists(Set.of(), Set.of()), stack.clock.instant());
    ListMembers members = new ListMembers(stack.ddb, table, new EventRepository(stack.ddb, stack.variables.get("EVENTS_TABLE")),
        stack.clock, Duration.ofDays(400));
    members.add("customers", "ana");
    members.add("customers", "bo");
    members.remove("customers", "bo");

    assertThat(all("customers")).containsExactly("ana");
  }

  @Test
  void aMergeMovesTheAnonymousContactsListsToTheKnownContact() {
    contacts.create("anon:v1", lists(Set.of("webinar"), Set.of()), stack.clock.instant());
    contacts.create("ana", lists(Set.of(), Set.of()), stack.clock.instant());

    contacts.merge("anon:v1", "ana", stack.clock.instant());

    assertThat(all("webinar")).containsExactly("ana");
  }

  @Test
  void erasingAContactsPartitionTakesItsListItemsWithIt() {
    contacts.create("ana", lists(Set.of("customers"), Set.of()), stack.clock.instant());
    contacts.deletePartition("ana");
    assertThat(all("customers")).isEmpty();
  }
}
