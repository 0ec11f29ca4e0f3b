package dev.weaviatesync.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * A dead-letter record as the CLI sees it: its coordinates, the raw record, and the parsed headers.
 */
public record DlqRecord(
    int partition,
    long offset,
    Instant failedAt,
    String type,
    String id,
    String category,
    String exception,
    String message,
    String sourceTopic,
    int replayCount,
    byte[] key,
    byte[] value,
    Headers headers) {

  public static DlqRecord of(ConsumerRecord<byte[], byte[]> r) {
    Headers h = r.headers();
    Instant failedAt;
    try {
      String at = DlqHeaders.text(h, DlqHeaders.FAILED_AT);
      failedAt = at == null ? Instant.ofEpochMilli(r.timestamp()) : Instant.parse(at);
    } catch (DateTimeParseException e) {
      failedAt = Instant.ofEpochMilli(r.timestamp());
    }
    int replays = 0;
    try {
      String rc = DlqHeaders.text(h, DlqHeaders.REPLAY_COUNT);
      replays = rc == null ? 0 : Integer.parseInt(rc.trim());
    } catch (NumberFormatException e) {
      replays = 0;
    }
    return new DlqRecord(
        r.partition(),
        r.offset(),
        failedAt,
        DlqHeaders.text(h, DlqHeaders.EVENT_TYPE),
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
        DlqHeaders.text(h, DlqHeaders.CATEGORY),
        DlqHeaders.text(h, DlqHeaders.EXCEPTION),
        DlqHeaders.text(h, DlqHeaders.MESSAGE),
        DlqHeaders.text(h, DlqHeaders.TOPIC),
        replays,
        r.key(),
        r.value(),
        h);
  }

  public String coordinates() {
    return partition + ":" + offset;
  }

  /** The exception class without its package. */
  public String exceptionSimpleName() {
    if (exception == null) {
      return null;
    }
    int dot = exception.lastIndexOf('.');
    return dot < 0 ? exception : exception.substring(dot + 1);
  }
}
