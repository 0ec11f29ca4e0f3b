package dev.weaviatesync.dlq;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * How far {@code dlq replay} got in one partition: the replay consumer group's committed offset
 * ({@link #next()}: everything before it is handled) plus, in the commit's metadata, the offsets
 * beyond it that were handled already. Records that a filter left out are not handled, so a later
 * run with another filter still finds them, and no record is ever sent twice.
 */
public final class ReplayProgress {
  /** Kafka's default offset.metadata.max.bytes is 4096; stay well below it. */
  static final int MAX_METADATA = 3500;

  private long next;
  private final TreeSet<Long> handled = new TreeSet<>();
  private Long firstOpen;

  public ReplayProgress(long next, String metadata) {
    this.next = next;
    if (metadata != null && !metadata.isBlank()) {
      for (String range : metadata.split(",")) {
        String[] ab = range.split("-");
        long a = Long.parseLong(ab[0].trim());
        long b = ab.length > 1 ? Long.parseLong(ab[1].trim()) : a;
        for (long o = Math.max(a, next); o <= b; o++) {
          handled.add(o);
        }
      }
    }
  }

  public long next() {
    return next;
  }

  public boolean isHandled(long offset) {
    return offset < next || handled.contains(offset);
  }

  /** A record this run leaves alone (filtered out, or not sent): progress cannot pass it. */
  public void leaveOpen(long offset) {
    if (firstOpen == null || offset < firstOpen) {
      firstOpen = offset;
    }
  }

  /**
   * Whether one more handled offset can still be remembered; false once the metadata would be too
   * large, in which case the run must stop sending in this partition.
   */
  public boolean canRemember(long offset) {
    if (firstOpen == null) {
      return true;
    }
    handled.add(offset);
    boolean ok = encode(handled.tailSet(firstOpen, false)).length() <= MAX_METADATA;
    handled.remove(offset);
    return ok;
  }

  public void markHandled(long offset) {
    handled.add(offset);
  }

  /**
   * Ends the run over this partition, having read up to {@code endOffset} (exclusive). Returns the
   * offset and metadata to commit.
   */
  public Commit finish(long endOffset) {
    if (firstOpen == null) {
      next = Math.max(next, endOffset);
      handled.headSet(next).clear();
    } else {
      next = Math.max(next, firstOpen);
      handled.headSet(next).clear();
    }
    return new Commit(next, encode(handled));
  }

  /** The offset to commit and the handled offsets beyond it, as ranges {@code a-b,c}. */
  public record Commit(long offset, String metadata) {}

  static String encode(java.util.SortedSet<Long> offsets) {
    List<String> ranges = new ArrayList<>();
    Long start = null;
    Long prev = null;
    for (long o : offsets) {
      if (start == null) {
        start = o;
      } else if (o != prev + 1) {
        ranges.add(start.equals(prev) ? Long.toString(start) : start + "-" + prev);
        start = o;
      }
      prev = o;
    }
    if (start != null) {
      ranges.add(start.equals(prev) ? Long.toString(start) : start + "-" + prev);
    }
    return String.join(",", ranges);
  }
}
