package dev.weaviatesync.sink;

/**
 * Weaviate refuses the worker itself (401/403): no record is at fault, so nothing goes to the
 * dead-letter topic. The stream thread stops, the uncommitted work is aborted and redone after
 * the configuration is fixed.
 */
public final class FatalSinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FatalSinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
