package dev.weaviatesync.sink;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Weaviate is reachable, for the whole process, kept current in the background.
 *
 * <p>A probe (REST readiness and a gRPC call: the path that writes) runs every {@code
 * probeInterval} on its own thread. Nothing that must answer quickly waits on Weaviate: the health
 * endpoints and the flush's verdict read {@link #healthy()}, which is the last probe's result as
 * long as that probe is recent; a probe stuck on a Weaviate that hangs makes it stale, and stale
 * means unhealthy.
 *
 * <p>When a flush spends its retry budget on a transient batch error while Weaviate is not healthy,
 * the sink is {@linkplain #markDown marked down}: processors keep their pending writes, the {@code
 * onDown} hook pauses Kafka Streams, and the first healthy probe runs {@code onUp}.
 */
public final class SinkAvailability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkAvailability.class);

  private final BooleanSupplier probe;
  private final Duration probeInterval;
  private final long staleAfterNanos;
  private final AtomicBoolean down = new AtomicBoolean();
  private final ScheduledExecutorService scheduler;
  private volatile boolean lastProbeOk;
  private volatile long lastProbeAt = System.nanoTime();
  private volatile Runnable onDown = () -> {};
  private volatile Runnable onUp = () -> {};
  private volatile java.util.function.Consumer<FatalSinkException> onFatal = e -> {};

  /** Starts probing at once (the first result is there after one probe). */
  public SinkAvailability(BooleanSupplier probe, Duration probeInterval) {
    this.probe = probe;
    this.probeInterval = probeInterval;
    this.staleAfterNanos = Math.max(3 * probeInterval.toNanos(), Duration.ofSeconds(5).toNanos());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            dev.weaviatesync.Daemons.named("weaviate-sync-availability-probe"));
    scheduler.scheduleWithFixedDelay(
        this::probeOnce, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Hooks run when Weaviate goes down and comes back (for example KafkaStreams pause/resume). */
  public void onTransitions(Runnable onDown, Runnable onUp) {
    this.onDown = onDown;
    this.onUp = onUp;
  }

  /** Hook run when a probe finds the worker's credentials refused: no outage to wait out, stop. */
  public void onFatal(java.util.function.Consumer<FatalSinkException> hook) {
    this.onFatal = hook;
  }

  /** True while processing is paused for an outage. */
  public boolean isDown() {
    return down.get();
  }

  /** The last probe succeeded and is recent. Never blocks. */
  public boolean healthy() {
    return lastProbeOk && System.nanoTime() - lastProbeAt < staleAfterNanos;
  }

  /**
   * Called by a flush whose retry budget ran out on a transient error while Weaviate was not
   * healthy ({@link Failure#UNAVAILABLE}, {@link WriteReport#outage()} says why).
   */
  public void markDown(String why) {
    if (down.compareAndSet(false, true)) {
      lastProbeOk = false;
      log.warn(
          "Weaviate unavailable after the retry budget ({}); pausing processing and probing every {} ms. "
              + "Pending writes are kept, nothing goes to the dead-letter topic for this.",
          why,
          probeInterval.toMillis());
      runHook(onDown);
    }
  }

  /** Runs one probe now, on the caller's thread (tests; the scheduler does it in production). */
  void probeOnce() {
    boolean ok;
    try {
      ok = probe.getAsBoolean();
    } catch (FatalSinkException e) {
      lastProbeOk = false;
      lastProbeAt = System.nanoTime();
      onFatal.accept(e);
      return;
    } catch (RuntimeException e) {
      ok = false;
    }
    lastProbeOk = ok;
    lastProbeAt = System.nanoTime();
    if (ok && down.compareAndSet(true, false)) {
      log.info("Weaviate answers again; resuming processing");
      runHook(onUp);
    } else if (!ok && down.get()) {
      log.debug("Weaviate still unavailable");
    }
  }

  private static void runHook(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      log.warn("availability hook failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
