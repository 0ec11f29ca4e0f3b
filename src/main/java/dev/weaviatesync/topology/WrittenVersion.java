package dev.weaviatesync.topology;

import java.nio.ByteBuffer;

/**
 * The outcome of the last event of one id that left the pending store: the highest version known
 * for the id (-1 when no event of it carried one), whether that event was a delete, whether it was
 * dead-lettered instead of written (so a replay of it is applied again), and when (wall clock, for
 * the retention of deleted ids).
 */
record WrittenVersion(long version, boolean deleted, boolean deadLettered, long writtenAtMs) {
  private static final int DELETED = 1;
  private static final int DEAD_LETTERED = 2;

  byte[] encode() {
    int flags = (deleted ? DELETED : 0) | (deadLettered ? DEAD_LETTERED : 0);
    return ByteBuffer.allocate(17).putLong(version).put((byte) flags).putLong(writtenAtMs).array();
  }

  static WrittenVersion decode(byte[] data) {
    if (data == null) {
      return null;
    }
    var b = ByteBuffer.wrap(data);
    long version = b.getLong();
    int flags = b.get();
    return new WrittenVersion(
        version, (flags & DELETED) != 0, (flags & DEAD_LETTERED) != 0, b.getLong());
  }
}
