package dev.nudge.contacts;

/**
 * The addresses a contact is unique by. Each address in use has a uniqueness item in the contacts
 * table, {@code pk = U#<field>#<address>}, {@code sk = U}, holding the owner's {@code contactId}:
 * written in the same transaction as the profile change that gives a contact the address, so two
 * contacts can never both get it, and read with a strongly consistent GetItem, unlike the
 * eventually consistent {@code byEmail} / {@code byPhone} indexes. See docs/data-model.md.
 */
public enum AddressType {
  EMAIL("email", ContactRepository.EMAIL_INDEX),
  PHONE("phone", ContactRepository.PHONE_INDEX);

  static final String CLAIM_SK = "U";

  private final String field;
  private final String index;

  AddressType(String field, String index) {
    this.field = field;
    this.index = index;
  }

  /** The profile attribute, and the request field a conflict names ({@code email}, {@code phone}). */
  public String field() {
    return field;
  }

  String index() {
    return index;
  }

  /** The partition key of the uniqueness item of {@code address} (already normalised). */
  String claimPartition(String address) {
    return "U#" + field + "#" + address;
  }
}
