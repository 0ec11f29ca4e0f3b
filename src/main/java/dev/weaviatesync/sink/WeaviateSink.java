package dev.weaviatesync.sink;

import java.util.List;
import java.util.Map;

/**
 * The Weaviate side of the worker, one call per batch. Implementations do not retry; the {@link
 * BatchWriter} does. A call either throws (the batch as a whole failed) or returns the objects that
 * Weaviate rejected, by id, with Weaviate's message. Ids absent from the map were written.
 */
public interface WeaviateSink {

  /**
   * Batch upsert (create or replace the whole object) of {@code objects} into {@code collection}.
   */
  Map<String, String> upsert(String collection, List<UpsertObject> objects);

  /** Batch delete by id; ids that do not exist are not an error. */
  Map<String, String> delete(String collection, List<String> ids);

  /**
   * True when Weaviate answers its readiness check.
   *
   * @throws FatalSinkException when Weaviate refuses the worker's credentials; nothing else
   */
  boolean isReady();
}
