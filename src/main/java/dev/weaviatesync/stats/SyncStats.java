package dev.weaviatesync.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Process-wide counters shared by every stream thread; read by the summary log and by tests. */
public final class SyncStats {
  private final LongAdder eventsIn = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder deduped = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder flushes = new LongAdder();
  private final LongAdder upsertCalls = new LongAdder();
  private final Map<String, LongAdder> dlq = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();

  public void countEventIn() {
    eventsIn.increment();
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

  public void countFlush() {
    flushes.increment();
  }

  public void countDlq(String category) {
    dlq.computeIfAbsent(category, k -> new LongAdder()).increment();
  }

  public void countRetry(String cause) {
    retries.computeIfAbsent(cause, k -> new LongAdder()).increment();
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
    var m = new TreeMap<String, Long>();
    dlq.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public long retriesTotal() {
    return retries.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Map<String, Long> retriesByCause() {
    var m = new TreeMap<String, Long>();
    retries.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** One line for the periodic INFO summary. */
  public String summary() {
    return "events in=" + eventsIn() + " written=" + written() + " deleted=" + deleted() + " deduped=" + deduped()
        + " stale dropped=" + stale() + " dlq=" + dlqTotal() + dlqByCategory() + " retries=" + retriesTotal()
        + retriesByCause() + " flushes=" + flushes();
  }
}
