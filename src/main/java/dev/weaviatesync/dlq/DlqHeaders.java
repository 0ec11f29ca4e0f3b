package dev.weaviatesync.dlq;

import dev.weaviatesync.sink.Failure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead-letter record. The record keeps the source key, value and headers byte for
 * byte; these are added beside them. The {@code __streams.errors.*} names and meanings are those of
 * Kafka Streams' own DLQ (KIP-1034), so existing tools read ours; values are UTF-8 strings.
 */
public final class DlqHeaders {
  private DlqHeaders() {}

  public static final String EXCEPTION = "__streams.errors.exception";
  public static final String MESSAGE = "__streams.errors.message";
  public static final String STACKTRACE = "__streams.errors.stacktrace";
  public static final String TOPIC = "__streams.errors.topic";
  public static final String PARTITION = "__streams.errors.partition";
  public static final String OFFSET = "__streams.errors.offset";

  public static final String CATEGORY = "weaviate-sync.failure.category";
  public static final String ATTEMPTS = "weaviate-sync.attempts";
  public static final String COLLECTION = "weaviate-sync.collection";
  public static final String EVENT_TYPE = "weaviate-sync.event.type";
  public static final String FAILED_AT = "weaviate-sync.failed.at";

  /**
   * Set by {@code dlq replay}; kept when a replayed record fails again, so the loop guard can
   * count.
   */
  public static final String REPLAY_COUNT = "weaviate-sync.replay.count";

  /**
   * Source context of a record, kept next to a pending write so a later flush can dead-letter it.
   */
  public record Source(String topic, int partition, long offset) {}

  /**
   * The source headers followed by the dead-letter headers; any stale {@code __streams.errors.*} or
   * {@code weaviate-sync.*} header of an earlier failure (a replayed record) is replaced.
   *
   * @param failure one that dead-letters: its {@link Failure#category()} is the {@link #CATEGORY}
   *     header
   * @param error the exception of the record: its class, message and stack trace
   */
  public static Headers build(
      Headers source,
      Source src,
      Failure failure,
      Throwable error,
      int attempts,
      String collection,
      String eventType,
      Instant failedAt) {
    var h = new RecordHeaders();
    for (var header : source) {
      if (!isOurs(header.key())) {
        h.add(header.key(), header.value());
      }
    }
    put(h, EXCEPTION, error.getClass().getName());
    put(h, MESSAGE, String.valueOf(error.getMessage()));
    put(h, STACKTRACE, stackTrace(error));
    put(h, TOPIC, src.topic());
    put(h, PARTITION, Integer.toString(src.partition()));
    put(h, OFFSET, Long.toString(src.offset()));
    put(h, CATEGORY, failure.category());
    put(h, ATTEMPTS, Integer.toString(attempts));
    if (collection != null) {
      put(h, COLLECTION, collection);
    }
    if (eventType != null) {
      put(h, EVENT_TYPE, eventType);
    }
    put(h, FAILED_AT, failedAt.toString());
    return h;
  }

  /**
   * Headers of an earlier failure, replaced when a record is dead-lettered again (the replay count
   * stays).
   */
  public static boolean isOurs(String key) {
    return (key.startsWith("__streams.errors.") || key.startsWith("weaviate-sync."))
        && !key.equals(REPLAY_COUNT);
  }

  /**
   * What one record adds to a produce request beyond its key, value and headers: the record batch
   * header (61 bytes) and the record's own varints (length, attributes, timestamp and offset
   * deltas, key and value lengths, header count: at most 36 bytes), rounded up.
   */
  static final int FRAMING_ALLOWANCE = 128;

  /**
   * Makes a dead-letter record fit {@code maxBytes} (the smaller of the producer's {@code
   * max.request.size} and the dead-letter topic's {@code max.message.bytes}). A DLQ copy is the
   * source record plus our headers, and a stack trace can be kilobytes, so a record that was legal
   * on its input topic can be too large for its copy. Our headers are shortened (stack trace first,
   * then the message), then the optional ones dropped (stack trace, attempts, event type,
   * collection, failed-at, message); key, value and the source's own headers are never altered.
   *
   * @return headers with which the record fits, or empty when even the bare record does not
   */
  public static java.util.Optional<Headers> fit(
      byte[] key, byte[] value, Headers headers, int maxBytes) {
    long size = size(key, value, headers);
    if (size <= maxBytes) {
      return java.util.Optional.of(headers);
    }
    var h = new RecordHeaders();
    headers.forEach(x -> h.add(x.key(), x.value()));
    for (String name : new String[] {STACKTRACE, MESSAGE}) {
      var current = h.lastHeader(name);
      if (current == null) {
        continue;
      }
      long excess = size - maxBytes;
      String note = " ... [shortened: record size limit]";
      String text = new String(current.value(), StandardCharsets.UTF_8);
      int keep = (int) Math.max(0, text.length() - excess - note.length());
      String shortened =
          keep == 0 ? "[omitted: record size limit]" : text.substring(0, keep) + note;
      h.remove(name);
      put(h, name, shortened);
      size = size(key, value, h);
      if (size <= maxBytes) {
        return java.util.Optional.of(h);
      }
    }
    // Still too large: drop what a reader can do without, keeping what replay and the filters need
    // (exception, source topic/partition/offset, category).
    for (String name :
        new String[] {STACKTRACE, ATTEMPTS, EVENT_TYPE, COLLECTION, FAILED_AT, MESSAGE}) {
      h.remove(name);
      if (size(key, value, h) <= maxBytes) {
        return java.util.Optional.of(h);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * The bytes a record takes in a produce request, with {@link #FRAMING_ALLOWANCE} for the rest.
   */
  public static long size(byte[] key, byte[] value, Headers headers) {
    long n =
        FRAMING_ALLOWANCE + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (var h : headers) {
      // two varints (key and value length) of at most 5 bytes each
      n +=
          10
              + h.key().getBytes(StandardCharsets.UTF_8).length
              + (h.value() == null ? 0 : h.value().length);
    }
    return n;
  }

  /** A header's value as text, or null when absent. */
  public static String text(Headers headers, String key) {
    var h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void put(Headers h, String key, String value) {
    h.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String stackTrace(Throwable t) {
    var sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }
}
