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
 * Whether Weaviate is reachable, for the whole process. When a flush spends its retry budget on a
 * transient batch error, the sink is marked down: processors keep their pending writes instead of
 * sending them to the dead-letter topic, the {@code onDown} hook pauses Kafka Streams, and a probe
 * checks Weaviate every {@code probeInterval} until it answers, then {@code onUp} resumes.
 */
public final class SinkAvailability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkAvailability.class);

  private final BooleanSupplier probe;
  private final Duration probeInterval;
  private final AtomicBoolean down = new AtomicBoolean();
  private final ScheduledExecutorService scheduler;
  private volatile Runnable onDown = () -> {};
  private volatile Runnable onUp = () -> {};

  public SinkAvailability(BooleanSupplier probe, Duration probeInterval) {
    this.probe = probe;
    this.probeInterval = probeInterval;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "weaviate-sync-availability-probe");
      t.setDaemon(true);
      return t;
    });
  }

  /** Hooks run when Weaviate goes down and comes back (for example KafkaStreams pause/resume). */
  public void onTransitions(Runnable onDown, Runnable onUp) {
    this.onDown = onDown;
    this.onUp = onUp;
  }

  public boolean isDown() {
    return down.get();
  }

  /** Called by a flush whose retry budget ran out on a transient error. */
  public void markDown(Throwable cause) {
    if (down.compareAndSet(false, true)) {
      log.warn("Weaviate unavailable after the retry budget ({}); pausing processing and probing every {} ms. "
          + "Pending writes are kept, nothing goes to the dead-letter topic for this.", cause.toString(),
          probeInterval.toMillis());
      runHook(onDown);
      scheduleProbe();
    }
  }

  private void scheduleProbe() {
    if (scheduler.isShutdown()) {
      return;
    }
    scheduler.schedule(() -> {
      if (probe.getAsBoolean()) {
        if (down.compareAndSet(true, false)) {
          log.info("Weaviate answers again; resuming processing");
          runHook(onUp);
        }
      } else {
        log.debug("Weaviate still unavailable");
        scheduleProbe();
      }
    }, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
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
