package dev.weaviatesync.sink;

import java.time.Duration;

/**
 * When one flush must be done by. A flush runs on a stream thread inside a Kafka transaction: it
 * must end well before {@code transaction.timeout.ms} (or the producer is fenced) and before {@code
 * max.poll.interval.ms} (or the instance leaves its group); see {@code SyncConfig#flushDeadline()}.
 * Work left when it is reached stays pending for the next flush.
 */
public record Deadline(long atNanos) {

  public static Deadline after(Duration d) {
    return new Deadline(System.nanoTime() + d.toNanos());
  }

  /** True when a call that may take {@code call} still ends before the deadline. */
  public boolean allows(Duration call) {
    return atNanos - System.nanoTime() > call.toNanos();
  }
}
