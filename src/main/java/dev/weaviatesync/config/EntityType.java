package dev.weaviatesync.config;

import java.util.List;
import java.util.Objects;

/**
 * One entity type of the event contract: events of {@code name} arrive on {@code topic} and are
 * written to the Weaviate collection {@code collection}. {@code properties} are declared for
 * collection creation; empty means "do not create, the collection is managed elsewhere".
 */
public record EntityType(String name, String topic, String collection, List<PropertySpec> properties) {
  public EntityType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(collection, "collection");
    properties = List.copyOf(properties);
  }

  /** A declared property of a collection: {@code name:type}, with Weaviate data types. */
  public record PropertySpec(String name, String dataType) {
    public static final List<String> TYPES = List.of(
        "text", "text[]", "int", "int[]", "number", "number[]", "boolean", "boolean[]",
        "date", "date[]", "uuid", "uuid[]");
  }
}
