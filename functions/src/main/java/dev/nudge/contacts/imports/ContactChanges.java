package dev.nudge.contacts.imports;

import dev.nudge.contacts.Attribute;
import dev.nudge.contacts.Channel;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactService.ConsentRequest;
import dev.nudge.contacts.ContactService.IdentifyCommand;
import dev.nudge.contacts.ProfileUpdate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether identify would change a contact: a row whose every value the contact already has is
 * "unchanged" and is not written at all (no new updatedAt, no event), which is what makes a
 * re-upload, a resumed import or a file that overlaps an earlier one change nothing.
 */
final class ContactChanges {
  private ContactChanges() {}

  static boolean wouldChange(Optional<Contact> existing, IdentifyCommand command) {
    if (existing.isEmpty()) {
      return true;
    }
    Contact c = existing.get();
    ProfileUpdate p = command.profile();
    if (differs(p.email(), c.email()) || differs(p.phone(), c.phone()) || differs(p.timezone(), c.timezone())
        || differs(p.locale(), c.locale()) || (p.location() != null && !p.location().equals(c.location()))
        || (p.leadScore() != null && p.leadScore() != c.leadScore())) {
      return true;
    }
    if (command.identity().contactId() != null && !command.identity().contactId().equals(c.id())) {
      return true;
    }
    if (!c.lists().containsAll(p.listsAdd()) || p.listsRemove().stream().anyMatch(c.lists()::contains)) {
      return true;
    }
    for (Map.Entry<String, Optional<Attribute>> entry : p.attributes().entrySet()) {
      Attribute current = c.attributes().get(entry.getKey());
      if (entry.getValue().isEmpty() ? current != null : !same(entry.getValue().get(), current)) {
        return true;
      }
    }
    for (Map.Entry<Channel, ConsentRequest> entry : command.consent().entrySet()) {
      ConsentStatus wanted = entry.getValue().status() == ConsentStatus.SUBSCRIBED && entry.getValue().doubleOptIn()
          ? ConsentStatus.PENDING : entry.getValue().status();
      if (c.consent(entry.getKey()).map(consent -> consent.status() != wanted).orElse(true)) {
        return true;
      }
    }
    return false;
  }

  private static boolean differs(String wanted, String current) {
    return wanted != null && !wanted.equals(current);
  }

  private static boolean same(Attribute wanted, Attribute current) {
    if (wanted instanceof Attribute.Number w && current instanceof Attribute.Number n) {
      return w.value().compareTo(n.value()) == 0;
    }
    return Objects.equals(wanted, current);
  }
}
