package dev.weaviatesync.sink;

/**
 * Weaviate refused an object or a batch, or kept failing it past the retry budget: the exception of
 * its dead-letter record (the README names this class in {@code __streams.errors.exception}),
 * carrying the {@link Failure} that says which, and the attempts made.
 */
public final class WeaviateRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Failure failure;
  private final int attempts;

  /**
   * @param failure one that dead-letters: {@code REJECTED}, {@code PERMANENT} or {@code
   *     TRANSIENT_EXHAUSTED}
   */
  public WeaviateRejectedException(Failure failure, int attempts, String message, Throwable cause) {
    super(message, cause);
    if (!failure.deadLettered()) {
      throw new IllegalArgumentException(failure + " dead-letters nothing");
    }
    this.failure = failure;
    this.attempts = attempts;
  }

  public Failure failure() {
    return failure;
  }

  /** Weaviate attempts made for it. */
  public int attempts() {
    return attempts;
  }
}
