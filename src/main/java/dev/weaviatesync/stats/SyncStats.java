package dev.weaviatesync.stats;

import dev.weaviatesync.sink.Failure;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters shared by every stream thread; read by the summary log, by tests, and —
 * through the {@link MeterRegistry} — by {@code /metrics} (names {@code weaviate_sync_*}).
 */
public final class SyncStats {
  private final MeterRegistry registry;
  private final LongAdder eventsIn = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder deduped = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder repeated = new LongAdder();
  private final LongAdder unsendable = new LongAdder();
  private final LongAdder flushes = new LongAdder();
  private final Map<String, LongAdder> eventsInByType = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> dlq = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> weaviateErrors = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer flushLatency;

  public SyncStats() {
    this(new SimpleMeterRegistry());
  }

  public SyncStats(MeterRegistry registry) {
    this.registry = registry;
    counter("weaviate.sync.written", "Objects upserted into Weaviate", written);
    counter("weaviate.sync.deleted", "Objects deleted from Weaviate", deleted);
    counter(
        "weaviate.sync.deduped",
        "Events replaced by a newer event of the same id before a flush",
        deduped);
    counter(
        "weaviate.sync.stale.dropped",
        "Events older than what was pending or written for their id",
        stale);
    counter(
        "weaviate.sync.repeated",
        "Repeats of the version already pending or written for their id (no-ops)",
        repeated);
    counter("weaviate.sync.flushes", "Batches flushed", flushes);
    counter(
        "weaviate.sync.dlq.unsendable",
        "Records too large even for the dead-letter topic (logged at ERROR "
            + "with their topic, partition and offset)",
        unsendable);
    this.batchSize =
        DistributionSummary.builder("weaviate.sync.batch.size")
            .description("Objects per flushed batch")
            .publishPercentileHistogram()
            .register(registry);
    this.flushLatency =
        Timer.builder("weaviate.sync.flush.latency")
            .description("Time to flush one batch, retries included")
            .publishPercentileHistogram()
            .register(registry);
  }

  private void counter(String name, String description, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum)
        .description(description)
        .register(registry);
  }

  private LongAdder tagged(
      Map<String, LongAdder> map, String value, String name, String tag, String description) {
    return map.computeIfAbsent(
        value,
        v -> {
          var adder = new LongAdder();
          FunctionCounter.builder(name, adder, LongAdder::sum)
              .description(description)
              .tag(tag, v)
              .register(registry);
          return adder;
        });
  }

  public void countEventIn(String type) {
    eventsIn.increment();
    tagged(
            eventsInByType,
            type,
            "weaviate.sync.events.in",
            "type",
            "Records read from input topics")
        .increment();
  }

  public void countWritten(int n) {
    written.add(n);
  }

  public void countDeleted(int n) {
    deleted.add(n);
  }

  public void countDeduped() {
    deduped.increment();
  }

  public void countStale() {
    stale.increment();
  }

  public void countRepeated() {
    repeated.increment();
  }

  public long repeated() {
    return repeated.sum();
  }

  public void countFlush(int objects, Duration took) {
    flushes.increment();
    batchSize.record(objects);
    flushLatency.record(took);
  }

  /** A record that could not even be dead-lettered (larger than the dead-letter topic accepts). */
  public void countUnsendable() {
    unsendable.increment();
  }

  public long unsendable() {
    return unsendable.sum();
  }

  /** A record sent to the dead-letter topic, tagged with its {@link Failure#category()}. */
  public void countDlq(Failure failure) {
    tagged(
            dlq,
            failure.category(),
            "weaviate.sync.dlq",
            "category",
            "Records sent to the dead-letter topic")
        .increment();
  }

  /**
   * A Weaviate call retried because it failed as a whole; tagged with the failure's name ({@code
   * TRANSIENT}).
   */
  public void countRetry(Failure failure) {
    countRetry(failure.name());
  }

  /** A Weaviate call retried for the objects that failed in it transiently (tag {@code object}). */
  public void countObjectRetry() {
    countRetry("object");
  }

  private void countRetry(String cause) {
    tagged(retries, cause, "weaviate.sync.retries", "cause", "Retried Weaviate calls").increment();
  }

  /** A failed Weaviate call, by gRPC status, HTTP status or exception class. */
  public void countWeaviateError(String status) {
    tagged(
            weaviateErrors,
            status,
            "weaviate.sync.weaviate.errors",
            "status",
            "Failed Weaviate calls")
        .increment();
  }

  public long eventsIn() {
    return eventsIn.sum();
  }

  public long written() {
    return written.sum();
  }

  public long deleted() {
    return deleted.sum();
  }

  public long deduped() {
    return deduped.sum();
  }

  public long stale() {
    return stale.sum();
  }

  public long flushes() {
    return flushes.sum();
  }

  public long dlqTotal() {
    return dlq.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Map<String, Long> dlqByCategory() {
    return snapshot(dlq);
  }

  public long retriesTotal() {
    return retries.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Map<String, Long> retriesByCause() {
    return snapshot(retries);
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    var out = new TreeMap<String, Long>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** One line for the periodic INFO summary. */
  public String summary() {
    return "events in="
        + eventsIn()
        + " written="
        + written()
        + " deleted="
        + deleted()
        + " deduped="
        + deduped()
        + " stale dropped="
        + stale()
        + " repeated="
        + repeated()
        + " dlq="
        + dlqTotal()
        + dlqByCategory()
        + (unsendable() > 0 ? " unsendable=" + unsendable() : "")
        + " retries="
        + retriesTotal()
        + retriesByCause()
        + " flushes="
        + flushes();
  }
}
