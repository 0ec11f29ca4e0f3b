package dev.weaviatesync.sink;

/**
 * {@link Failure#FATAL}: Weaviate refuses the worker itself (401/403, gRPC PERMISSION_DENIED, or a
 * batch whose objects are all refused for lack of permission), so no record is at fault and nothing
 * goes to the dead-letter topic. At start-up the worker does not start; later the stream thread
 * stops, the uncommitted work is aborted and redone after the key or its permissions are fixed.
 */
public final class FatalSinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param detail what Weaviate answered (never the key)
   */
  public FatalSinkException(String detail, Throwable cause) {
    super("Weaviate refused the worker's credentials or permissions: " + detail, cause);
  }
}
