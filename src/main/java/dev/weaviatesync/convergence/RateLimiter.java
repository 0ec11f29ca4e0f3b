package dev.weaviatesync.convergence;

/**
 * Paces reads to at most {@code perSecond} objects per second on average (0: unpaced), so that a
 * verify of millions of objects does not take a live Weaviate's capacity.
 */
public final class RateLimiter {
  private final double perSecond;
  private final long startNanos = System.nanoTime();
  private double granted;

  public RateLimiter(double perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("rate must be 0 (unpaced) or positive: " + perSecond);
    }
    this.perSecond = perSecond;
  }

  /** Blocks until {@code n} more objects fit in the rate. */
  public synchronized void acquire(int n) {
    if (perSecond == 0) {
      return;
    }
    granted += n;
    long dueNanos = startNanos + (long) ((granted - n) / perSecond * 1e9);
    long wait = dueNanos - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
