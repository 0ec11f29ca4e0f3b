package dev.weaviatesync.sink;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What became of one batch: ids written, ids that failed for good (with why), and — when Weaviate
 * stayed unreachable through the whole retry budget — the outage cause, in which case the ids in
 * neither set were not written and must be kept for later.
 */
public final class WriteReport {
  /** A failed id, ready to become a dead-letter record. */
  public record FailedWrite(Failure category, Throwable error, int attempts) {}

  private final Set<String> written = new LinkedHashSet<>();
  private final Map<String, FailedWrite> failed = new LinkedHashMap<>();
  private Throwable outage;
  private boolean outOfTime;
  private int retries;
  private int providerSplits;

  public Set<String> written() {
    return written;
  }

  public Map<String, FailedWrite> failed() {
    return failed;
  }

  /** Non-null when Weaviate was unreachable: stop flushing, pause, keep what is pending. */
  public Throwable outage() {
    return outage;
  }

  /** True when the flush's deadline came before everything was written: keep the rest pending, go on later. */
  public boolean outOfTime() {
    return outOfTime;
  }

  void markOutOfTime() {
    outOfTime = true;
  }

  public int retries() {
    return retries;
  }

  void addWritten(String id) {
    written.add(id);
  }

  void addFailed(String id, FailedWrite f) {
    failed.put(id, f);
  }

  void outage(Throwable cause) {
    this.outage = cause;
  }

  /** How often objects sharing a vectorizer provider's refusal were resent in halves. */
  public int providerSplits() {
    return providerSplits;
  }

  void countProviderSplit() {
    providerSplits++;
  }

  void addRetries(int n) {
    retries += n;
  }

  void merge(WriteReport other) {
    written.addAll(other.written);
    failed.putAll(other.failed);
    retries += other.retries;
    providerSplits += other.providerSplits;
    outOfTime |= other.outOfTime;
    if (outage == null) {
      outage = other.outage;
    }
  }
}
