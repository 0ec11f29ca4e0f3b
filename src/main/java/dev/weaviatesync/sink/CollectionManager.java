package dev.weaviatesync.sink;

import dev.weaviatesync.config.ConfigException;
import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.Keys;
import dev.weaviatesync.config.SyncConfig;
import io.weaviate.client6.v1.api.WeaviateClient;
import io.weaviate.client6.v1.api.collections.CollectionConfig;
import io.weaviate.client6.v1.api.collections.Property;
import io.weaviate.client6.v1.api.collections.VectorConfig;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every configured collection exists before the first write, because Weaviate's
 * auto-schema would otherwise create a new collection for a mistyped name and the data would
 * silently go there.
 */
public final class CollectionManager {
  private static final Logger log = LoggerFactory.getLogger(CollectionManager.class);

  private CollectionManager() {}

  public static void ensureCollections(WeaviateClient client, SyncConfig config)
      throws IOException {
    for (EntityType type : config.types()) {
      if (exists(client, type.collection())) {
        log.info("Collection {} exists (type {})", type.collection(), type.name());
        continue;
      }
      String propsKey = "type." + type.name() + ".properties";
      if (!config.collectionsCreate()) {
        throw new ConfigException(
            "type." + type.name() + ".collection",
            "collection '"
                + type.collection()
                + "' does not exist in Weaviate, and "
                + Keys.COLLECTIONS_CREATE
                + "=false");
      }
      if (type.properties().isEmpty()) {
        throw new ConfigException(
            propsKey,
            "collection '"
                + type.collection()
                + "' does not exist in Weaviate; "
                + "declare its properties here so it can be created, or create it yourself");
      }
      createFor(client, type, type.collection());
    }
  }

  /**
   * Creates collection {@code name} as configured for {@code type} (its properties and vectorizer):
   * the worker's own collection, or a new one that {@code reindex} fills.
   */
  public static void createFor(WeaviateClient client, EntityType type, String name)
      throws IOException {
    List<Property> props = type.properties().stream().map(CollectionManager::property).toList();
    create(
        client,
        CollectionConfig.of(
            name,
            c ->
                c.description(
                        "Managed by weaviate-sync: "
                            + type.name()
                            + " events from topic "
                            + type.topic())
                    .properties(props)
                    .vectorConfig(vectorConfig(type.vectorizer()))));
    log.info(
        "Created collection {} with properties {} and vectorizer {}",
        name,
        type.properties(),
        type.vectorizer().module());
  }

  /**
   * Whether {@code collection} names a collection or an alias of one (Weaviate 1.32 and later):
   * through an alias, the worker writes to whatever collection it points at, so that {@code reindex
   * --swap-alias} can repoint it in one step.
   */
  public static boolean exists(WeaviateClient client, String collection) throws IOException {
    try {
      return client.collections.exists(collection) || client.alias.get(collection).isPresent();
    } catch (RuntimeException e) {
      throw refused("read the schema of collection " + collection, e);
    }
  }

  private static void create(WeaviateClient client, CollectionConfig collection)
      throws IOException {
    try {
      client.collections.create(collection);
    } catch (RuntimeException e) {
      throw refused(
          "create collection "
              + collection.collectionName()
              + " ("
              + Keys.COLLECTIONS_CREATE
              + "=true)",
          e);
    }
  }

  /** A refusal as a {@link FatalSinkException} that says what was refused; anything else as is. */
  private static RuntimeException refused(String what, RuntimeException e) {
    if (ErrorClassifier.classify(e) != Failure.FATAL) {
      return e;
    }
    return WeaviateClientSink.refused(what, e);
  }

  /**
   * The named vector of a created collection: "default", embedded by the module or given by the
   * writer.
   */
  static java.util.Map.Entry<String, VectorConfig> vectorConfig(EntityType.Vectorizer v) {
    if (v.isNone()) {
      return VectorConfig.selfProvided();
    }
    if (EntityType.Vectorizer.TEXT2VEC_OPENAI.equals(v.module())) {
      return VectorConfig.text2vecOpenAi(
          b -> {
            if (v.baseUrl() != null) {
              b.baseUrl(v.baseUrl());
            }
            if (v.model() != null) {
              b.model(v.model());
            }
            return b;
          });
    }
    throw new IllegalArgumentException("unsupported vectorizer " + v.module());
  }

  private static Property property(EntityType.PropertySpec p) {
    return switch (p.dataType()) {
      case "text" -> Property.text(p.name());
      case "text[]" -> Property.textArray(p.name());
      case "int" -> Property.integer(p.name());
      case "int[]" -> Property.integerArray(p.name());
      case "number" -> Property.number(p.name());
      case "number[]" -> Property.numberArray(p.name());
      case "boolean" -> Property.bool(p.name());
      case "boolean[]" -> Property.boolArray(p.name());
      case "date" -> Property.date(p.name());
      case "date[]" -> Property.dateArray(p.name());
      case "uuid" -> Property.uuid(p.name());
      case "uuid[]" -> Property.uuidArray(p.name());
      default -> throw new IllegalArgumentException("unsupported datatype " + p.dataType());
    };
  }
}
