package dev.nudge.contacts;

import java.math.BigDecimal;

/** A typed contact attribute value: text, number or flag. */
public sealed interface Attribute {
  record Text(String value) implements Attribute {}

  record Number(BigDecimal value) implements Attribute {}

  record Flag(boolean value) implements Attribute {}
}
