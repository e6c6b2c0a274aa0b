package dev.nudge.contacts;

/**
 * A write lost the race for an address: another contact's uniqueness item holds it. Nothing was
 * written. The message names the kind of address only, never the address (no personal data in logs).
 */
public final class AddressTakenException extends RuntimeException {
  private final AddressType type;

  public AddressTakenException(AddressType type) {
    super(type.field() + " belongs to another contact", null, false, false);
    this.type = type;
  }

  public AddressType type() {
    return type;
  }
}
