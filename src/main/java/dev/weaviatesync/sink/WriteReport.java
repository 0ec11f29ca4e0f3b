package dev.weaviatesync.sink;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What became of one batch: ids written, ids that failed for good (each with its failure, ready to
 * become a dead-letter record), and — when Weaviate stayed unreachable through the whole retry
 * budget ({@link Failure#UNAVAILABLE}) — why, in which case the ids in neither set were not written
 * and must be kept for later.
 */
public final class WriteReport {
  private final Set<String> written = new LinkedHashSet<>();
  private final Map<String, WeaviateRejectedException> failed = new LinkedHashMap<>();
  private String outage;
  private boolean outOfTime;
  private int retries;
  private int providerSplits;

  public Set<String> written() {
    return written;
  }

  public Map<String, WeaviateRejectedException> failed() {
    return failed;
  }

  /**
   * Non-null when Weaviate was unreachable ({@link Failure#UNAVAILABLE}): what it last answered, or
   * that it did not. Stop flushing, pause, keep what is pending.
   */
  public String outage() {
    return outage;
  }

  /**
   * True when the flush's deadline came before everything was written: keep the rest pending, go on
   * later.
   */
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

  void addFailed(String id, WeaviateRejectedException f) {
    failed.put(id, f);
  }

  void outage(String why) {
    this.outage = why;
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
