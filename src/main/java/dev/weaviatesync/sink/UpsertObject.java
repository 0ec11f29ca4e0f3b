package dev.weaviatesync.sink;

import java.util.Map;
import java.util.Objects;

/**
 * One object to write: the full state of {@code id}; {@code vector} is null unless brought by the
 * producer.
 */
public record UpsertObject(String id, Map<String, Object> properties, float[] vector) {
  public UpsertObject {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(properties, "properties");
  }
}
