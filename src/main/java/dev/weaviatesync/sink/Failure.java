package dev.weaviatesync.sink;

/**
 * What can go wrong with a write, from the record to Weaviate: the one vocabulary of the
 * classifier, the writer, the processor, the dead-letter records and the metrics. A failure is
 * retried (it may pass), stops the worker ({@link #FATAL}), or dead-letters the records concerned
 * under its {@link #category()}.
 */
public enum Failure {
  /**
   * An error that may pass (gRPC UNAVAILABLE, HTTP 429/5xx, connection errors, "not enough memory",
   * a provider's 408/429/5xx): retried with backoff within the retry budget.
   */
  TRANSIENT(null, true),
  /**
   * The retry budget ran out while Weaviate is not healthy (an outage): the records stay pending,
   * processing pauses and goes on once Weaviate answers again. Nothing is dead-lettered for it.
   */
  UNAVAILABLE(null, true),
  /**
   * Weaviate refuses the worker itself (401/403): no record is at fault, nothing is dead-lettered;
   * the worker stops ({@link FatalSinkException}).
   */
  FATAL(null, false),
  /**
   * The record breaks the event contract (malformed JSON, missing id, key ≠ id, unknown type or op,
   * ...).
   */
  INVALID_EVENT("INVALID_EVENT", false),
  /**
   * Weaviate rejected this object (for example a property of the wrong type, or a provider's 4xx).
   */
  REJECTED("REJECTED", false),
  /** The whole batch failed with an error that retrying cannot fix (400, 422, too large, ...). */
  PERMANENT("PERMANENT", false),
  /**
   * A transient error that outlasted the retry budget on a healthy Weaviate (an object, or a batch
   * it poisons).
   */
  TRANSIENT_EXHAUSTED("TRANSIENT_EXHAUSTED", false),
  /**
   * A valid record larger than the worker can keep pending (its changelog copy would exceed the
   * limit).
   */
  TOO_LARGE("TOO_LARGE", false);

  private final String category;
  private final boolean retried;

  Failure(String category, boolean retried) {
    this.category = category;
    this.retried = retried;
  }

  /**
   * The {@code weaviate-sync.failure.category} header of the dead-letter records it makes, and the
   * {@code category} tag of {@code weaviate_sync_dlq_total}. The README documents these values and
   * users filter on them: they never change.
   *
   * @throws IllegalStateException for a failure that dead-letters nothing
   */
  public String category() {
    if (category == null) {
      throw new IllegalStateException(name() + " dead-letters nothing");
    }
    return category;
  }

  /** True when the records concerned go to the dead-letter topic. */
  public boolean deadLettered() {
    return category != null;
  }

  /**
   * True when the write is tried again: with backoff ({@link #TRANSIENT}), or once Weaviate is
   * back.
   */
  public boolean retried() {
    return retried;
  }
}
