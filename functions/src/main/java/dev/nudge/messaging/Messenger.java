package dev.nudge.messaging;

/** Sends one message and returns the provider's message id. */
public interface Messenger {
  String send(OutgoingMessage message);
}
