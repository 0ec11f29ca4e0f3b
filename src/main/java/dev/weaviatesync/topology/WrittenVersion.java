package dev.weaviatesync.topology;

import java.nio.ByteBuffer;

/**
 * What was last written to Weaviate for one id: the highest version written so far (-1 when none
 * carried a version), whether the last write was a delete, and when (wall clock, for the retention
 * of deleted ids).
 */
record WrittenVersion(long version, boolean deleted, long writtenAtMs) {

  byte[] encode() {
    return ByteBuffer.allocate(17).putLong(version).put((byte) (deleted ? 1 : 0)).putLong(writtenAtMs).array();
  }

  static WrittenVersion decode(byte[] data) {
    if (data == null) {
      return null;
    }
    var b = ByteBuffer.wrap(data);
    return new WrittenVersion(b.getLong(), b.get() == 1, b.getLong());
  }
}
