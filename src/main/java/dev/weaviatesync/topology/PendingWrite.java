package dev.weaviatesync.topology;

import dev.weaviatesync.event.Op;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The latest accepted event of one id, waiting for the next flush. It keeps the raw source record
 * (key, value, headers) and its coordinates, because a flush runs in a punctuator, where the
 * original record is no longer at hand, and a failed write must still dead-letter it byte for byte.
 * Stored in the changelogged {@code pending} store, so a crash loses nothing; once written or
 * dead-lettered, kept as the id's state in the {@code versions} store ({@link WrittenVersion}).
 */
public record PendingWrite(
    Op op,
    Long version,
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    Headers headers) {

  private static final int FORMAT = 1;

  /** Where the event was read: {@code topic:partition:offset}, what a repair names. */
  public String source() {
    return topic + ":" + partition + ":" + offset;
  }

  public byte[] encode() {
    var bytes = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(op.ordinal());
      out.writeLong(version == null ? -1 : version);
      out.writeUTF(topic);
      out.writeInt(partition);
      out.writeLong(offset);
      out.writeLong(timestamp);
      writeBytes(out, key);
      writeBytes(out, value);
      Headers h = headers == null ? new RecordHeaders() : headers;
      int n = 0;
      for (var ignored : h) {
        n++;
      }
      out.writeInt(n);
      for (var header : h) {
        writeBytes(out, header.key().getBytes(StandardCharsets.UTF_8));
        writeBytes(out, header.value());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static PendingWrite decode(byte[] data) {
    if (data == null) {
      return null;
    }
    try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown pending-write format " + format);
      }
      Op op = Op.values()[in.readByte()];
      long v = in.readLong();
      String topic = in.readUTF();
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      byte[] key = readBytes(in);
      byte[] value = readBytes(in);
      int n = in.readInt();
      var headers = new RecordHeaders();
      for (int i = 0; i < n; i++) {
        headers.add(new String(readBytes(in), StandardCharsets.UTF_8), readBytes(in));
      }
      return new PendingWrite(
          op, v < 0 ? null : v, topic, partition, offset, timestamp, key, value, headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0) {
      return null;
    }
    return in.readNBytes(len);
  }
}
