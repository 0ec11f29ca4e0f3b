package dev.weaviatesync.sink;

/** Weaviate refused an object or a batch; carried into the dead-letter record as its exception. */
public final class WeaviateRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WeaviateRejectedException(String message) {
    super(message);
  }

  public WeaviateRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
