package dev.weaviatesync.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The outcome of the last event of one id that left the pending store: the highest version known
 * for the id (-1 when no event of it carried one), whether that event was a delete, whether it was
 * dead-lettered instead of written (so a replay of it is applied again), when (wall clock, for the
 * retention of deleted ids), and the event itself ({@code state}).
 *
 * <p>This is the value of the {@code versions.<Type>} store, whose compacted changelog is the
 * source of truth that {@code verify}, {@code resync} and {@code reindex} read: the latest accepted
 * event of every id, in the worker's own order (latest version wins, deletes stick), which a
 * compacted input topic cannot give (compaction keeps the latest by offset, not by version). {@code
 * state} is null only for entries written before the store kept it.
 */
public record WrittenVersion(
    long version, boolean deleted, boolean deadLettered, long writtenAtMs, PendingWrite state) {
  private static final int DELETED = 1;
  private static final int DEAD_LETTERED = 2;
  private static final int HEADER_BYTES = 17;

  public byte[] encode() {
    int flags = (deleted ? DELETED : 0) | (deadLettered ? DEAD_LETTERED : 0);
    byte[] s = state == null ? new byte[0] : state.encode();
    return ByteBuffer.allocate(HEADER_BYTES + s.length)
        .putLong(version)
        .put((byte) flags)
        .putLong(writtenAtMs)
        .put(s)
        .array();
  }

  /** Bytes a stored entry takes beyond its state's encoding. */
  static int overheadBytes() {
    return HEADER_BYTES;
  }

  public static WrittenVersion decode(byte[] data) {
    if (data == null) {
      return null;
    }
    var b = ByteBuffer.wrap(data);
    long version = b.getLong();
    int flags = b.get();
    long at = b.getLong();
    PendingWrite state =
        data.length > HEADER_BYTES
            ? PendingWrite.decode(Arrays.copyOfRange(data, HEADER_BYTES, data.length))
            : null;
    return new WrittenVersion(
        version, (flags & DELETED) != 0, (flags & DEAD_LETTERED) != 0, at, state);
  }
}
