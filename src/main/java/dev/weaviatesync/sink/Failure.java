package dev.weaviatesync.sink;

/** Why a record went to the dead-letter topic. Written as the {@code weaviate-sync.failure.category} header. */
public enum Failure {
  /** The record breaks the event contract (malformed JSON, missing id, key ≠ id, unknown type or op, ...). */
  INVALID_EVENT,
  /** Weaviate rejected this object (for example a property of the wrong type). */
  REJECTED,
  /** The whole batch failed with an error that retrying cannot fix (400, 422, ...). */
  PERMANENT,
  /** A transient error that outlasted the retry budget on a healthy Weaviate (an object, or a batch it poisons). */
  TRANSIENT_EXHAUSTED,
  /** A valid record larger than the worker can keep pending (its changelog copy would exceed the limit). */
  TOO_LARGE
}
