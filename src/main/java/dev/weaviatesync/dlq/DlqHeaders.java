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
  /** Set by {@code dlq replay}; kept when a replayed record fails again, so the loop guard can count. */
  public static final String REPLAY_COUNT = "weaviate-sync.replay.count";

  /** Source context of a record, kept next to a pending write so a later flush can dead-letter it. */
  public record Source(String topic, int partition, long offset) {}

  /**
   * The source headers followed by the dead-letter headers; any stale {@code __streams.errors.*} or
   * {@code weaviate-sync.*} header of an earlier failure (a replayed record) is replaced.
   */
  public static Headers build(Headers source, Source src, Failure category, Throwable error, int attempts,
      String collection, String eventType, Instant failedAt) {
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
    put(h, CATEGORY, category.name());
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

  /** Headers of an earlier failure, replaced when a record is dead-lettered again (the replay count stays). */
  public static boolean isOurs(String key) {
    return (key.startsWith("__streams.errors.") || key.startsWith("weaviate-sync.")) && !key.equals(REPLAY_COUNT);
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
