package dev.nudge.contacts.imports;

import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.ContactService.IdentifyCommand;
import java.util.Optional;

/**
 * Applies one valid row through the identify path, unless the contact already has every value
 * (then nothing is written: no new updatedAt, no event).
 */
final class RowApplier {
  private final ContactService contacts;

  RowApplier(ContactService contacts) {
    this.contacts = contacts;
  }

  /** True when the row changed (or created) the contact; false when it was unchanged. */
  boolean apply(IdentifyCommand command) {
    ContactService.Resolved resolved = contacts.resolve(command.identity());
    Optional<Contact> existing = resolved.exists() ? contacts.find(resolved.contactId()) : Optional.empty();
    if (!ContactChanges.wouldChange(existing, command)) {
      return false;
    }
    contacts.identify(command);
    return true;
  }
}
