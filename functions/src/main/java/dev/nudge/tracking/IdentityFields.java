package dev.nudge.tracking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Identity;
import dev.nudge.platform.ApiException;

/** The contactId / email / phone / anonymousId fields that name a contact in a request. */
final class IdentityFields {
  private IdentityFields() {}

  static Identity parse(ObjectNode node, String prefix, Caller caller) {
    String contactId = Validation.id(node, "contactId", prefix);
    if (contactId != null && caller instanceof Caller.Browser) {
      // A write key is public: letting it name contacts by id would let any page edit any contact.
      throw ApiException.forbidden(prefix + "contactId", "a write key may not name a contact by id");
    }
    Identity identity = new Identity(contactId, Validation.email(node, "email", prefix),
        Validation.phone(node, "phone", prefix), Validation.id(node, "anonymousId", prefix));
    if (identity.isAnonymousOnly() && identity.anonymousId() == null) {
      throw ApiException.invalid(prefix + "contactId", "name the contact: contactId, email, phone or anonymousId");
    }
    return identity;
  }
}
