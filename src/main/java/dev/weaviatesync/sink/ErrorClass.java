package dev.weaviatesync.sink;

/** What to do about an error from Weaviate. */
public enum ErrorClass {
  /** Retry with backoff; when the budget is spent, treat Weaviate as unavailable and pause. */
  TRANSIENT,
  /** Do not retry; the objects concerned go to the dead-letter topic. */
  PERMANENT,
  /** The request was too large: split the batch and try the halves. */
  SPLIT,
  /** Configuration problem (authentication, authorization): stop the worker, lose nothing. */
  FATAL
}
